# Load the accounts that did not correlate to an identity from a CSV your
# pipeline exports; a new export (new content) starts a new import.
resource "sailpoint_uncorrelated_account_import" "hr" {
  source_id = "2c9180887a1b2c3d4e5f60718293a4b5"
  file      = "${path.module}/uncorrelated.csv"
}
