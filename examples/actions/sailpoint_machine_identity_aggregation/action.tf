# Aggregate machine identities by hand:
#   terraform apply -invoke=action.sailpoint_machine_identity_aggregation.agents
# Terraform 1.14 or newer; api_version v1, v2026 or v2025.
action "sailpoint_machine_identity_aggregation" "agents" {
  config {
    source_id   = "2c9180835d191a86015d28455b4a2329"
    dataset_ids = ["copilot-agents"]
  }
}
