# Wait for the task to finish and fail the run unless it finished well.
# On failure the error quotes the task's own ERROR and WARN messages.
variable "aggregation_task_id" {
  type        = string
  description = "The id returned when the aggregation was started."
}

data "sailpoint_task_status" "gated_aggregation" {
  id                           = var.aggregation_task_id
  wait_for_completion          = true
  expected_completion_statuses = ["SUCCESS", "WARNING"]
  poll_interval                = "15s"

  timeouts = {
    read = "30m"
  }
}
