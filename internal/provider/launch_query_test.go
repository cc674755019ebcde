package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// kindTask is a spec-valid task named name (the kind of task, as the
// tenant names it), on source sourceID ("" for none), created and
// launched at created, running when status is "".
func kindTask(t *testing.T, id, name, sourceID, created, status string) json.RawMessage {
	t.Helper()
	changes := map[string]any{
		"uniqueName": name, "description": name, "target": nil,
		"taskDefinitionSummary": map[string]any{"id": "definition-" + id, "uniqueName": name, "description": name,
			"parentName": name, "executor": "sailpoint.task.ServiceTaskExecutor", "arguments": map[string]any{}},
		"created": created, "launched": created, "modified": created,
		"completed": nil, "completionStatus": nil, "progress": "Running", "percentComplete": 40, "messages": []any{},
	}
	if sourceID != "" {
		changes["target"] = map[string]any{"id": sourceID, "type": "APPLICATION", "name": "Active Directory [source]"}
	}
	if status != "" {
		changes["completed"], changes["completionStatus"], changes["progress"], changes["percentComplete"] = created, status, "Completed", 100
	}
	return taskDoc(t, id, changes)
}

// A pipeline's runner is killed while the apply waits for an account
// aggregation: the task runs on, and no state has it. terraform query
// finds it among tasks of other kinds, of other sources and finished
// ones; -generate-config-out writes its resource and an import block by
// identity; the plan of that configuration imports it and changes nothing
// but what the gate reads again; the apply imports it, waits for it and
// gates it, and starts nothing.
func TestAccLaunchQuery_killedRunFoundAndAdopted(t *testing.T) {
	t.Parallel()
	tf := newerCLIPath(t, tfversion.Version1_14_0, "has no terraform query; it needs Terraform 1.14 or newer: run `make testacc-actions`")
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 300})
	ad, workday := faketenant.ActiveDirectorySourceID, faketenant.WorkdaySourceID
	dir, env := cliWorkspace(t, ft, fmt.Sprintf(`
resource "sailpoint_account_aggregation" "hr" {
  source_id     = %q
  poll_interval = "1s"
}
`, ad))
	p := cliStart(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	p.stopWhen(t, func() bool {
		ls := ft.Launches()
		return len(ls) == 1 && ft.Reads(ls[0].TaskID) >= 2
	}, syscall.SIGKILL)
	id := ft.Launches()[0].TaskID
	if len(cliState(t, tf, dir, env)) != 0 {
		t.Fatal("the killed apply saved the resource: this test needs it lost")
	}
	// What else the tenant holds: another source's aggregation and another
	// kind of task on this source, both running, and a finished
	// aggregation of this source (the fixtures hold another).
	now := time.Now().UTC().Format(time.RFC3339)
	ft.PutTask(kindTask(t, "other-source", sailpoint.AccountAggregationOp.TaskName, workday, now, ""))
	ft.PutTask(kindTask(t, "other-kind", sailpoint.EntitlementAggregationOp.TaskName, ad, now, ""))
	ft.PutTask(kindTask(t, "finished-here", sailpoint.AccountAggregationOp.TaskName, ad, now, "SUCCESS"))
	// The killed run's task: running while it is found, imported and
	// planned, then it finishes during the apply's wait.
	running, done := sourceTask(t, id, ad, ""), finishedTask(t, id, ad, "SUCCESS")
	ft.PutTaskSequence(id, running, running, running, done)

	// The configuration is now the query alone: the resource block of the
	// killed run is replaced by what the query writes.
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("terraform {\n  required_providers {\n    sailpoint = { source = \"isc-community/sailpoint\" }\n  }\n}\nprovider \"sailpoint\" {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	query := fmt.Sprintf(`
list "sailpoint_account_aggregation" "left_behind" {
  provider         = sailpoint
  include_resource = true
  config {
    source_id = %q
    running   = true
  }
}
`, ad)
	if err := os.WriteFile(filepath.Join(dir, "find.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cliRun(t, tf, dir, env, "query", "-no-color")
	found := regexp.MustCompile(`(?m)^list\.sailpoint_account_aggregation\.left_behind\s+id=(\S+)\s+(.*)$`).FindAllStringSubmatch(out, -1)
	if err != nil || len(found) != 1 || found[0][1] != id || !strings.Contains(found[0][2], "running") {
		t.Fatalf("terraform query: %v; found %q, want only task %s, running\n%s", err, found, id, out)
	}
	if out, err := cliRun(t, tf, dir, env, "query", "-no-color", "-generate-config-out=generated.tf"); err != nil {
		t.Fatalf("terraform query -generate-config-out: %v\n%s", err, out)
	}
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`resource "sailpoint_account_aggregation" "left_behind_0"`),
		regexp.MustCompile(`source_id\s+= "` + ad + `"`),
		regexp.MustCompile(`(?s)import \{.*identity = \{\s*id = "` + id + `"`),
	} {
		if !want.Match(generated) {
			t.Fatalf("generated.tf lacks %s:\n%s", want, generated)
		}
	}

	if out, err := cliRun(t, tf, dir, env, "plan", "-input=false", "-no-color", "-out=tfplan"); err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	show, err := cliRun(t, tf, dir, env, "show", "-json", "tfplan")
	if err != nil {
		t.Fatalf("terraform show: %v\n%s", err, show)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions      []string       `json:"actions"`
				Before       map[string]any `json:"before"`
				After        map[string]any `json:"after"`
				AfterUnknown map[string]any `json:"after_unknown"`
				Importing    map[string]any `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(show), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.ResourceChanges) != 1 {
		t.Fatalf("%d planned changes, want the one import:\n%s", len(plan.ResourceChanges), show)
	}
	rc := plan.ResourceChanges[0]
	identity, _ := rc.Change.Importing["identity"].(map[string]any)
	if rc.Address != "sailpoint_account_aggregation.left_behind_0" || !slices.Equal(rc.Change.Actions, []string{"update"}) || identity["id"] != id {
		t.Fatalf("planned %s %v importing %v; want an import of task %s by identity, then the update that gates it", rc.Address, rc.Change.Actions, rc.Change.Importing, id)
	}
	// Beyond the import, the plan changes nothing the configuration says:
	// only what the gate reads again is unknown.
	for name, before := range rc.Change.Before {
		after, unknown := rc.Change.After[name], rc.Change.AfterUnknown[name] == true
		if name == "task" || name == "completion_status" {
			if !unknown {
				t.Errorf("%s is not read again by the update", name)
			}
			continue
		}
		if unknown || !reflect.DeepEqual(before, after) {
			t.Errorf("the plan changes %s: %v -> %v (unknown %v)", name, before, after, unknown)
		}
	}

	readsBefore := ft.Reads(id)
	if out, err := cliRun(t, tf, dir, env, "apply", "-input=false", "-no-color", "tfplan"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	state := cliState(t, tf, dir, env)["sailpoint_account_aggregation.left_behind_0"]
	if state.Attributes["task_id"] != id || state.Attributes["completion_status"] != "SUCCESS" {
		t.Fatalf("state after the apply: %v", state.Attributes)
	}
	if n := ft.Reads(id) - readsBefore; n < 2 {
		t.Errorf("the apply read the task %d times: it did not wait for it", n)
	}
	if n := posts(ft); n != 1 {
		t.Errorf("%d launches in all, want only the killed run's", n)
	}
}

// Each launch's list finds its own tasks, filtered as configured, on a
// version whose task list has running tasks (v1) and on one whose list has
// finished tasks only (v2024: the running ones come from pending-tasks).
// Kinds the spec names no tasks for list the tasks no launch names, on a
// source or on none as the operation works. 300 tasks of one source are
// read past the first page of 250.
func TestAccLaunchQuery_filters(t *testing.T) {
	t.Parallel()
	ad, workday := faketenant.ActiveDirectorySourceID, faketenant.WorkdaySourceID
	agg := sailpoint.AccountAggregationOp.TaskName
	for _, version := range []string{"v1", "v2024"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			for _, doc := range []json.RawMessage{
				kindTask(t, "agg-running", agg, ad, "2026-11-28T11:00:00Z", ""),
				kindTask(t, "agg-error", agg, ad, "2026-11-28T09:00:00Z", "ERROR"),
				kindTask(t, "agg-old", agg, ad, "2026-11-20T09:00:00Z", "SUCCESS"),
				kindTask(t, "workday-running", agg, workday, "2026-11-28T11:00:00Z", ""),
				kindTask(t, "entitlements-running", sailpoint.EntitlementAggregationOp.TaskName, ad, "2026-11-28T11:00:00Z", ""),
				kindTask(t, "unnamed-on-ad", "Cloud Delete Accounts", ad, "2026-11-28T11:00:00Z", ""),
				kindTask(t, "unnamed-nowhere", "Identity Processing", "", "2026-11-28T11:00:00Z", ""),
			} {
				ft.PutTask(doc)
			}
			for i := range 300 {
				ft.PutTask(kindTask(t, fmt.Sprintf("bulk-%03d", i), agg, "2c9180887a1b2c3d4e5f60718293a4b5",
					time.Date(2026, 11, 25, 0, 0, i, 0, time.UTC).Format(time.RFC3339), "SUCCESS"))
			}
			provider := providerConfig(ft, fmt.Sprintf("api_version = %q", version))
			list := func(kind, name, config string) string {
				return fmt.Sprintf("list %q %q {\n  provider = sailpoint\n  include_resource = true\n  limit = 400\n  config {\n    %s\n  }\n}\n", kind, name, config)
			}
			ids := func(addr string, ids ...string) []querycheck.QueryResultCheck {
				checks := []querycheck.QueryResultCheck{querycheck.ExpectLength(addr, len(ids))}
				for _, id := range ids {
					checks = append(checks, querycheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
				}
				return checks
			}
			checks := slices.Concat(
				ids("sailpoint_account_aggregation.running_here", "agg-running"),
				ids("sailpoint_account_aggregation.failed_here", "agg-error"),
				ids("sailpoint_account_aggregation.since", "agg-running", "agg-error", faketenant.CompleteTaskID),
				ids("sailpoint_account_aggregation.running", "agg-running", "workday-running"),
				ids("sailpoint_entitlement_aggregation.running_here", "entitlements-running"),
				// The resets' tasks have no name in the spec: a task of the
				// source no launch names may be one.
				ids("sailpoint_source_account_reset.running_here", "unnamed-on-ad"),
				// Identity processing's neither, and it works on no source: so
				// is the fixtures' running identity refresh.
				ids("sailpoint_identity_processing.running", "unnamed-nowhere", "2c9180867b6d2f51017b6f3a1b2c0001"),
				[]querycheck.QueryResultCheck{
					querycheck.ExpectLength("sailpoint_account_aggregation.bulk", 300),
					querycheck.ExpectResourceDisplayName("sailpoint_account_aggregation.running_here",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact("agg-running")}),
						knownvalue.StringExact("Cloud Account Aggregation of Active Directory [source]: running, launched 2026-11-28T11:00:00Z")),
					querycheck.ExpectResourceKnownValues("sailpoint_account_aggregation.running_here",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact("agg-running")}),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("task_id"), KnownValue: knownvalue.StringExact("agg-running")},
							{Path: tfjsonpath.New("source_id"), KnownValue: knownvalue.StringExact(ad)},
							{Path: tfjsonpath.New("wait_for_completion"), KnownValue: knownvalue.Bool(true)},
							{Path: tfjsonpath.New("task").AtMapKey("progress"), KnownValue: knownvalue.StringExact("Running")},
						}),
				},
			)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				TerraformVersionChecks:   queryCLI,
				Steps: []resource.TestStep{
					{Config: `output "ready" { value = true }`},
					{
						Query: true,
						Config: provider +
							list("sailpoint_account_aggregation", "running_here", fmt.Sprintf("source_id = %q\n    running = true", ad)) +
							list("sailpoint_account_aggregation", "failed_here", fmt.Sprintf("source_id = %q\n    completion_statuses = [\"error\"]", ad)) +
							list("sailpoint_account_aggregation", "since", fmt.Sprintf("source_id = %q\n    launched_after = \"2026-11-27T00:00:00Z\"", ad)) +
							list("sailpoint_account_aggregation", "running", "running = true") +
							list("sailpoint_account_aggregation", "bulk", `source_id = "2c9180887a1b2c3d4e5f60718293a4b5"`) +
							list("sailpoint_entitlement_aggregation", "running_here", fmt.Sprintf("source_id = %q\n    running = true", ad)) +
							list("sailpoint_source_account_reset", "running_here", fmt.Sprintf("source_id = %q\n    running = true", ad)) +
							list("sailpoint_identity_processing", "running", "running = true"),
						QueryResultChecks: checks,
					},
					{
						Query:       true,
						Config:      provider + list("sailpoint_account_aggregation", "contradiction", "running = true\n    completion_statuses = [\"SUCCESS\"]"),
						ExpectError: errorWith("A running task has no completion status"),
					},
				},
			})
			if n := posts(ft); n != 0 {
				t.Errorf("%d launches: a query starts nothing", n)
			}
		})
	}
}
