package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/isc-community/terraform-provider-sailpoint/internal/devcli"
	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
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
	if builtProviderDir != "" {
		_ = os.RemoveAll(builtProviderDir)
	}
	os.Exit(code)
}

// The provider binary the tests that drive the CLI run, built once per
// test process into builtProviderDir.
var (
	buildProvider    sync.Once
	builtProviderDir string
	buildErr         error
)

func providerBinary(t *testing.T) string {
	t.Helper()
	buildProvider.Do(func() {
		// Not t.TempDir: the binary outlives the first test that builds it; TestMain removes it.
		if builtProviderDir, buildErr = os.MkdirTemp("", "sailpoint-provider-test-bin-"); buildErr != nil { //nolint:usetesting // shared by every test of the process
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(builtProviderDir, "terraform-provider-sailpoint"), "../..").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building the provider: %v", buildErr)
	}
	return builtProviderDir
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
	bin := providerBinary(t)
	config = `terraform {
  required_providers {
    sailpoint = { source = "isc-community/sailpoint" }
  }
}
provider "sailpoint" {}
` + config
	if err := devcli.WriteConfig(filepath.Join(dir, "terraformrc"), bin); err != nil {
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

func isPost(r faketenant.Request) bool {
	return r.Method == http.MethodPost && r.Path != faketenant.TokenPath
}

// posts counts launches the tenant was sent, accepted or not.
func posts(ft *faketenant.Tenant) int { return ft.Count(isPost) }

func wantPosts(ft *faketenant.Tenant, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := posts(ft); n != want {
			return fmt.Errorf("the tenant was sent %d launches, want %d", n, want)
		}
		return nil
	}
}

func expectState(addr, attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v)
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

// actionsCLI is tfversion.SkipBelow(1.14) with a message that says how
// to run the test.
type actionsCLI struct{}

// Actions need Terraform 1.14 or newer. The action tests skip on an older
// CLI (or OpenTofu), saying how to run them.
const actionsSkipHint = "the action tests need Terraform 1.14 or newer: run `make testacc-actions`, " +
	"or set TF_ACC_TERRAFORM_PATH to such a CLI (../shared/tools/terraform-1.15.9 holds one)"

var actionVersionChecks = []tfversion.TerraformVersionCheck{actionsCLI{}}

// actionsCLIPath is the CLI for tests that drive it directly; they skip
// like the others when it has no actions.
func actionsCLIPath(t *testing.T) string {
	t.Helper()
	return newerCLIPath(t, tfversion.Version1_14_0, "has no actions; "+actionsSkipHint)
}

// newerCLIPath is the CLI for tests that drive it directly and need
// Terraform least or newer: on an older one, or on OpenTofu, the test skips
// with the CLI's version and why.
func newerCLIPath(t *testing.T, least *version.Version, why string) string {
	t.Helper()
	tf := cliPath(t)
	have, openTofu := cliVersion(t, tf)
	if openTofu || have.LessThan(least) {
		t.Skipf("%s (%s) %s", cliName(have, openTofu), tf, why)
	}
	return tf
}

// cliName names a CLI for a skip message: "OpenTofu 1.10.7".
func cliName(v *version.Version, openTofu bool) string {
	if openTofu {
		return "OpenTofu " + v.String()
	}
	return "Terraform " + v.String()
}

// cliVersion is the version of the CLI at tf, and whether it is OpenTofu
// (which numbers its versions apart from Terraform's).
func cliVersion(t *testing.T, tf string) (*version.Version, bool) {
	t.Helper()
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	have, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatalf("%s version -json: %q: %v", tf, v.Version, err)
	}
	text, err := exec.Command(tf, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	return have, strings.HasPrefix(string(text), "OpenTofu")
}

// newerCLI is tfversion.SkipBelow(min) with a message that says what needs
// it and how to run the test. OpenTofu 1.10 reports its own version, older
// than any of these, so it skips too.
type newerCLI struct {
	min  *version.Version
	what string
}

func (c newerCLI) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tfversion.SkipBelow(c.min).CheckTerraformVersion(ctx, req, resp)
	if resp.Skip != "" {
		resp.Skip += fmt.Sprintf("; %s needs Terraform %s or newer: run `make testacc-actions`, or set TF_ACC_TERRAFORM_PATH "+
			"to such a CLI (../shared/tools/terraform-1.15.9 holds one)", c.what, c.min)
	}
}

// The CLIs the tests of adopting tasks need: resource identity came with
// Terraform 1.12, list resources and terraform query with 1.14.
var (
	identityCLI = []tfversion.TerraformVersionCheck{newerCLI{tfversion.Version1_12_0, "resource identity"}}
	queryCLI    = []tfversion.TerraformVersionCheck{newerCLI{tfversion.Version1_14_0, "terraform query"}}
)

func wantLaunches(ft *faketenant.Tenant, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := ft.LaunchCount(""); n != want {
			return fmt.Errorf("the tenant started %d tasks, want %d", n, want)
		}
		return nil
	}
}

// waitedFor checks that the last launched task was read until it had
// finished: the invocation waited.
func waitedFor(ft *faketenant.Tenant, reads int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		l := ft.Launches()
		id := l[len(l)-1].TaskID
		if n := ft.Reads(id); n < reads {
			return fmt.Errorf("task %s was read %d times, want at least %d (running, then finished)", id, n, reads)
		}
		return nil
	}
}

// cliEvent is one line of terraform's -json output, the fields used here.
type cliEvent struct {
	Type string `json:"type"`
	Hook struct {
		Message string `json:"message"`
	} `json:"hook"`
	Diagnostic struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
	} `json:"diagnostic"`
}

// invokeCLI runs terraform apply -invoke=action.<addr> -json and returns
// the progress messages and the error diagnostics it printed.
func invokeCLI(t *testing.T, tf, dir string, env []string, addr string) (progress, errs []string, err error) {
	t.Helper()
	cmd := exec.Command(tf, "-chdir="+dir, "apply", "-invoke=action."+addr, "-auto-approve", "-input=false", "-json")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e cliEvent
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			t.Fatalf("not a JSON line: %s", sc.Text())
		}
		switch {
		case e.Type == "action_progress":
			progress = append(progress, e.Hook.Message)
		case e.Type == "diagnostic" && e.Diagnostic.Severity == "error":
			errs = append(errs, e.Diagnostic.Summary+"\n"+e.Diagnostic.Detail)
		}
	}
	t.Logf("terraform apply -invoke=action.%s: %v\nprogress:\n  %s\nerrors:\n%s%s", addr, err,
		strings.Join(progress, "\n  "), strings.Join(errs, "\n"), stderr.String())
	return progress, errs, err
}

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func percent(n string) *sailpoint.TaskStatus { return runningTask("Running", n) }

func runningTask(progress, pct string) *sailpoint.TaskStatus {
	ts := &sailpoint.TaskStatus{ID: "task-1", Progress: ptrTo(progress)}
	if pct != "" {
		n := json.Number(pct)
		ts.PercentComplete = &n
	}
	return ts
}

// invokeAction runs an action's Invoke against a fake tenant, as Terraform
// would, and returns the progress messages it sent. Its clock moves 10 s
// at each reading, so every change of progress is shown.
func invokeAction(ctx context.Context, t *testing.T, ft *faketenant.Tenant, newAction func() action.Action, config map[string]tftypes.Value) ([]string, action.InvokeResponse) {
	t.Helper()
	client, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, LedgerDir: testLedgerDir})
	if err != nil {
		t.Fatal(err)
	}
	a := newAction()
	var cresp action.ConfigureResponse
	a.(action.ActionWithConfigure).Configure(ctx, action.ConfigureRequest{ProviderData: &providerData{client: client}}, &cresp)
	var sresp action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &sresp)
	typ, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the action schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := config[name]; ok {
			vals[name] = v
		}
	}
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	tick := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock.advance(10 * time.Second)
		return clock.t
	}
	if la, ok := a.(*launchAction); ok {
		la.now = tick
	}
	var msgs []string
	resp := action.InvokeResponse{SendProgress: func(e action.InvokeProgressEvent) {
		mu.Lock()
		defer mu.Unlock()
		msgs = append(msgs, e.Message)
	}}
	a.Invoke(ctx, action.InvokeRequest{Config: tfsdk.Config{Raw: tftypes.NewValue(typ, vals), Schema: sresp.Schema}}, &resp)
	mu.Lock()
	defer mu.Unlock()
	return msgs, resp
}

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func (actionsCLI) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tfversion.SkipBelow(tfversion.Version1_14_0).CheckTerraformVersion(ctx, req, resp)
	if resp.Skip != "" {
		resp.Skip += "; " + actionsSkipHint
	}
}

// The launch resources the tests name.
const (
	accountAddr     = "sailpoint_account_aggregation.test"
	entitlementAddr = "sailpoint_entitlement_aggregation.test"
	processingAddr  = "sailpoint_identity_processing.test"
)

var (
	compareSame = compare.ValuesSame()
	uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// syncBuffer is a bytes.Buffer a running command writes while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// cliProcess is a Terraform command running in the background, in a
// process group of its own (with its provider), so a test can interrupt
// it as Ctrl-C does or kill it as a dying CI runner would.
type cliProcess struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan error
}

func cliStart(t *testing.T, tf, dir string, env []string, args ...string) *cliProcess {
	t.Helper()
	cmd := exec.Command(tf, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &cliProcess{cmd: cmd, out: &syncBuffer{}, exited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	return p
}

// stopWhen waits until ready, then signals the command (SIGINT: Terraform's
// Ctrl-C; SIGKILL: the whole process group, provider included) and waits
// for it to exit, returning its output.
func (p *cliProcess) stopWhen(t *testing.T, ready func() bool, sig syscall.Signal) string {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for !ready() {
		select {
		case err := <-p.exited:
			t.Fatalf("terraform ended before it was stopped: %v\n%s", err, p.out.String())
		case <-deadline:
			t.Fatalf("terraform never got where it should be stopped\n%s", p.out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	target := p.cmd.Process.Pid
	if sig == syscall.SIGKILL {
		target = -target
	}
	if err := syscall.Kill(target, sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(3 * time.Minute):
		t.Fatalf("terraform kept running after %v\n%s", sig, p.out.String())
	}
	return p.out.String()
}

// cliRun runs a Terraform command to its end and returns its output.
func cliRun(t *testing.T, tf, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(tf, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// cliInstance is one resource instance of a state, as terraform state pull shows it.
type cliInstance struct {
	Status     string         `json:"status"`
	Attributes map[string]any `json:"attributes"`
}

// cliState maps each resource instance's address to what the state holds.
func cliState(t *testing.T, tf, dir string, env []string) map[string]cliInstance {
	t.Helper()
	out, err := cliRun(t, tf, dir, env, "state", "pull")
	if err != nil {
		t.Fatalf("terraform state pull: %v\n%s", err, out)
	}
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				IndexKey any `json:"index_key"`
				cliInstance
			} `json:"instances"`
		} `json:"resources"`
	}
	if strings.TrimSpace(out) == "" {
		return map[string]cliInstance{}
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		t.Fatalf("terraform state pull: %v\n%s", err, out)
	}
	got := map[string]cliInstance{}
	for _, r := range state.Resources {
		for _, in := range r.Instances {
			addr := r.Type + "." + r.Name
			if in.IndexKey != nil {
				addr += fmt.Sprintf("[%q]", fmt.Sprint(in.IndexKey))
			}
			got[addr] = in.cliInstance
		}
	}
	return got
}

// operationCase is one operation as the every-version test drives it.
type operationCase struct {
	resource string // the resource type, such as "sailpoint_source_account_reset"
	args     string // its arguments, besides poll_interval
	// path is the POST's path on a version, from the spec's tables.
	path func(version string) string
	// check looks at what the tenant recorded of the launch.
	check func(l faketenant.Launch) error
}

// testEveryVersion applies the operation's resource on each version: one
// POST to the spec's path (the checked tenant validates its body, headers
// and answer), the task waited for and gated, its id and status in state;
// a second apply starts nothing (checked on the first version). Then a task
// that ends in ERROR fails the apply quoting its messages.
func testEveryVersion(t *testing.T, oc operationCase, versions []string) {
	t.Helper()
	addr := oc.resource + ".test"
	for _, version := range versions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			ft.ScriptLaunches(faketenant.Script{RunningReads: 1})
			config := providerConfig(ft, fmt.Sprintf("api_version = %q", version)) + fmt.Sprintf(`
resource %q "test" {
  %s
  poll_interval = "1s"
}
`, oc.resource, oc.args)
			steps := []resource.TestStep{
				{
					Config: config,
					ConfigStateChecks: []statecheck.StateCheck{
						expectState(addr, "completion_status", str("SUCCESS")),
						statecheck.CompareValuePairs(addr, tfjsonpath.New("task_id"), addr, tfjsonpath.New("task").AtMapKey("id"), compareSame),
					},
					Check: func(*terraform.State) error {
						var paths []string
						for _, r := range ft.Requests() {
							if isPost(r) {
								paths = append(paths, r.Path)
							}
						}
						if len(paths) != 1 || paths[0] != oc.path(version) {
							return fmt.Errorf("POSTs %v, want one to %s", paths, oc.path(version))
						}
						l := ft.Launches()[0]
						if n := ft.Reads(l.TaskID); n < 2 {
							return fmt.Errorf("task %s read %d times: the apply did not wait for it", l.TaskID, n)
						}
						if oc.check != nil {
							return oc.check(l)
						}
						return nil
					},
				},
			}
			if version == versions[0] {
				// The second apply is the same on every version: checked once.
				steps = append(steps, resource.TestStep{
					Config:           config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					Check:            wantPosts(ft, 1),
				})
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
		})
	}
	t.Run("ERROR", func(t *testing.T) {
		t.Parallel()
		ft := newTenant(t)
		ft.ScriptLaunches(faketenant.Script{RunningReads: 1, Status: "ERROR", Messages: []faketenant.Message{{Type: "ERROR", Text: "The connector did not answer"}}})
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      providerConfig(ft, fmt.Sprintf("api_version = %q", versions[0])) + fmt.Sprintf("resource %q \"test\" {\n  %s\n  poll_interval = \"1s\"\n}\n", oc.resource, oc.args),
				ExpectError: errorWith("finished with status ERROR", "ERROR: The connector did not answer"),
			}},
		})
		if n := posts(ft); n != 1 {
			t.Errorf("%d POSTs, want 1", n)
		}
	})
}

// sourcePath is a source operation's path on a version: /sources/v1/{id}/op
// on v1, /{version}/sources/{id}/op on the others.
func sourcePath(sourceID, op string) func(string) string {
	return func(version string) string {
		if version == "v1" {
			return "/sources/v1/" + sourceID + "/" + op
		}
		return "/" + version + "/sources/" + sourceID + "/" + op
	}
}

var allVersions = []string{"v1", "v2026", "v2025", "v2024", "beta"}
