# Find the entitlement resets of a source that are still running, such as
# one a killed run left behind (terraform query), and write a resource and
# an import block for each:
#   terraform query -generate-config-out=adopted.tf
list "sailpoint_source_entitlement_reset" "running" {
  provider         = sailpoint
  include_resource = true

  config {
    source_id = "c6dc37bf508149b28ce5b7d90ca4bbf9"
    running   = true
  }
}
