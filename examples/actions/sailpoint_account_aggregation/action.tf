# Aggregate the HR source's accounts again whenever its connector
# configuration changes. Terraform 1.14 or newer.
variable "hr_source_config_revision" {
  type = string
}

resource "terraform_data" "hr_source_config" {
  input = var.hr_source_config_revision

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.sailpoint_account_aggregation.hr]
    }
  }
}

action "sailpoint_account_aggregation" "hr" {
  config {
    source_id = "2c9180835d191a86015d28455b4a2329"
    timeout   = "2h"
  }
}
