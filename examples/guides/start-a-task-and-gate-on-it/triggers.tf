# What starts a new task: any change of an argument, of a trigger value, or
# of the uploaded file's content. Pick the trigger that says why the source
# must be aggregated again.
resource "sailpoint_account_aggregation" "on_config_change" {
  source_id = var.source_id

  triggers = {
    # The settings this configuration applies to the source.
    config = sha256(jsonencode(var.source_settings))
    # A file the source reads, outside the upload.
    mapping = filesha256(var.attribute_mapping_file)
  }
}

# At most once a day: the first apply of each UTC day starts a new
# aggregation, later applies that day start nothing. plantimestamp() alone
# (or timestamp()) would start one on every apply.
resource "sailpoint_account_aggregation" "daily" {
  source_id = var.source_id

  triggers = {
    day = formatdate("YYYY-MM-DD", plantimestamp())
  }
}

variable "source_id" {
  type = string
}

variable "source_settings" {
  type = map(string)
}

variable "attribute_mapping_file" {
  type = string
}
