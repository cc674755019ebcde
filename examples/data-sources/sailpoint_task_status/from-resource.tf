# When the id comes from a resource created in the same run, it is unknown
# while planning, so Terraform reads the data source during apply, right
# after that resource: the wait happens in the apply, in order.
resource "sailpoint_account_aggregation" "started" {
  source_id = var.source_id
  # The resource would wait and gate by itself; here the data source does.
  wait_for_completion = false
}

data "sailpoint_task_status" "after_start" {
  id                           = sailpoint_account_aggregation.started.task_id
  wait_for_completion          = true
  expected_completion_statuses = ["SUCCESS"]
}

variable "source_id" {
  type = string
}
