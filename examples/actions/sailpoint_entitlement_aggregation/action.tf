# Aggregate the source's entitlements after its account schema changed.
# The API documents this operation for user tokens only: configure the
# provider with a personal access token. Terraform 1.14 or newer.
variable "ad_schema_revision" {
  type = string
}

resource "terraform_data" "ad_schema" {
  input = var.ad_schema_revision

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.sailpoint_entitlement_aggregation.ad]
    }
  }
}

action "sailpoint_entitlement_aggregation" "ad" {
  config {
    source_id = "c6dc37bf508149b28ce5b7d90ca4bbf9"
  }
}
