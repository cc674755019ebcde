# Remove every account of a test source from ISC, by hand:
#   terraform apply -invoke=action.sailpoint_source_account_reset.test_ad
# Destructive. Terraform 1.14 or newer; a personal access token of an ORG_ADMIN.
action "sailpoint_source_account_reset" "test_ad" {
  config {
    source_id = "c6dc37bf508149b28ce5b7d90ca4bbf9"
  }
}
