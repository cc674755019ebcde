# Adopt a task started earlier, by its identity (Terraform 1.12 and newer):
# the apply waits for it and gates it, and starts no new one.
import {
  to = sailpoint_identity_processing.new_hires
  identity = {
    id = "78733556-9ea3-4f59-bf69-e5cd92b011b4"
  }
}

resource "sailpoint_identity_processing" "new_hires" {
  identity_ids = ["2c9180835d2e5168015d32f890ca1581"]
}
