# Import a document each time it is invoked:
#   terraform apply -invoke=action.sailpoint_config_import.transforms
action "sailpoint_config_import" "transforms" {
  config {
    file          = "exports/transforms.json"
    include_types = ["TRANSFORM"]
    timeout       = "30m"
  }
}
