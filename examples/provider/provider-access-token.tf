# A pipeline that already holds a bearer token (for example from
# `sail api` or its own OAuth flow) passes it as is. The provider cannot
# refresh it: it must stay valid for the whole run.
provider "sailpoint" {
  base_url     = "https://acme.api.identitynow.com"
  access_token = var.sailpoint_access_token # or SAIL_ACCESS_TOKEN
  api_version  = "v2025"                    # or SAIL_API_VERSION; default v1
}

variable "sailpoint_access_token" {
  type      = string
  sensitive = true
}
