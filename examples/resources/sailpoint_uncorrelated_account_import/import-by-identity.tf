# Adopt a task started earlier, by its identity (Terraform 1.12 and newer):
# the apply waits for it and gates it, and starts no new one.
import {
  to = sailpoint_uncorrelated_account_import.hr
  identity = {
    id = "2c91808a7813090a01781412a1110a30"
  }
}

resource "sailpoint_uncorrelated_account_import" "hr" {
  source_id = "2c9180887a1b2c3d4e5f60718293a4b5"
  file      = "${path.module}/uncorrelated.csv"
}
