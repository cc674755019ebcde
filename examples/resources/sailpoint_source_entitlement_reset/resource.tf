# Remove every entitlement of a test tenant's source before loading it
# again. Destructive. Needs a personal access token of an ORG_ADMIN.
resource "sailpoint_source_entitlement_reset" "test_ad" {
  source_id = "c6dc37bf508149b28ce5b7d90ca4bbf9"
}
