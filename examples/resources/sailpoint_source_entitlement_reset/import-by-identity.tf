# Adopt a task started earlier, by its identity (Terraform 1.12 and newer):
# the apply waits for it and gates it, and starts no new one.
import {
  to = sailpoint_source_entitlement_reset.test_ad
  identity = {
    id = "2c91808a7813090a01781412a1110a30"
  }
}

resource "sailpoint_source_entitlement_reset" "test_ad" {
  source_id = "c6dc37bf508149b28ce5b7d90ca4bbf9"
}
