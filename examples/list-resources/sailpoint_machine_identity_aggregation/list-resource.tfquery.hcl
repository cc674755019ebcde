# Find the machine identity aggregations of a source that are still running,
# such as one a killed run left behind (terraform query), and write a
# resource and an import block for each:
#   terraform query -generate-config-out=adopted.tf
# The task does not record its datasets: set dataset_ids in the written
# resource before you apply.
list "sailpoint_machine_identity_aggregation" "running" {
  provider         = sailpoint
  include_resource = true

  config {
    source_id = "2c9180835d191a86015d28455b4a2329"
    running   = true
  }
}
