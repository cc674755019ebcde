# Gate with a postcondition when the rule is yours to write: here a
# WARNING is acceptable only if no account was skipped.
data "sailpoint_task_status" "refresh" {
  id                  = var.refresh_task_id
  wait_for_completion = true

  lifecycle {
    postcondition {
      condition = (
        self.completion_status == "SUCCESS" ||
        (self.completion_status == "WARNING" && try(self.attributes.skipped, 0) == 0)
      )
      error_message = "Identity refresh ${self.id} finished ${self.completion_status}: ${join("; ", [for m in self.messages : m.localized_text.message if m.localized_text != null && contains(["ERROR", "WARN"], m.type)])}"
    }
  }
}

variable "refresh_task_id" {
  type = string
}
