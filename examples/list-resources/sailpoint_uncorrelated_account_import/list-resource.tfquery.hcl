# Find the uncorrelated account imports of a source that are still running,
# such as one a killed run left behind (terraform query), and write a
# resource and an import block for each:
#   terraform query -generate-config-out=adopted.tf
# The task does not record its file: set file in the written resource before
# you apply (an update uploads nothing).
list "sailpoint_uncorrelated_account_import" "running" {
  provider         = sailpoint
  include_resource = true

  config {
    source_id = "2c9180887a1b2c3d4e5f60718293a4b5"
    running   = true
  }
}
