# One configuration, two tenants: export from development, import into
# production.
variable "dev_client_id" {
  type = string
}

variable "dev_client_secret" {
  type      = string
  sensitive = true
}

provider "sailpoint" {
  alias         = "dev"
  base_url      = "https://acme-sb.api.identitynow.com"
  client_id     = var.dev_client_id
  client_secret = var.dev_client_secret
}

# The default provider is production: SAIL_BASE_URL, SAIL_CLIENT_ID and
# SAIL_CLIENT_SECRET (a personal access token of an ORG_ADMIN with
# sp:config:manage).
provider "sailpoint" {}

data "sailpoint_config_export" "dev" {
  provider      = sailpoint.dev
  include_types = ["TRANSFORM", "RULE", "IDENTITY_PROFILE"]
}

resource "sailpoint_config_import" "prod" {
  content         = data.sailpoint_config_export.dev.content
  preview_on_plan = true
}
