# Fail the plan when the source's last aggregation failed.
data "sailpoint_task_statuses" "last_aggregation" {
  filters = "sourceId eq \"${var.source_id}\""
  sorters = "-created"
  limit   = 1

  lifecycle {
    postcondition {
      condition     = length(self.task_statuses) == 0 || try(self.task_statuses[0].completion_status, null) != "ERROR"
      error_message = "The last aggregation of source ${var.source_id} failed: ${join("; ", [for m in try(self.task_statuses[0].messages, []) : m.localized_text.message if m.type == "ERROR" && m.localized_text != null])}"
    }
  }
}

variable "source_id" {
  type = string
}
