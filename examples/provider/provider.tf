terraform {
  required_providers {
    sailpoint = {
      source = "isc-community/sailpoint"
    }
  }
}

# Client credentials: an API client, or a personal access token's
# client id and secret. Each argument falls back to SAIL_BASE_URL,
# SAIL_CLIENT_ID and SAIL_CLIENT_SECRET.
provider "sailpoint" {
  base_url      = "https://acme.api.identitynow.com"
  client_id     = var.sailpoint_client_id
  client_secret = var.sailpoint_client_secret
}

variable "sailpoint_client_id" {
  type = string
}

variable "sailpoint_client_secret" {
  type      = string
  sensitive = true
}
