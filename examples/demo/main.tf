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

# A finished account aggregation.
data "sailpoint_task_status" "aggregation" {
  id = "2c91808a7813090a01781412a1110a30"
}

# An aggregation that failed.
data "sailpoint_task_status" "failed_aggregation" {
  id = "2c91808a7813090a01781412a1110b40"
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
