#!/usr/bin/env bash
# terraform validate on every example file, each in a directory of its own
# (several files of one folder may declare the same provider block), against
# the provider built from this tree through dev_overrides. Examples under
# examples/actions/ need a CLI with actions (1.14 or newer, found by
# terraform-path.sh --actions); without one they are skipped, saying why.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work="$root/.cache/validate-examples"
rm -rf "$work" && mkdir -p "$work/bin"
terraform=$(scripts/terraform-path.sh)
actions_terraform=
if [ -d examples/actions ]; then
  actions_terraform=$(scripts/terraform-path.sh --actions 2>"$work/actions-cli.txt") || actions_terraform=
fi
go build -o "$work/bin/terraform-provider-sailpoint" .
go run ./cmd/sailpoint-dev-cli-config -provider-dir "$work/bin" -out "$work/terraformrc"
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
echo "examples: $("$terraform" version | head -1)${actions_terraform:+; examples/actions/: $("$actions_terraform" version | head -1)}"

failed=0 n=0 skipped=0
while IFS= read -r file; do
  cli=$terraform
  case $file in
  examples/actions/*)
    if [ -z "$actions_terraform" ]; then
      echo "skipped $file (needs Terraform 1.14 or newer)"; skipped=$((skipped + 1)); continue
    fi
    cli=$actions_terraform ;;
  esac
  n=$((n + 1))
  dir="$work/$(echo "$file" | tr '/.' '__')"
  mkdir -p "$dir" && cp "$file" "$dir/"
  if ! grep -q 'required_providers' "$file"; then
    printf 'terraform {\n  required_providers {\n    sailpoint = { source = "isc-community/sailpoint" }\n  }\n}\n' >"$dir/versions.tf"
  fi
  if out=$("$cli" -chdir="$dir" validate -no-color 2>&1); then
    echo "ok      $file"
  else
    echo "FAILED  $file"; echo "$out" | sed -n '/^Error/,$p'; failed=1
  fi
done < <(find examples -name '*.tf' | sort)
echo "$n example files validated"
if [ "$skipped" -gt 0 ]; then
  echo "$skipped action examples skipped:"; cat "$work/actions-cli.txt"
fi
exit $failed
