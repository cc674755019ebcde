package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The three resources: one POST each, a wait, the task in state; nothing
// on a second apply; exactly one POST when a trigger changes.
func TestAccLaunch_threeResourcesStartOnceAndWait(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	config := func(trigger string) string {
		return providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
  triggers = {
    config = %q
  }
}

resource "sailpoint_entitlement_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}

resource "sailpoint_identity_processing" "test" {
  identity_ids  = ["2c9180835d2e5168015d32f890ca1581", "78733556-9ea3-4f59-bf69-e5cd92b011b4"]
  poll_interval = "1s"
}
`, faketenant.ActiveDirectorySourceID, trigger, faketenant.WorkdaySourceID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("v1"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState(accountAddr, "completion_status", str("SUCCESS")),
					expectState(accountAddr, "task_id", knownvalue.NotNull()),
					expectState(accountAddr, "task", knownvalue.NotNull()),
					statecheck.ExpectKnownValue(accountAddr, tfjsonpath.New("task").AtMapKey("target").AtMapKey("id"), str(faketenant.ActiveDirectorySourceID)),
					statecheck.ExpectKnownValue(accountAddr, tfjsonpath.New("task").AtMapKey("completion_status"), str("SUCCESS")),
					statecheck.CompareValuePairs(accountAddr, tfjsonpath.New("id"), accountAddr, tfjsonpath.New("task_id"), compareSame),
					statecheck.CompareValuePairs(accountAddr, tfjsonpath.New("task_id"), accountAddr, tfjsonpath.New("task").AtMapKey("id"), compareSame),
					expectState(accountAddr, "wait_for_completion", knownvalue.Bool(true)),
					expectState(accountAddr, "wait_for_running_tasks", knownvalue.Bool(true)),
					expectState(accountAddr, "expected_completion_statuses", knownvalue.SetExact([]knownvalue.Check{str("SUCCESS"), str("WARNING")})),
					expectState(accountAddr, "file_sha256", knownvalue.Null()),
					expectState(entitlementAddr, "completion_status", str("SUCCESS")),
					expectState(processingAddr, "completion_status", str("SUCCESS")),
					expectState(processingAddr, "task_id", knownvalue.StringRegexp(uuidPattern)),
				},
				Check: resource.ComposeTestCheckFunc(wantPosts(ft, 3), func(*terraform.State) error {
					byOp := map[string]int{}
					for _, l := range ft.Launches() {
						byOp[l.Operation]++
						if l.Operation == sailpoint.IdentityProcessingOp.Name && len(l.IdentityIDs) != 2 {
							return fmt.Errorf("identity processing sent %v", l.IdentityIDs)
						}
						if l.DisableOptimization != nil || l.File != nil {
							return fmt.Errorf("%s sent a flag or file nobody configured: %+v", l.Operation, l)
						}
					}
					if byOp[sailpoint.AccountAggregationOp.Name] != 1 || byOp[sailpoint.EntitlementAggregationOp.Name] != 1 || byOp[sailpoint.IdentityProcessingOp.Name] != 1 {
						return fmt.Errorf("launches by operation: %v", byOp)
					}
					return nil
				}),
			},
			{
				// Nothing changed: no launch, and the plan is empty.
				Config: config("v1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: wantPosts(ft, 3),
			},
			{
				Config: config("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(entitlementAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(processingAddr, plancheck.ResourceActionNoop),
				}},
				Check: wantPosts(ft, 4),
			},
		},
		CheckDestroy: wantPosts(ft, 4), // destroying starts nothing
	})
}

// Every API version: the launch goes to that version's path, and the task
// is read there too.
func TestAccLaunch_apiVersions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ version, accounts, process string }{
		{"v1", "/sources/v1/" + faketenant.HRFileSourceID + "/load-accounts", "/identities/v1/process"},
		{"v2026", "/v2026/sources/" + faketenant.HRFileSourceID + "/load-accounts", "/v2026/identities/process"},
		{"v2025", "/v2025/sources/" + faketenant.HRFileSourceID + "/load-accounts", "/v2025/identities/process"},
		{"v2024", "/v2024/sources/" + faketenant.HRFileSourceID + "/load-accounts", "/v2024/identities/process"},
		{"beta", "/beta/sources/" + faketenant.HRFileSourceID + "/load-accounts", "/beta/identities/process"},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(ft, fmt.Sprintf("api_version = %q", tc.version)) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id            = %q
  disable_optimization = true
}

resource "sailpoint_identity_processing" "test" {
  identity_ids = ["2c9180835d2e5168015d32f890ca1581"]
}
`, faketenant.HRFileSourceID),
					ConfigStateChecks: []statecheck.StateCheck{
						expectState(accountAddr, "completion_status", str("SUCCESS")),
						expectState(processingAddr, "completion_status", str("SUCCESS")),
					},
					Check: func(*terraform.State) error {
						var paths []string
						for _, r := range ft.Requests() {
							if isPost(r) {
								paths = append(paths, r.Path)
							}
						}
						if len(paths) != 2 || !containsAll(paths, tc.accounts, tc.process) {
							return fmt.Errorf("POSTs %v, want %s and %s", paths, tc.accounts, tc.process)
						}
						for _, l := range ft.Launches() {
							if l.Operation == sailpoint.AccountAggregationOp.Name && (l.DisableOptimization == nil || *l.DisableOptimization != "true") {
								return fmt.Errorf("disableOptimization %v, want \"true\"", l.DisableOptimization)
							}
						}
						return nil
					},
				}},
			})
		})
	}
}

// Three resources on one source in one apply, against a tenant whose
// tasks run for three reads: each POST waits until the task before it has
// finished, though every idle check alone would have seen an idle source.
func TestAccLaunch_oneTaskOfASourceAtATime(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 3})
	src := faketenant.ActiveDirectorySourceID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "first" {
  source_id     = %[1]q
  poll_interval = "1s"
}

resource "sailpoint_entitlement_aggregation" "second" {
  source_id     = %[1]q
  poll_interval = "1s"
}

resource "sailpoint_account_aggregation" "third" {
  source_id     = %[1]q
  poll_interval = "1s"
  triggers = {
    run = "other"
  }
}

resource "sailpoint_identity_processing" "elsewhere" {
  identity_ids  = ["2c9180835d2e5168015d32f890ca1581"]
  poll_interval = "1s"
}
`, src),
			Check: resource.ComposeTestCheckFunc(
				func(*terraform.State) error {
					// Identity processing works on no source: it is not held up.
					var onSource []faketenant.Launch
					for _, l := range ft.Launches() {
						if l.SourceID == src {
							onSource = append(onSource, l)
						}
					}
					if len(onSource) != 3 {
						return fmt.Errorf("%d launches on the source, want 3", len(onSource))
					}
					return nil
				},
				sourceLaunchOrder(ft, faketenant.ActiveDirectorySourceID, 3),
			),
		}},
	})
}

// sourceLaunchOrder is launchOrder for the launches of one source.
func sourceLaunchOrder(ft *faketenant.Tenant, sourceID string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		log := ft.Requests()
		var ids []string
		for _, l := range ft.Launches() {
			if l.SourceID == sourceID {
				ids = append(ids, l.TaskID)
			}
		}
		if len(ids) != want {
			return fmt.Errorf("%d launches on source %s, want %d", len(ids), sourceID, want)
		}
		var postAt []int
		for i, r := range log {
			if isPost(r) && r.SourceID == sourceID {
				postAt = append(postAt, i)
			}
		}
		for n := 1; n < len(ids); n++ {
			lastRead := -1
			for i, r := range log {
				if faketenant.IsTaskGet(r) && r.TaskID == ids[n-1] {
					lastRead = i
				}
			}
			if lastRead < 0 || lastRead > postAt[n] {
				return fmt.Errorf("POST %d on the source (request %d) came before the wait for task %s ended (its last read is request %d): two tasks of one source overlapped",
					n+1, postAt[n], ids[n-1], lastRead)
			}
		}
		return nil
	}
}

// sourceTask is a spec-valid task of a source, finished with status
// ("" while running).
func sourceTask(t *testing.T, id, sourceID, status string) json.RawMessage {
	t.Helper()
	changes := map[string]any{"target": map[string]any{"id": sourceID, "type": "APPLICATION", "name": "Active Directory [source]"}}
	if status == "" {
		maps.Copy(changes, runningChanges)
	} else {
		changes["completionStatus"] = status
	}
	return taskDoc(t, id, changes)
}

// How the provider waits changes nothing in the tenant: a new poll
// interval, the idle check turned off, wait_for_completion turned on
// update in place and wait for the task in state; a narrower
// expected_completion_statuses that the task does not pass fails the
// apply, and the apply after it starts a new task.
func TestAccLaunch_waitSettingsUpdateInPlace(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 4, Status: "WARNING"}, faketenant.Script{RunningReads: 1, Status: "SUCCESS"})
	config := func(settings string) string {
		return providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id = %q
  %s
}
`, faketenant.ActiveDirectorySourceID, settings)
	}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionUpdate)}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config(`wait_for_completion = false`),
				ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", knownvalue.Null())},
				Check:             wantPosts(ft, 1),
			},
			{
				// Waiting now: the update waits for the task the create left running.
				Config: config(`
  wait_for_completion    = true
  wait_for_running_tasks = false
  poll_interval          = "1s"`),
				ConfigPlanChecks:  update,
				ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", str("WARNING"))},
				Check:             wantPosts(ft, 1),
			},
			{
				Config: config(`
  poll_interval                = "1s"
  expected_completion_statuses = ["SUCCESS"]`),
				ConfigPlanChecks: update,
				ExpectError:      errorWith("finished with status WARNING", "not SUCCESS"),
			},
			{
				// The gate failed: as after a failed create, a new task.
				Config: config(`
  poll_interval                = "1s"
  expected_completion_statuses = ["SUCCESS"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", str("SUCCESS"))},
				Check:             wantPosts(ft, 2),
			},
		},
	})
}

// terraform import and an import block adopt a task by id: the first
// apply takes over the configured arguments in place, waits for the task
// and gates it, and starts nothing.
func TestAccLaunch_importAdoptsATask(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	src := faketenant.ActiveDirectorySourceID
	ft.PutTask(sourceTask(t, "adopt-by-cli", src, "SUCCESS"))
	ft.PutTaskSequence("adopt-by-block", sourceTask(t, "adopt-by-block", src, ""), sourceTask(t, "adopt-by-block", src, ""),
		sourceTask(t, "adopt-by-block", src, "SUCCESS"))
	resourceBlock := providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}
`, src)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             resourceBlock,
				ResourceName:       accountAddr,
				ImportState:        true,
				ImportStateId:      "adopt-by-cli",
				ImportStatePersist: true,
			},
			{
				Config: resourceBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState(accountAddr, "task_id", str("adopt-by-cli")),
					expectState(accountAddr, "completion_status", str("SUCCESS")),
					expectState(accountAddr, "source_id", str(src)),
					expectState(accountAddr, "wait_for_completion", knownvalue.Bool(true)),
				},
				Check: wantPosts(ft, 0),
			},
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: resourceBlock + `
import {
  to = sailpoint_account_aggregation.test
  id = "adopt-by-block"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectState(accountAddr, "task_id", str("adopt-by-block")),
				expectState(accountAddr, "completion_status", str("SUCCESS")),
			},
			Check: resource.ComposeTestCheckFunc(wantPosts(ft, 0), func(*terraform.State) error {
				if n := ft.Reads("adopt-by-block"); n < 3 {
					return fmt.Errorf("the adopted task was read %d times: the apply did not wait for it", n)
				}
				return nil
			}),
		}},
	})
}

// An adopted task is checked against the resource: one of another source
// is refused, naming what was compared, as is an id the tenant does not
// know; an adopted task that failed fails the apply, and the next one
// starts a new task.
func TestAccLaunch_importChecksTheTask(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutTask(sourceTask(t, "of-workday", faketenant.WorkdaySourceID, "SUCCESS"))
	ft.PutTask(taskDoc(t, "failed-here", map[string]any{"completionStatus": "ERROR",
		"target":   map[string]any{"id": faketenant.ActiveDirectorySourceID, "type": "APPLICATION", "name": "Active Directory [source]"},
		"messages": []any{map[string]any{"type": "ERROR", "localizedText": map[string]any{"locale": "en-US", "message": "LDAP bind failed"}, "key": "k", "parameters": nil}}}))
	config := func(id string) string {
		return providerConfig(ft) + fmt.Sprintf(`
import {
  to = sailpoint_account_aggregation.test
  id = %q
}

resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}
`, id, faketenant.ActiveDirectorySourceID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("of-workday"),
				ExpectError: errorWith("The imported task is not this resource's",
					fmt.Sprintf(`works on source %q (task.target.id), not on source_id %q`, faketenant.WorkdaySourceID, faketenant.ActiveDirectorySourceID)),
			},
			{Config: config("no-such-task"), ExpectError: errorWith(`Cannot import task "no-such-task": not found`)},
			{Config: config("failed-here"), ExpectError: errorWith("finished with status ERROR", "ERROR: LDAP bind failed")},
			{
				Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}
`, faketenant.ActiveDirectorySourceID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", str("SUCCESS"))},
				Check:             wantPosts(ft, 1),
			},
		},
	})
}

// finishedTask is what the tenant answers for task id once it finished
// with status, on source sourceID ("" for no source).
func finishedTask(t *testing.T, id, sourceID, status string) json.RawMessage {
	t.Helper()
	changes := map[string]any{"completionStatus": status, "target": nil}
	if sourceID != "" {
		changes["target"] = map[string]any{"id": sourceID, "type": "APPLICATION", "name": "Active Directory [source]"}
	}
	if status == "ERROR" {
		changes["messages"] = []any{map[string]any{"type": "ERROR", "localizedText": map[string]any{"locale": "en-US", "message": "Connector timed out"}, "key": "k", "parameters": nil}}
	}
	return taskDoc(t, id, changes)
}

// Ctrl-C while a resource waits for the task it started: the apply stops,
// nothing downstream runs, the resource is kept untainted with its task;
// the next apply starts nothing, waits for that same task and gates it. A
// task that ended badly meanwhile fails that apply, and the apply after it
// starts a new task.
func TestAccLaunch_interruptResumes(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	for _, status := range []string{"SUCCESS", "ERROR"} {
		t.Run(status, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			ft.ScriptLaunches(faketenant.Script{RunningReads: 300})
			src := faketenant.ActiveDirectorySourceID
			dir, env := cliWorkspace(t, ft, fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}

resource "terraform_data" "after" {
  input = sailpoint_account_aggregation.test.task_id
}
`, src))
			p := cliStart(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
			out := p.stopWhen(t, func() bool {
				ls := ft.Launches()
				return len(ls) == 1 && ft.Reads(ls[0].TaskID) >= 2
			}, syscall.SIGINT)
			id := ft.Launches()[0].TaskID
			if !strings.Contains(out, "the next apply resumes the wait") {
				t.Errorf("the interrupted apply does not say the wait resumes:\n%s", out)
			}
			state := cliState(t, tf, dir, env)
			agg, ok := state[accountAddr]
			switch {
			case !ok:
				t.Fatalf("the interrupted resource is not in state: %v\n%s", state, out)
			case agg.Status == "tainted":
				t.Fatalf("the interrupted resource is tainted: the next apply would start its task again\n%s", out)
			case agg.Attributes["task_id"] != id:
				t.Fatalf("task_id %v in state, want %s", agg.Attributes["task_id"], id)
			}
			if _, ran := state["terraform_data.after"]; ran {
				t.Fatalf("a resource downstream of the interrupted one was applied\n%s", out)
			}

			ft.PutTask(finishedTask(t, id, src, status))
			plan, err := cliRun(t, tf, dir, env, "plan", "-input=false", "-no-color")
			if err != nil || !strings.Contains(plan, "will be updated in-place") || strings.Contains(plan, "must be replaced") {
				t.Fatalf("the plan after the interrupt should update in place: %v\n%s", err, plan)
			}
			out, err = cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
			if n := posts(ft); n != 1 {
				t.Fatalf("%d launches after resuming, want the 1 interrupted\n%s", n, out)
			}
			if status == "SUCCESS" {
				state = cliState(t, tf, dir, env)
				if err != nil || state[accountAddr].Attributes["task_id"] != id || state[accountAddr].Attributes["completion_status"] != "SUCCESS" {
					t.Fatalf("the resumed apply: %v %v\n%s", err, state[accountAddr].Attributes["completion_status"], out)
				}
				if _, ran := state["terraform_data.after"]; !ran {
					t.Fatalf("the resource downstream did not run after the gate passed\n%s", out)
				}
				return
			}
			if err == nil || !strings.Contains(out, "finished with status ERROR") || !strings.Contains(out, "Connector timed out") {
				t.Fatalf("the resumed gate should fail with the task's messages: %v\n%s", err, out)
			}
			ft.ScriptLaunches(faketenant.DefaultScript)
			out, err = cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
			if err != nil || posts(ft) != 2 {
				t.Fatalf("the apply after a failed gate should start one new task (%d launches): %v\n%s", posts(ft), err, out)
			}
		})
	}
}

// Thirty resources interrupted while they wait: the next apply starts none
// of their tasks again.
func TestAccLaunch_interruptThirtyResumes(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 300})
	ids := make([]string, 30)
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", fmt.Sprintf("2c9180835d2e5168015d32f890ca%04d", i))
	}
	dir, env := cliWorkspace(t, ft, fmt.Sprintf(`
resource "sailpoint_identity_processing" "each" {
  for_each      = toset([%s])
  identity_ids  = [each.key]
  poll_interval = "2s"
}
`, strings.Join(ids, ", ")))
	p := cliStart(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=30")
	out := p.stopWhen(t, func() bool {
		ls := ft.Launches()
		if len(ls) < 30 {
			return false
		}
		for _, l := range ls {
			if ft.Reads(l.TaskID) < 1 {
				return false
			}
		}
		return true
	}, syscall.SIGINT)
	state := cliState(t, tf, dir, env)
	if len(state) != 30 {
		t.Fatalf("%d resources in state after the interrupt, want 30\n%s", len(state), out)
	}
	for addr, in := range state {
		if in.Status == "tainted" {
			t.Fatalf("%s is tainted\n%s", addr, out)
		}
	}
	for _, l := range ft.Launches() {
		ft.PutTask(finishedTask(t, l.TaskID, "", "SUCCESS"))
	}
	out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=30")
	if err != nil || posts(ft) != 30 {
		t.Fatalf("after resuming: %d launches, want the 30 interrupted: %v\n%s", posts(ft), err, out)
	}
}

// A CI runner that dies (SIGKILL to Terraform and its provider) leaves the
// task out of state; an import block with its id adopts it: the apply
// starts nothing, waits for the task and gates it.
func TestAccLaunch_killThenImport(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 300})
	src := faketenant.ActiveDirectorySourceID
	config := fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}
`, src)
	dir, env := cliWorkspace(t, ft, config)
	p := cliStart(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	p.stopWhen(t, func() bool {
		ls := ft.Launches()
		return len(ls) == 1 && ft.Reads(ls[0].TaskID) >= 2
	}, syscall.SIGKILL)
	id := ft.Launches()[0].TaskID
	if _, kept := cliState(t, tf, dir, env)[accountAddr]; kept {
		t.Fatal("the killed apply saved the resource: this test needs it lost")
	}
	ft.PutTaskSequence(id, sourceTask(t, id, src, ""), finishedTask(t, id, src, "SUCCESS"))
	if err := os.WriteFile(filepath.Join(dir, "import.tf"), []byte(fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", accountAddr, id)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	state := cliState(t, tf, dir, env)
	if err != nil || posts(ft) != 1 || state[accountAddr].Attributes["task_id"] != id || state[accountAddr].Attributes["completion_status"] != "SUCCESS" {
		t.Fatalf("the import: %v, %d launches (want the 1 before the kill), state %v\n%s", err, posts(ft), state[accountAddr].Attributes["completion_status"], out)
	}
}

// A timeout is a failed gate: the resource is tainted and the next apply
// would start a new task. Its message says how to wait for the same task
// instead, and that works: after terraform untaint the next apply starts
// nothing and gates the task.
func TestAccLaunch_timeoutThenUntaintResumes(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 300})
	src := faketenant.ActiveDirectorySourceID
	dir, env := cliWorkspace(t, ft, fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
  timeouts = {
    create = "10s"
  }
}
`, src))
	out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	if err == nil || !strings.Contains(out, "Timed out waiting for task") || !strings.Contains(out, "terraform untaint") {
		t.Fatalf("the timeout should fail the apply and say how to keep the task: %v\n%s", err, out)
	}
	if s := cliState(t, tf, dir, env)[accountAddr].Status; s != "tainted" {
		t.Fatalf("status %q after a timeout, want tainted", s)
	}
	id := ft.Launches()[0].TaskID
	if out, err := cliRun(t, tf, dir, env, "untaint", accountAddr); err != nil {
		t.Fatalf("terraform untaint: %v\n%s", err, out)
	}
	ft.PutTask(finishedTask(t, id, src, "SUCCESS"))
	out, err = cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	state := cliState(t, tf, dir, env)[accountAddr]
	if err != nil || posts(ft) != 1 || state.Attributes["task_id"] != id || state.Attributes["completion_status"] != "SUCCESS" {
		t.Fatalf("after untaint: %v, %d launches (want 1), %v\n%s", err, posts(ft), state.Attributes["completion_status"], out)
	}
}

// A source with a task stuck for two days and one running for an hour:
// clear_pending_tasks_older_than = "12h" clears the first (one PATCH,
// before the POST) and waits for the second, which it leaves alone.
func TestAccLaunch_clearPendingTasks(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	src := faketenant.ActiveDirectorySourceID
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck-two-days", SourceID: src, Created: time.Now().Add(-49 * time.Hour), Launched: time.Now().Add(-48 * time.Hour)})
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	young := func(status string) json.RawMessage {
		doc := sourceTask(t, "running-an-hour", src, status)
		var m map[string]any
		_ = json.Unmarshal(doc, &m)
		m["launched"], m["created"] = hourAgo, hourAgo
		out, _ := json.Marshal(m)
		return out
	}
	ft.PutRunningTaskSequence("running-an-hour", young(""), young(""), young("SUCCESS"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id                      = %q
  poll_interval                  = "1s"
  clear_pending_tasks_older_than = "12h"
}
`, src),
			ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", str("SUCCESS"))},
			Check: func(*terraform.State) error {
				patches := ft.Patches()
				if len(patches) != 1 || patches[0].TaskID != "stuck-two-days" {
					return fmt.Errorf("PATCHes %+v, want one for the task stuck two days", patches)
				}
				var order []string
				for _, r := range ft.Requests() {
					switch {
					case faketenant.IsPatch(r):
						order = append(order, "PATCH")
					case isPost(r):
						order = append(order, "POST")
					}
				}
				if strings.Join(order, " ") != "PATCH POST" {
					return fmt.Errorf("requests %v, want the PATCH, then the POST", order)
				}
				if n := ft.Reads("running-an-hour"); n < 2 { // two looks found it running; the third, finished
					return fmt.Errorf("the younger task was read %d times: it was not waited for", n)
				}
				return nil
			},
		}},
	})
}

// A tenant that refuses the clear (it takes a user token with
// idn:task-management:write): an error naming what it takes, and no POST.
func TestAccLaunch_clearPendingRefused(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	src := faketenant.ActiveDirectorySourceID
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck", SourceID: src, Created: time.Now().Add(-48 * time.Hour)})
	ft.Inject(faketenant.Fault{Path: "/task-status/v1/stuck", Method: http.MethodPatch, Status: http.StatusForbidden, Times: -1,
		Body: `{"detailCode":"403 Forbidden","trackingId":"patch-403","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"Forbidden"}],"causes":[]}`})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id                      = %q
  clear_pending_tasks_older_than = "12h"
}
`, src),
			ExpectError: errorWith(`Could not clear task "stuck": not allowed`, "PATCH /task-status/v1/stuck answered HTTP 403", "trackingId: patch-403",
				"personal access token", "idn:task-management:write", "ORG_ADMIN", "Nothing was started"),
		}},
	})
	if n := posts(ft); n != 0 {
		t.Errorf("%d POSTs after a refused clear, want 0", n)
	}
}

// retry_on_statuses: a task that ends in TEMPERROR is started again and
// the apply passes on the second; every attempt in TEMPERROR fails, quoting
// the last task's messages and naming the earlier ones; ERROR, not listed,
// is never restarted.
func TestAccLaunch_retryOnTemporaryErrors(t *testing.T) {
	t.Parallel()
	temp := faketenant.Script{RunningReads: 1, Status: "TEMPERROR", Messages: []faketenant.Message{{Type: "ERROR", Text: "The virtual appliance did not answer"}}}
	config := func(ft *faketenant.Tenant, attempts string) string {
		return providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id         = %q
  poll_interval     = "1s"
  retry_on_statuses = ["TEMPERROR"]
  retry_delay       = "1s"
  %s
}
`, faketenant.ActiveDirectorySourceID, attempts)
	}
	t.Run("second attempt passes", func(t *testing.T) {
		t.Parallel()
		ft := newTenant(t)
		ft.ScriptLaunches(temp, faketenant.DefaultScript)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: config(ft, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState(accountAddr, "completion_status", str("SUCCESS")),
					expectState(accountAddr, "task_ids", knownvalue.ListSizeExact(2)),
					statecheck.CompareValuePairs(accountAddr, tfjsonpath.New("task_ids").AtSliceIndex(1), accountAddr, tfjsonpath.New("task_id"), compareSame),
				},
				Check: wantPosts(ft, 2),
			}},
		})
	})
	t.Run("every attempt fails", func(t *testing.T) {
		t.Parallel()
		ft := newTenant(t)
		ft.ScriptLaunches(temp)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      config(ft, "retry_attempts = 2"),
				ExpectError: errorWith("finished with status TEMPERROR", "ERROR: The virtual appliance did not answer", "Earlier attempts", "(TEMPERROR)", "(TEMPERROR)"),
			}},
		})
		if n := posts(ft); n != 3 {
			t.Errorf("%d POSTs, want 3", n)
		}
	})
	t.Run("ERROR is not restarted", func(t *testing.T) {
		t.Parallel()
		ft := newTenant(t)
		ft.ScriptLaunches(faketenant.Script{RunningReads: 1, Status: "ERROR", Messages: []faketenant.Message{{Type: "ERROR", Text: "Bad connector configuration"}}})
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      config(ft, "retry_attempts = 3"),
				ExpectError: errorWith("finished with status ERROR", "Bad connector configuration"),
			}},
		})
		if n := posts(ft); n != 1 {
			t.Errorf("%d POSTs, want 1", n)
		}
	})
}
