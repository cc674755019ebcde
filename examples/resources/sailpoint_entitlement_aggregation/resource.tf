# Aggregate a source's entitlements. ISC documents this operation for user
# tokens only: authenticate with a personal access token of an ORG_ADMIN.
resource "sailpoint_entitlement_aggregation" "workday" {
  source_id = local.workday_source_id

  triggers = {
    # Aggregate again when the entitlement schema your pipeline manages changes.
    schema = sha256(jsonencode(var.workday_entitlement_schema))
  }
}

# The accounts are aggregated once the entitlements are in, so their
# entitlements are known when accounts are correlated.
resource "sailpoint_account_aggregation" "workday" {
  source_id  = local.workday_source_id
  depends_on = [sailpoint_entitlement_aggregation.workday]
}

locals {
  workday_source_id = "2c9180835d2e5168015d32f890ca1581"
}

variable "workday_entitlement_schema" {
  type = any
}
