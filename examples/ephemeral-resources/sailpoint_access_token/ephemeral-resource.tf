# Call an ISC API the provider does not cover, with the provider's own
# credentials: a script's request, authenticated by a token that is in no
# plan and no state. local-exec takes ephemeral values in its environment;
# keep the token out of the command itself, and out of what the script
# prints.
ephemeral "sailpoint_access_token" "api" {}

variable "api_path" {
  type        = string
  description = "The request's path after the tenant's base URL: here a source's configuration, saved before it changes."
  default     = "/v2025/sources/2c9180835d191a86015d28455b4a2329"
}

resource "terraform_data" "source_backup" {
  triggers_replace = [var.api_path]

  provisioner "local-exec" {
    command = "curl --fail --silent --show-error --output response.json --header \"Authorization: Bearer $SAIL_TOKEN\" \"$SAIL_BASE_URL$API_PATH\""
    environment = {
      SAIL_BASE_URL = ephemeral.sailpoint_access_token.api.base_url
      SAIL_TOKEN    = ephemeral.sailpoint_access_token.api.access_token
      API_PATH      = var.api_path
    }
  }
}
