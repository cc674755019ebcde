package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// Actions need Terraform 1.14 or newer. The action tests skip on an older
// CLI (or OpenTofu), saying how to run them.
const actionsSkipHint = "the action tests need Terraform 1.14 or newer: run `make testacc-actions`, " +
	"or set TF_ACC_TERRAFORM_PATH to such a CLI (../shared/tools/terraform-1.15.9 holds one)"

// actionsCLI is tfversion.SkipBelow(1.14) with a message that says how
// to run the test.
type actionsCLI struct{}

func (actionsCLI) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tfversion.SkipBelow(tfversion.Version1_14_0).CheckTerraformVersion(ctx, req, resp)
	if resp.Skip != "" {
		resp.Skip += "; " + actionsSkipHint
	}
}

var actionVersionChecks = []tfversion.TerraformVersionCheck{actionsCLI{}}

// actionsCLIPath is the CLI for tests that drive it directly; they skip
// like the others when it has no actions.
func actionsCLIPath(t *testing.T) string {
	t.Helper()
	tf := cliPath(t)
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
	if have, err := version.NewVersion(v.Version); err != nil || have.LessThan(tfversion.Version1_14_0) {
		t.Skipf("Terraform CLI %s (%s) has no actions; %s", v.Version, tf, actionsSkipHint)
	}
	return tf
}

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

// An action_trigger on a terraform_data runs the action once per change:
// one aggregation each time, waited for; none when nothing changed; a task
// that ends in ERROR fails the apply with its messages.
func TestAccAction_triggeredByTerraformData(t *testing.T) {
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 2, Status: "SUCCESS"})
	config := func(revision string) string {
		return providerConfig(ft) + fmt.Sprintf(`
resource "terraform_data" "source_config" {
  input = %q

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.sailpoint_account_aggregation.aggregate]
    }
  }
}

action "sailpoint_account_aggregation" "aggregate" {
  config {
    source_id     = %q
    poll_interval = "1s"
  }
}
`, revision, faketenant.ActiveDirectorySourceID)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("r1"), Check: resource.ComposeTestCheckFunc(wantLaunches(ft, 1), waitedFor(ft, 3))},
			{
				Config:           config("r1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            wantLaunches(ft, 1),
			},
			{Config: config("r2"), Check: resource.ComposeTestCheckFunc(wantLaunches(ft, 2), waitedFor(ft, 3))},
			{
				PreConfig: func() {
					ft.ScriptLaunches(faketenant.Script{RunningReads: 1, Status: "ERROR", Messages: []faketenant.Message{
						{Type: "ERROR", Text: "Connector host ad-vm.acme.local:636 refused the connection"},
						{Type: "WARN", Text: "Aggregation stopped after 0 of 1200 accounts"},
					}})
				},
				Config: config("r3"),
				ExpectError: errorWith("finished with status ERROR", "not one of SUCCESS, WARNING",
					"ERROR: Connector host ad-vm.acme.local:636 refused the connection", "WARN: Aggregation stopped after 0 of 1200 accounts"),
			},
		},
	})
	if n := ft.LaunchCount(faketenant.OperationAccountAggregation); n != 3 {
		t.Errorf("%d aggregations started, want 3", n)
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

// terraform apply -invoke starts exactly one aggregation, names the task
// while it waits, ends with its status, and fails with the task's own
// messages when it failed.
func TestAccAction_invokeFromCLI(t *testing.T) {
	tf := actionsCLIPath(t)
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 2, Status: "SUCCESS"}, faketenant.Script{RunningReads: 1, Status: "ERROR", Messages: []faketenant.Message{
		{Type: "ERROR", Text: "Connector host ad-vm.acme.local:636 refused the connection"},
	}})
	dir, env := cliWorkspace(t, ft, fmt.Sprintf(`
action "sailpoint_account_aggregation" "x" {
  config {
    source_id     = %q
    poll_interval = "1s"
  }
}
`, faketenant.ActiveDirectorySourceID))

	progress, errs, err := invokeCLI(t, tf, dir, env, "sailpoint_account_aggregation.x")
	if err != nil || len(errs) > 0 {
		t.Fatalf("the invocation failed: %v %v", err, errs)
	}
	launches := ft.Launches()
	if len(launches) != 1 {
		t.Fatalf("%d launches, want 1", len(launches))
	}
	id := launches[0].TaskID
	if len(progress) < 2 || !strings.Contains(progress[0], "task "+id) || !strings.Contains(progress[len(progress)-1], "Task "+id+" finished: SUCCESS") {
		t.Errorf("progress should name task %s when it starts and end with its status, got:\n%s", id, strings.Join(progress, "\n"))
	}
	if n := ft.Reads(id); n < 3 {
		t.Errorf("task %s read %d times, want at least 3: the invocation did not wait", id, n)
	}

	progress, errs, err = invokeCLI(t, tf, dir, env, "sailpoint_account_aggregation.x")
	if err == nil {
		t.Fatal("the invocation of a task that ended in ERROR passed")
	}
	if n := ft.LaunchCount(""); n != 2 {
		t.Fatalf("%d launches, want 2", n)
	}
	all := strings.Join(errs, "\n")
	for _, want := range []string{"finished with status ERROR", "ERROR: Connector host ad-vm.acme.local:636 refused the connection"} {
		if !strings.Contains(all, want) {
			t.Errorf("the error does not say %q:\n%s", want, all)
		}
	}
	if len(progress) == 0 || !strings.Contains(progress[len(progress)-1], "finished: ERROR") {
		t.Errorf("the last progress message should give the status ERROR: %q", progress)
	}
}
