# Process identities (recalculate their attributes, roles and access, as an
# identity refresh does) once their source has been aggregated.
resource "sailpoint_account_aggregation" "workday" {
  source_id = "2c9180835d2e5168015d32f890ca1581"
}

resource "sailpoint_identity_processing" "new_hires" {
  identity_ids = var.new_hire_identity_ids # 1 to 250 ids

  # A new aggregation means the identities are processed again.
  triggers = {
    aggregation = sailpoint_account_aggregation.workday.task_id
  }

  poll_interval = "10s"
  timeouts = {
    create = "30m"
  }
}

variable "new_hire_identity_ids" {
  type = set(string)
}
