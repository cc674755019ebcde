#!/usr/bin/env bash
# Prints the path of a Terraform CLI for the acceptance tests and the demo.
# Order: $TF_ACC_TERRAFORM_PATH if set, `terraform` on PATH if it is 1.5 or
# newer, else v1.5.7 built from source with `go install` (the Go module proxy
# is the only download) into .cache/, which git ignores.
set -euo pipefail
pin=1.5.7
root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/terraform-$pin"

version_ok() { # 1.5 or newer
  local v
  v=$("$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p') || return 1
  [ -n "$v" ] || return 1
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge 5 ]; }
}

# --pinned: always the pinned version (CI tests the oldest supported one too).
pinned_only=false
[ "${1:-}" = "--pinned" ] && pinned_only=true

if ! $pinned_only && [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && [ -x "$TF_ACC_TERRAFORM_PATH" ]; then
  echo "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
if ! $pinned_only && command -v terraform >/dev/null 2>&1 && version_ok "$(command -v terraform)"; then
  command -v terraform; exit 0
fi
if [ ! -x "$cache/terraform" ]; then
  echo "Building terraform v$pin from source into .cache/ (a few minutes, once)..." >&2
  GOBIN="$cache" go install "github.com/hashicorp/terraform@v$pin" >&2
fi
echo "$cache/terraform"
