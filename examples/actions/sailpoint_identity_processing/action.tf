# Recalculate the identities touched by a change of role rules, by hand:
#   terraform apply -invoke=action.sailpoint_identity_processing.leavers
# Terraform 1.14 or newer.
action "sailpoint_identity_processing" "leavers" {
  config {
    identity_ids = [
      "2c9180835d2e5168015d32f890ca1581",
      "2c9180835d2e5168015d32f890ca1582",
    ]
    expected_completion_statuses = ["SUCCESS"]
  }
}
