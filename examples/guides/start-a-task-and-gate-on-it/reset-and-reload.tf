# Reset a test tenant's source and load it again, each step gated, in the
# order ISC needs: remove the accounts, reset the entitlements, aggregate
# the entitlements, then aggregate the accounts unoptimized. The resets
# need a personal access token of an ORG_ADMIN.
variable "test_data_revision" {
  type        = string
  description = "Change it to reset and reload the source."
}

locals {
  source_id = "c6dc37bf508149b28ce5b7d90ca4bbf9"
  run       = { test_data = var.test_data_revision }
}

resource "sailpoint_source_account_reset" "ad" {
  source_id = local.source_id
  triggers  = local.run
}

resource "sailpoint_source_entitlement_reset" "ad" {
  source_id  = local.source_id
  triggers   = local.run
  depends_on = [sailpoint_source_account_reset.ad]
}

resource "sailpoint_entitlement_aggregation" "ad" {
  source_id  = local.source_id
  triggers   = local.run
  depends_on = [sailpoint_source_entitlement_reset.ad]
}

resource "sailpoint_account_aggregation" "ad" {
  source_id            = local.source_id
  disable_optimization = true # reloads the accounts with the entitlements reset removed
  triggers             = local.run
  depends_on           = [sailpoint_entitlement_aggregation.ad]
}
