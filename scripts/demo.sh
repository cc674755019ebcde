#!/usr/bin/env bash
# make demo: build the provider, serve the fake tenant on loopback, and run
# terraform apply on examples/demo through a dev_overrides CLI config.
# Everything it writes stays under .cache/demo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work="$root/.cache/demo"
rm -rf "$work" && mkdir -p "$work/bin" "$work/config"

terraform=$(scripts/terraform-path.sh)
echo "==> Building the provider and the fake tenant"
go build -o "$work/bin/terraform-provider-sailpoint" .
go build -o "$work/fake-tenant" ./cmd/sailpoint-fake-tenant

echo "==> Starting the fake tenant on loopback"
"$work/fake-tenant" -url-file "$work/url" >"$work/fake-tenant.log" 2>&1 &
tenant_pid=$!
trap 'kill $tenant_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.05; done
[ -s "$work/url" ] || { cat "$work/fake-tenant.log"; echo "the fake tenant did not start" >&2; exit 1; }
base_url=$(cat "$work/url")
echo "    $base_url"

go run ./cmd/sailpoint-dev-cli-config -provider-dir "$work/bin" -out "$work/terraformrc"
cp examples/demo/*.tf "$work/config/"

export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export SAIL_BASE_URL="$base_url" SAIL_CLIENT_ID=fake-client-id SAIL_CLIENT_SECRET=fake-client-secret-do-not-use
drop_override_warning() {
  awk '/^Warning: Provider development overrides/ {skip=1} !skip {print} skip && /^releases\.$/ {skip=0}'
}

echo "==> terraform apply (examples/demo) with $("$terraform" version | head -1)"
# The warning about dev_overrides is expected here; leave it out.
"$terraform" -chdir="$work/config" apply -auto-approve -input=false -no-color 2>&1 | drop_override_warning

launches() { grep -c '^POST .*/load-accounts 202$' "$work/fake-tenant.log" || true; }
[ "$(launches)" = 1 ] || { echo "the apply started $(launches) aggregations, want 1" >&2; exit 1; }
echo
echo "==> The fake tenant saw one launch: $(grep '^POST .*/load-accounts' "$work/fake-tenant.log")"

echo
echo "==> terraform plan with nothing changed: the aggregation is not started again"
set +e
"$terraform" -chdir="$work/config" plan -input=false -no-color -detailed-exitcode >"$work/replan.log" 2>&1
replan=$?
set -e
if [ $replan -ne 0 ] || [ "$(launches)" != 1 ]; then
  cat "$work/replan.log"; echo "a plan with nothing changed wants changes (exit $replan) or started a task" >&2; exit 1
fi
grep -E '^No changes' "$work/replan.log"
echo
echo "==> terraform plan -var run_id=2: a changed trigger replaces it, which starts one new aggregation"
"$terraform" -chdir="$work/config" plan -input=false -no-color -var run_id=2 >"$work/trigger.log" 2>&1
grep -E 'must be replaced|^Plan:' "$work/trigger.log" | drop_override_warning

echo
echo "==> A gate failing: expected_completion_statuses on the failed aggregation"
if "$terraform" -chdir="$work/config" plan -input=false -no-color -var gate_the_failed_aggregation=true \
  >"$work/gate.log" 2>&1; then
  cat "$work/gate.log"; echo "the gate on a failed task passed" >&2; exit 1
fi
sed -n '/^Error: /,$p' "$work/gate.log"
echo "==> Demo done: one aggregation started and gated, nothing restarted, and the gate on the failed task stopped the run."
