#!/usr/bin/env bash
# Prints the path of a Terraform CLI for the acceptance tests and the demo.
# Order: $TF_ACC_TERRAFORM_PATH if set, `terraform` on PATH if it is 1.5 or
# newer, else v1.5.7 built from source with `go install` (the Go module proxy
# is the only download) into .cache/, which git ignores.
#
# --pinned: always v1.5.7 (CI tests the oldest supported one too).
# --actions: a CLI with actions (1.14 or newer), which the Go module proxy
#   cannot build: $TF_ACC_TERRAFORM_ACTIONS_PATH if set, `terraform` on PATH
#   if new enough, else the 1.15.9 build in ../shared/tools (beside the
#   repository; $SHARED_TOOLS overrides) unpacked into .cache/ and checked
#   against its SHA-256. With none, it says how to get one and exits 1.
set -euo pipefail
pin=1.5.7
root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/terraform-$pin"

version_at_least() { # CLI, minimum minor version of 1.x
  local v
  v=$("$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p') || return 1
  [ -n "$v" ] || return 1
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge "$2" ]; }
}

actions_cli() {
  local named=${TF_ACC_TERRAFORM_ACTIONS_PATH:-}
  if [ -n "$named" ]; then
    if [ -x "$named" ] && version_at_least "$named" 14; then
      echo "$named"; return 0
    fi
    echo "TF_ACC_TERRAFORM_ACTIONS_PATH=$named is not a Terraform CLI of 1.14 or newer." >&2
    return 1
  fi
  if command -v terraform >/dev/null 2>&1 && version_at_least "$(command -v terraform)" 14; then
    command -v terraform; return 0
  fi
  local v=1.15.9
  local shared="${SHARED_TOOLS:-$root/../shared/tools}/terraform-$v"
  local dir="$root/.cache/terraform-$v"
  if [ -x "$dir/terraform" ] && version_at_least "$dir/terraform" 14; then
    echo "$dir/terraform"; return 0
  fi
  if [ -f "$shared/terraform-linux-amd64.xz" ] && [ "$(uname -sm)" = "Linux x86_64" ] && command -v xz >/dev/null 2>&1; then
    echo "Unpacking Terraform $v from $shared into .cache/ (once)..." >&2
    mkdir -p "$dir"
    xz -dc "$shared/terraform-linux-amd64.xz" >"$dir/terraform.partial"
    # Only a binary whose hash matches is ever made executable.
    if ! echo "$(cat "$shared/terraform-linux-amd64.sha256")  $dir/terraform.partial" | sha256sum -c --quiet >&2; then
      rm -f "$dir/terraform.partial"
      echo "$shared/terraform-linux-amd64.xz does not match its .sha256: not used." >&2
      return 1
    fi
    chmod +x "$dir/terraform.partial" && mv "$dir/terraform.partial" "$dir/terraform"
    if version_at_least "$dir/terraform" 14; then
      echo "$dir/terraform"; return 0
    fi
    echo "$dir/terraform does not run as Terraform 1.14 or newer on this machine." >&2
    return 1
  fi
  cat >&2 <<MSG
No Terraform CLI with actions (1.14 or newer) found; action tests and examples need one. Either
  - put terraform 1.14 or newer on PATH (https://developer.hashicorp.com/terraform/install), or
  - set TF_ACC_TERRAFORM_ACTIONS_PATH to such a terraform binary, or
  - on linux/amd64, place the shared tools beside the repository (../shared/tools/terraform-$v,
    or set SHARED_TOOLS to the folder that holds terraform-$v/).
MSG
  return 1
}

case "${1:-}" in
--actions)
  actions_cli; exit $? ;;
--pinned) ;;
*)
  if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && [ -x "$TF_ACC_TERRAFORM_PATH" ]; then
    echo "$TF_ACC_TERRAFORM_PATH"; exit 0
  fi
  if command -v terraform >/dev/null 2>&1 && version_at_least "$(command -v terraform)" 5; then
    command -v terraform; exit 0
  fi ;;
esac
if [ ! -x "$cache/terraform" ]; then
  echo "Building terraform v$pin from source into .cache/ (a few minutes, once)..." >&2
  GOBIN="$cache" go install "github.com/hashicorp/terraform@v$pin" >&2
fi
echo "$cache/terraform"
