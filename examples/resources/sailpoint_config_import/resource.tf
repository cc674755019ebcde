# Import a document exported from the development tenant (by `sail spconfig
# export`, or the sailpoint_config_export data source), previewed at plan
# and gated at apply.
resource "sailpoint_config_import" "transforms" {
  file          = "${path.module}/exports/transforms.json"
  include_types = ["TRANSFORM", "RULE"]

  # The plan previews the import (nothing is changed) and fails when an
  # object would fail.
  preview_on_plan = true

  # The apply fails unless the job ended COMPLETE with no object error.
  fail_on_warnings = false

  timeouts = {
    create = "30m"
  }
}

output "restore_from" {
  description = "The backup export made before the import: its document restores the objects the import replaced."
  value       = sailpoint_config_import.transforms.backup_export_job_id
}
