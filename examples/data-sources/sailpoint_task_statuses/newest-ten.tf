# The ten newest tasks of any kind.
data "sailpoint_task_statuses" "newest" {
  sorters = "-created"
  limit   = 10
}

output "newest_tasks" {
  value = {
    for t in data.sailpoint_task_statuses.newest.task_statuses :
    t.id => "${t.unique_name}: ${coalesce(t.completion_status, "running")}"
  }
}
