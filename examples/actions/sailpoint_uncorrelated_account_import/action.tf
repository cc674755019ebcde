# Process a CSV of uncorrelated accounts by hand:
#   terraform apply -invoke=action.sailpoint_uncorrelated_account_import.hr
# Terraform 1.14 or newer.
action "sailpoint_uncorrelated_account_import" "hr" {
  config {
    source_id = "2c9180887a1b2c3d4e5f60718293a4b5"
    file      = "${path.module}/uncorrelated.csv"
  }
}
