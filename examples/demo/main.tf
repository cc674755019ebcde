# The configuration `make demo` applies against the project's fake tenant.
# The provider reads SAIL_BASE_URL, SAIL_CLIENT_ID and SAIL_CLIENT_SECRET,
# which the demo sets to the fake tenant's address and test credentials.
terraform {
  required_providers {
    sailpoint = {
      source = "isc-community/sailpoint"
    }
  }
}

provider "sailpoint" {}

# A finished account aggregation, read once.
data "sailpoint_task_status" "aggregation" {
  id = "2c91808a7813090a01781412a1110a30"
}

# An aggregation that failed, read once.
data "sailpoint_task_status" "failed_aggregation" {
  id = "2c91808a7813090a01781412a1110b40"
}

# An identity refresh still running: wait for it, and pass the gate only if
# it finishes well.
data "sailpoint_task_status" "refresh" {
  id                           = "2c9180867b6d2f51017b6f3a1b2c0d60"
  wait_for_completion          = true
  expected_completion_statuses = ["SUCCESS", "WARNING"]
  poll_interval                = "2s"
}

# Start an account aggregation of the fake tenant's Active Directory source,
# wait for it, and pass the gate only if it finishes well. A second apply
# with nothing changed starts nothing; a new run_id starts a new one.
variable "run_id" {
  type    = string
  default = "1"
}

resource "sailpoint_account_aggregation" "active_directory" {
  source_id     = "c6dc37bf508149b28ce5b7d90ca4bbf9"
  poll_interval = "2s"
  triggers = {
    run = var.run_id
  }
}

# The same gate on the failed aggregation, switched on by the demo's second
# run (-var gate_the_failed_aggregation=true) to show a gate failing.
variable "gate_the_failed_aggregation" {
  type    = bool
  default = false
}

data "sailpoint_task_status" "gate_failed" {
  count                        = var.gate_the_failed_aggregation ? 1 : 0
  id                           = "2c91808a7813090a01781412a1110b40"
  expected_completion_statuses = ["SUCCESS", "WARNING"]
}

output "aggregation" {
  value = {
    task              = data.sailpoint_task_status.aggregation.unique_name
    source            = data.sailpoint_task_status.aggregation.target.name
    completion_status = data.sailpoint_task_status.aggregation.completion_status
    completed         = data.sailpoint_task_status.aggregation.completed
    accounts_scanned  = data.sailpoint_task_status.aggregation.attributes.total
  }
}

output "failed_aggregation" {
  value = {
    task              = data.sailpoint_task_status.failed_aggregation.unique_name
    source            = data.sailpoint_task_status.failed_aggregation.target.name
    completion_status = data.sailpoint_task_status.failed_aggregation.completion_status
    errors = [
      for m in data.sailpoint_task_status.failed_aggregation.messages :
      m.localized_text.message if m.type == "ERROR"
    ]
  }
}

output "refresh_gate_passed" {
  value = {
    task              = data.sailpoint_task_status.refresh.unique_name
    completion_status = data.sailpoint_task_status.refresh.completion_status
    identities        = data.sailpoint_task_status.refresh.attributes.identityCount
  }
}

output "started_aggregation" {
  value = {
    task_id           = sailpoint_account_aggregation.active_directory.task_id
    task              = sailpoint_account_aggregation.active_directory.task.unique_name
    source            = sailpoint_account_aggregation.active_directory.task.target.name
    completion_status = sailpoint_account_aggregation.active_directory.completion_status
  }
}
