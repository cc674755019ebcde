# A delimited-file source: upload the CSV and aggregate it. The file's
# content is hashed at plan time (file_sha256), so a new export at the same
# path starts a new aggregation, and an unchanged one starts nothing.
resource "sailpoint_account_aggregation" "hr_export" {
  source_id            = "2c9180887a1b2c3d4e5f60718293a4b5"
  file                 = "${path.module}/hr-accounts.csv"
  disable_optimization = true # reprocess every account, changed or not
}
