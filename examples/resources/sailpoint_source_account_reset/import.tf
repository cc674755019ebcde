# Adopt a task started earlier, by its id: the apply waits for it and gates
# it, and starts no new one.
import {
  to = sailpoint_source_account_reset.test_ad
  id = "2c91808a7813090a01781412a1110a30"
}

resource "sailpoint_source_account_reset" "test_ad" {
  source_id = "c6dc37bf508149b28ce5b7d90ca4bbf9"
}
