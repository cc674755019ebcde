# Export the tenant's transforms and rules as an SP-Config document: one
# export job each time the data source is read.
data "sailpoint_config_export" "dev" {
  description   = "Promotion to production"
  include_types = ["TRANSFORM", "RULE"]
}

output "exported" {
  value = [for o in data.sailpoint_config_export.dev.objects : "${o.type} ${o.name}"]
}
