# Stop the plan while any task is still running (completionStatus isnull).
data "sailpoint_task_statuses" "running" {
  filters = "completionStatus isnull"

  lifecycle {
    postcondition {
      condition     = length(self.task_statuses) == 0
      error_message = "Tasks still running: ${join(", ", [for t in self.task_statuses : "${t.unique_name} (${t.id}, ${coalesce(t.progress, "no progress yet")})"])}"
    }
  }
}
