# Find the identity processing tasks that are still running, such as one a
# killed run left behind (terraform query), and write a resource and an
# import block for each:
#   terraform query -generate-config-out=adopted.tf
# The task does not record which identities it processes: set identity_ids
# in the written resource before you apply.
list "sailpoint_identity_processing" "running" {
  provider         = sailpoint
  include_resource = true

  config {
    running = true
  }
}
