# Run by hand, outside any change:
#   terraform apply -invoke=action.sailpoint_account_aggregation.full
action "sailpoint_account_aggregation" "full" {
  config {
    source_id            = "2c9180835d191a86015d28455b4a2329"
    disable_optimization = true
    poll_interval        = "1m"
  }
}
