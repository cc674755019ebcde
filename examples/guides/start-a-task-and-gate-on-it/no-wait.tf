# Start the aggregation and go on at once; a later stage gates on it with
# the sailpoint_task_status data source and this output.
resource "sailpoint_account_aggregation" "nightly" {
  source_id           = var.source_id
  wait_for_completion = false
}

output "nightly_aggregation_task_id" {
  value = sailpoint_account_aggregation.nightly.task_id
}

variable "source_id" {
  type = string
}
