# The account aggregations of every source that failed since a given time,
# newest first, up to 20.
list "sailpoint_account_aggregation" "failed" {
  provider = sailpoint
  limit    = 20

  config {
    completion_statuses = ["ERROR", "TERMINATED"]
    launched_after      = "2026-11-27T00:00:00Z"
  }
}
