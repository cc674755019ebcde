# find.tfquery.hcl: the running account aggregations of the HR source.
list "sailpoint_account_aggregation" "hr" {
  provider         = sailpoint
  include_resource = true

  config {
    source_id = "2c9180835d191a86015d28455b4a2329"
    running   = true
  }
}
