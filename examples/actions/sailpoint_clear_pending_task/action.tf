# Clear a task ISC left pending, by hand:
#   terraform apply -invoke=action.sailpoint_clear_pending_task.stuck
# Terraform 1.14 or newer; a personal access token with
# idn:task-management:write.
variable "stuck_task_id" {
  type = string
}

action "sailpoint_clear_pending_task" "stuck" {
  config {
    task_id           = var.stuck_task_id
    completion_status = "TERMINATED"
  }
}
