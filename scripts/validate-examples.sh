#!/usr/bin/env bash
# terraform validate on every example file, each in a directory of its own
# (several files of one folder may declare the same provider block), against
# the provider built from this tree through dev_overrides. Examples that
# need a newer CLI than 1.5 (actions and list resources 1.14, resource
# identity 1.12, ephemeral resources 1.10) run on the CLI with actions
# (1.14 or newer, found by terraform-path.sh --actions): the ones under
# examples/actions/, examples/list-resources/ and
# examples/ephemeral-resources/, every import-by-identity.tf and every
# *.tfquery.hcl (validated with -query); without that CLI they are skipped,
# saying why.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work="$root/.cache/validate-examples"
rm -rf "$work" && mkdir -p "$work/bin"
terraform=$(scripts/terraform-path.sh)
actions_terraform=$(scripts/terraform-path.sh --actions 2>"$work/actions-cli.txt") || actions_terraform=
go build -o "$work/bin/terraform-provider-sailpoint" .
go run ./cmd/sailpoint-dev-cli-config -provider-dir "$work/bin" -out "$work/terraformrc"
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
echo "examples: $("$terraform" version | head -1)${actions_terraform:+; those that need a newer CLI: $("$actions_terraform" version | head -1)}"

failed=0 n=0 skipped=0
while IFS= read -r file; do
  cli=$terraform
  case $file in
  examples/actions/* | examples/list-resources/* | examples/ephemeral-resources/* | */import-by-identity.tf | *.tfquery.hcl)
    if [ -z "$actions_terraform" ]; then
      echo "skipped $file (needs Terraform 1.14 or newer)"; skipped=$((skipped + 1)); continue
    fi
    cli=$actions_terraform ;;
  esac
  query=
  case $file in *.tfquery.hcl) query=-query ;; esac
  n=$((n + 1))
  dir="$work/$(echo "$file" | tr '/.' '__')"
  mkdir -p "$dir" && cp "$file" "$dir/"
  if ! grep -q 'required_providers' "$file"; then
    printf 'terraform {\n  required_providers {\n    sailpoint = { source = "isc-community/sailpoint" }\n  }\n}\n' >"$dir/versions.tf"
  fi
  if out=$("$cli" -chdir="$dir" validate -no-color $query 2>&1); then
    echo "ok      $file"
  else
    echo "FAILED  $file"; echo "$out" | sed -n '/^Error/,$p'; failed=1
  fi
done < <(find examples -name '*.tf' -o -name '*.tfquery.hcl' | sort)
echo "$n example files validated"
if [ "$skipped" -gt 0 ]; then
  echo "$skipped examples that need a newer CLI skipped:"; cat "$work/actions-cli.txt"
fi
exit $failed
