# Restore what an import replaced: export the backup's document (the
# sailpoint_config_import's backup_export_job_id) with
#   sail api get /v2025/sp-config/export/<backup_export_job_id>/download > backup.json
# and import it.
resource "sailpoint_config_import" "restore" {
  file           = "${path.module}/backup.json"
  exclude_backup = false
}
