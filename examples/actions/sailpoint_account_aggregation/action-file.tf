# A delimited-file source: upload the CSV and aggregate it whenever its
# content changes.
variable "accounts_csv" {
  type        = string
  description = "Path of the contractors' CSV export, such as \"exports/contractors.csv\"."
}

resource "terraform_data" "accounts_csv" {
  input = filesha256(var.accounts_csv)

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.sailpoint_account_aggregation.contractors]
    }
  }
}

action "sailpoint_account_aggregation" "contractors" {
  config {
    source_id = "2c9180867b6d2f51017b6f3a1b2c0001"
    file      = var.accounts_csv
  }
}
