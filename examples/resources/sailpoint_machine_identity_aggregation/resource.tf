# Aggregate the AI agents of two datasets of a source. Needs api_version
# v1 (the default), v2026 or v2025.
resource "sailpoint_machine_identity_aggregation" "agents" {
  source_id   = "2c9180835d191a86015d28455b4a2329"
  dataset_ids = ["copilot-agents", "bedrock-agents"]
}
