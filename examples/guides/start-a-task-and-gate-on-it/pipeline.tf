# A pipeline step: load the HR export, then process the identities it
# touched, then run the next step only once both have finished well.
resource "sailpoint_account_aggregation" "hr" {
  source_id = var.hr_source_id
  file      = "${path.module}/exports/hr-accounts.csv" # a new export starts a new aggregation
}

resource "sailpoint_identity_processing" "hr" {
  identity_ids = var.hr_identity_ids

  # Process again whenever the aggregation ran again.
  triggers = {
    aggregation = sailpoint_account_aggregation.hr.task_id
  }
}

# Runs only after both tasks finished with SUCCESS or WARNING: a task that
# failed fails the apply before this step is reached.
resource "terraform_data" "notify_access_review" {
  triggers_replace = sailpoint_identity_processing.hr.task_id

  provisioner "local-exec" {
    command = "echo 'HR accounts loaded and ${length(var.hr_identity_ids)} identities processed'"
  }

  # The reference above already orders this step after the processing;
  # depends_on says it for steps that use no value of the task.
  depends_on = [sailpoint_identity_processing.hr]
}

variable "hr_source_id" {
  type = string
}

variable "hr_identity_ids" {
  type = set(string)
}
