# Adopt a task started earlier, by its identity (Terraform 1.12 and newer):
# the apply waits for it and gates it, and starts no new one.
import {
  to = sailpoint_entitlement_aggregation.active_directory
  identity = {
    id = "2c91808a7813090a01781412a1110a30"
  }
}

resource "sailpoint_entitlement_aggregation" "active_directory" {
  source_id = "2c9180835d191a86015d28455b4a2329"
}
