# Aggregate the accounts of a source when it is created, wait for the
# aggregation and fail the apply unless it ends in SUCCESS or WARNING.
# A second apply with nothing changed starts nothing.
resource "sailpoint_account_aggregation" "active_directory" {
  source_id = "2c9180835d191a86015d28455b4a2329"

  # Any change of these values starts a new aggregation.
  triggers = {
    connector_config = sha256(jsonencode(var.active_directory_config))
  }

  timeouts = {
    create = "2h" # waiting for running tasks, starting and waiting
  }
}

variable "active_directory_config" {
  type        = map(string)
  description = "The settings your pipeline applies to the source; changing them re-aggregates it."
}

output "aggregation" {
  value = {
    task_id           = sailpoint_account_aggregation.active_directory.task_id
    completion_status = sailpoint_account_aggregation.active_directory.completion_status
    accounts_scanned  = try(sailpoint_account_aggregation.active_directory.task.attributes.total, null)
  }
}
