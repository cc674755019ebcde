# The failed aggregations of one source, newest first.
data "sailpoint_task_statuses" "failed_aggregations" {
  filters = "sourceId eq \"2c9180835d2e5168015d32f890ca1581\" and completionStatus eq \"ERROR\""
  sorters = "-created"
  limit   = 500
}

output "failed_aggregation_ids" {
  value = [for t in data.sailpoint_task_statuses.failed_aggregations.task_statuses : t.id]
}
