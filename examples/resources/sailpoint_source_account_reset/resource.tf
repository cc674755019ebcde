# Empty a test tenant's source before loading it again. Destructive: every
# account of the source is removed from ISC (not from the source itself).
# Needs a personal access token of an ORG_ADMIN.
resource "sailpoint_source_account_reset" "test_ad" {
  source_id = "c6dc37bf508149b28ce5b7d90ca4bbf9"

  # Reset again when the test data changes.
  triggers = {
    test_data = var.test_data_revision
  }
}

variable "test_data_revision" {
  type = string
}
