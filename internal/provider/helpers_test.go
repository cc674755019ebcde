package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// What the provider's tests share: the provider served to Terraform, a
// spec-checked fake tenant, the configuration builders, task documents,
// state checks, and the Terraform CLI for tests that drive it directly.

// protoV6ProviderFactories serve the provider in-process to the real
// Terraform CLI that terraform-plugin-testing drives. Its rate-limit
// ledgers go to testLedgerDir.
var protoV6ProviderFactories = providerFactories(func() string { return testLedgerDir })

// providerFactories serve a provider whose rate-limit ledgers go to the
// folder dir returns when Terraform starts it.
func providerFactories(dir func() string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"sailpoint": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(testProvider(dir()))()
		},
	}
}

// testProvider is the provider with its rate-limit ledgers in dir.
func testProvider(dir string) provider.Provider {
	return &sailpointProvider{version: "test", ledgerDir: dir}
}

// testLedgerDir holds the rate-limit ledgers of every provider and client
// the tests start, so no test writes to the user's cache folder. Sharing
// stays on, as for a user: each test's fake tenant listens on a port of
// its own, which keys a ledger of its own, and the steps of one test share
// theirs as a plan and an apply do. TestMain makes it and removes it.
var testLedgerDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sailpoint-provider-test-ledgers-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "a folder for the tests' rate-limit ledgers:", err)
		os.Exit(1)
	}
	testLedgerDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// newTenant starts a fake tenant whose every answer is checked against the
// OpenAPI files; the test fails if one does not match.
var newTenant = faketenant.StartChecked

// providerConfig is a provider block for a tenant; extra lines go inside it.
func providerConfig(ft *faketenant.Tenant, extra ...string) string {
	return fmt.Sprintf(`
provider "sailpoint" {
  base_url      = %q
  client_id     = %q
  client_secret = %q
  %s
}
`, ft.URL(), faketenant.DefaultClientID, faketenant.DefaultClientSecret, strings.Join(extra, "\n  "))
}

// The configuration builders: a provider block, and one data source
// block of each kind, named test; a test adds them up.

const (
	taskAddr = "data.sailpoint_task_status.test"
	listAddr = "data.sailpoint_task_statuses.test"
)

// taskStatusBlock reads task id; args are more lines inside the block.
func taskStatusBlock(id string, args ...string) string {
	return fmt.Sprintf("data \"sailpoint_task_status\" \"test\" {\n  id = %q\n  %s\n}\n", id, strings.Join(args, "\n  "))
}

// taskStatusesBlock lists tasks; args are the lines inside the block.
func taskStatusesBlock(args string) string {
	return fmt.Sprintf("data \"sailpoint_task_statuses\" \"test\" {\n%s\n}\n", args)
}

// waitForSuccess are the taskStatusBlock arguments that wait for a task
// and expect it to succeed.
var waitForSuccess = []string{
	"wait_for_completion          = true",
	`expected_completion_statuses = ["SUCCESS"]`,
	`poll_interval                = "1s"`,
	"timeouts = {\n    read = \"5m\"\n  }",
}

// errorWith matches an error holding each fragment in order; Terraform
// wraps long lines, so any run of spaces may be a line break.
func errorWith(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(f)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// expect checks an attribute of the task status data source.
func expect(path string, v knownvalue.Check) statecheck.StateCheck {
	p := tfjsonpath.New(path)
	return statecheck.ExpectKnownValue(taskAddr, p, v)
}

// str and null are the checks most attributes need.
func str(s string) knownvalue.Check { return knownvalue.StringExact(s) }

var null = knownvalue.Null()

// taskDoc is the complete fixture with some fields changed: a spec-valid
// task in any state.
func taskDoc(t *testing.T, id string, changes map[string]any) json.RawMessage {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(faketenant.FixtureJSON(faketenant.CompleteTaskID), &doc); err != nil {
		t.Fatal(err)
	}
	doc["id"] = id
	for k, v := range changes {
		doc[k] = v
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runningChanges turn taskDoc into a task still running.
var runningChanges = map[string]any{"completed": nil, "completionStatus": nil, "progress": "Aggregating accounts", "percentComplete": 40}

// ptrTo points at a copy of s.
func ptrTo(s string) *string { return &s }

// cliPath is the Terraform CLI for tests that drive it directly, where
// the test harness cannot do what they need (interrupt a run, -invoke).
func cliPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		return tf
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no Terraform CLI")
	}
	return tf
}

// cliWorkspace is a folder holding config behind a terraform block and an
// empty provider block, and the environment that runs the provider built
// from this tree (dev_overrides, no init) against the fake tenant. That
// provider runs as a user's would, so its rate limit is not shared: a
// shared one would write to the user's cache folder.
func cliWorkspace(t *testing.T, ft *faketenant.Tenant, config string) (dir string, env []string) {
	t.Helper()
	dir = t.TempDir()
	bin := filepath.Join(dir, "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-sailpoint"), "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"isc-community/sailpoint\" = %q\n  }\n  direct {}\n}\n", bin)
	config = `terraform {
  required_providers {
    sailpoint = { source = "isc-community/sailpoint" }
  }
}
provider "sailpoint" {}
` + config
	if err := os.WriteFile(filepath.Join(dir, "terraformrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraformrc"), "CHECKPOINT_DISABLE=1",
		"SAIL_BASE_URL="+ft.URL(), "SAIL_CLIENT_ID="+faketenant.DefaultClientID, "SAIL_CLIENT_SECRET="+faketenant.DefaultClientSecret,
		EnvShareRateLimit+"=false")
	return dir, env
}
