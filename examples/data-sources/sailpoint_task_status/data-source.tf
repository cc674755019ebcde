# Read a task's status once, as it is now.
data "sailpoint_task_status" "aggregation" {
  id = "2c91808a7813090a01781412a1110a30"
}

output "aggregation_status" {
  value = data.sailpoint_task_status.aggregation.completion_status # null while running
}

output "identities_created" {
  # attributes is an object: no jsondecode needed.
  value = data.sailpoint_task_status.aggregation.attributes.identityCount
}
