# A check block validates continuously (every plan and apply) but only
# warns: use it to watch a task without blocking the run.
check "nightly_aggregation" {
  data "sailpoint_task_status" "nightly" {
    id = var.nightly_aggregation_task_id
  }

  assert {
    condition     = data.sailpoint_task_status.nightly.completion_status != "ERROR"
    error_message = "The nightly aggregation ${data.sailpoint_task_status.nightly.id} failed."
  }
}

variable "nightly_aggregation_task_id" {
  type = string
}
