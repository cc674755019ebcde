# The aggregation passes its own gate with SUCCESS or WARNING; the step
# that disables leavers' access goes on only after a clean SUCCESS, and
# reads what the task reported.
resource "sailpoint_account_aggregation" "workday" {
  source_id = var.workday_source_id
}

resource "terraform_data" "disable_leavers" {
  triggers_replace = sailpoint_account_aggregation.workday.task_id

  provisioner "local-exec" {
    command = "echo 'aggregation ${sailpoint_account_aggregation.workday.task_id} scanned ${try(sailpoint_account_aggregation.workday.task.attributes.total, "?")} accounts'"
  }

  lifecycle {
    precondition {
      condition     = sailpoint_account_aggregation.workday.completion_status == "SUCCESS"
      error_message = "Aggregation ${sailpoint_account_aggregation.workday.task_id} finished ${coalesce(sailpoint_account_aggregation.workday.completion_status, "(not yet)")}; leavers are disabled after a clean aggregation only: ${join("; ", [for m in try(sailpoint_account_aggregation.workday.task.messages, []) : m.localized_text.message if m.type == "WARN" && m.localized_text != null])}"
    }
  }
}

variable "workday_source_id" {
  type = string
}
