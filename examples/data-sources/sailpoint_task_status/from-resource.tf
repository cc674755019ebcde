# When the id comes from a resource created in the same run, it is unknown
# while planning, so Terraform reads the data source during apply, right
# after that resource: the wait happens in the apply, in order.
resource "terraform_data" "aggregation_started" {
  # Stands for whatever starts the aggregation and returns its task id.
  input = var.started_task_id
}

data "sailpoint_task_status" "after_start" {
  id                           = terraform_data.aggregation_started.output
  wait_for_completion          = true
  expected_completion_statuses = ["SUCCESS"]
}

variable "started_task_id" {
  type = string
}
