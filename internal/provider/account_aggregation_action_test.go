package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// An action_trigger on a terraform_data runs the action once per change:
// one aggregation each time, waited for; none when nothing changed; a task
// that ends in ERROR fails the apply with its messages.
func TestAccAccountAggregationAction_triggeredByTerraformData(t *testing.T) {
	t.Parallel()
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
	if n := ft.LaunchCount(sailpoint.AccountAggregationOp.Name); n != 3 {
		t.Errorf("%d aggregations started, want 3", n)
	}
}

// terraform apply -invoke starts exactly one aggregation, names the task
// while it waits, ends with its status, and fails with the task's own
// messages when it failed.
func TestAccAccountAggregationAction_invokeFromCLI(t *testing.T) {
	t.Parallel()
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

// Invoke starts one task, shows its id, its progress and its status, and
// passes when the task finished as expected.
func TestAccAccountAggregationAction_invokeShowsProgress(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 2, Status: "SUCCESS"})
	msgs, resp := invokeAction(context.Background(), t, ft, accountAggregation.newAction, map[string]tftypes.Value{
		"source_id":     tfString(faketenant.ActiveDirectorySourceID),
		"poll_interval": tfString("1s"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	launches := ft.Launches()
	if len(launches) != 1 || launches[0].Operation != sailpoint.AccountAggregationOp.Name {
		t.Fatalf("launches: %+v", launches)
	}
	id := launches[0].TaskID
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		`Started the account aggregation of source "` + faketenant.ActiveDirectorySourceID + `": task ` + id + " (POST /sources/v1/" + faketenant.ActiveDirectorySourceID + "/load-accounts)",
		"Task " + id + " running: Running, 50% complete",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no progress message with %q in:\n%s", want, all)
		}
	}
	if last := msgs[len(msgs)-1]; !strings.HasPrefix(last, "Task "+id+" finished: SUCCESS") {
		t.Errorf("last message %q, want the task's status", last)
	}
}

// Cancelling (Ctrl-C) stops the wait at once: Invoke returns, says it
// stopped, and no poll follows.
func TestAccAccountAggregationAction_cancelStopsTheWait(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1000})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once the wait is under way.
		for ft.LaunchCount("") == 0 || ft.Reads(ft.Launches()[0].TaskID) < 2 {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
	}()
	_, resp := invokeAction(ctx, t, ft, accountAggregation.newAction, map[string]tftypes.Value{
		"source_id":     tfString(faketenant.ActiveDirectorySourceID),
		"poll_interval": tfString("1s"),
	})
	id := ft.Launches()[0].TaskID
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Summary(), "Stopped waiting for task") {
		t.Fatalf("diagnostics %v, want Stopped waiting", resp.Diagnostics)
	}
	reads := ft.Reads(id)
	time.Sleep(2500 * time.Millisecond) // longer than the 1 s poll cap
	if after := ft.Reads(id); after != reads {
		t.Fatalf("%d polls after the invocation was cancelled", after-reads)
	}
}

// aggregationStatus is a spec-valid AccountAggregationStatus.
func aggregationStatus(status string, processed, total int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"start":"2026-11-28T11:58:00.000Z","status":%q,"totalAccounts":%d,"processedAccounts":%d,`+
		`"totalAccountsMarkedForDeletion":0,"deletedAccounts":0,"totalIdentities":0,"processedIdentities":0}`, status, total, processed))
}

// While an account aggregation runs, the action's progress lines carry the
// tenant's counts of changed accounts, read once per line at the most.
func TestAccAccountAggregationAction_showsCounts(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 3, AggregationStatuses: []json.RawMessage{
		aggregationStatus("STARTED", 0, 0), aggregationStatus("ACCOUNTS_COLLECTED", 120, 1024), aggregationStatus("ACCOUNTS_COLLECTED", 900, 1024),
	}})
	msgs, resp := invokeAction(context.Background(), t, ft, accountAggregation.newAction, map[string]tftypes.Value{
		"source_id":     tfString(faketenant.ActiveDirectorySourceID),
		"poll_interval": tfString("1s"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	id := ft.Launches()[0].TaskID
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "aggregation ACCOUNTS_COLLECTED, 120 of 1024 changed accounts processed") {
		t.Errorf("no line with the counts in:\n%s", all)
	}
	// One read per line at the most, and one for a line the task's end
	// made unnecessary.
	lines := strings.Count(all, "Task "+id+" running:")
	if reads := ft.AggregationStatusReads(id); reads == 0 || reads > lines+1 {
		t.Errorf("%d status reads for %d running lines", reads, lines)
	}
}

// A tenant that refuses the counts (they take user tokens only) ends them
// for the invocation after one read, with plain percent lines; the
// aggregation is not failed.
func TestAccAccountAggregationAction_countsRefused(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 4})
	ft.Inject(faketenant.Fault{Path: "/account-aggregations/v1/", Times: -1, Status: http.StatusForbidden,
		Body: `{"detailCode":"403 Forbidden","trackingId":"c403","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"Forbidden"}],"causes":[]}`})
	msgs, resp := invokeAction(context.Background(), t, ft, accountAggregation.newAction, map[string]tftypes.Value{
		"source_id":     tfString(faketenant.ActiveDirectorySourceID),
		"poll_interval": tfString("1s"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("refused counts failed the invocation: %v", resp.Diagnostics)
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "50% complete") || strings.Contains(all, "changed accounts") {
		t.Errorf("want plain percent lines:\n%s", all)
	}
	if n := ft.Count(faketenant.IsAggregationStatusGet); n != 1 {
		t.Errorf("%d status reads after a 403, want 1", n)
	}
}

// terraform apply -invoke on a CLI with actions shows the counts the
// tenant gives.
func TestAccAccountAggregationAction_invokeShowsCounts(t *testing.T) {
	t.Parallel()
	tf := actionsCLIPath(t)
	ft := newTenant(t)
	statuses := []json.RawMessage{aggregationStatus("ACCOUNTS_COLLECTED", 300, 1024)}
	ft.ScriptLaunches(faketenant.Script{RunningReads: 9, AggregationStatuses: statuses})
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
	if !strings.Contains(strings.Join(progress, "\n"), "300 of 1024 changed accounts processed") {
		t.Errorf("no progress line with the counts:\n%s", strings.Join(progress, "\n"))
	}

	// A tenant that refuses the counts: plain percent lines.
	ft.Inject(faketenant.Fault{Path: "/account-aggregations/v1/", Times: -1, Status: http.StatusForbidden,
		Body: `{"detailCode":"403 Forbidden","trackingId":"c403","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"Forbidden"}],"causes":[]}`})
	progress, errs, err = invokeCLI(t, tf, dir, env, "sailpoint_account_aggregation.x")
	all := strings.Join(progress, "\n")
	if err != nil || len(errs) > 0 || !strings.Contains(all, "50% complete (") || strings.Contains(all, "changed accounts") {
		t.Errorf("with the counts refused, want plain percent lines and a passing invocation: %v %v\n%s", err, errs, all)
	}
}

// An action reports each attempt of retry_on_statuses, and the stuck task
// it cleared before starting.
func TestAccAccountAggregationAction_retriesAndClears(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck", SourceID: faketenant.ActiveDirectorySourceID, Created: time.Now().Add(-30 * time.Hour), UniqueName: "Cloud Account Aggregation"})
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1, Status: "TEMPERROR"}, faketenant.DefaultScript)
	msgs, resp := invokeAction(context.Background(), t, ft, accountAggregation.newAction, map[string]tftypes.Value{
		"source_id":                      tfString(faketenant.ActiveDirectorySourceID),
		"poll_interval":                  tfString("1s"),
		"retry_on_statuses":              tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tfString("TEMPERROR")}),
		"retry_delay":                    tfString("1s"),
		"clear_pending_tasks_older_than": tfString("12h"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("diagnostics %v", resp.Diagnostics)
	}
	ls := ft.Launches()
	all := strings.Join(msgs, "\n")
	if len(ls) != 2 || !strings.Contains(all, "Cleared the source's pending task stuck (Cloud Account Aggregation), launched 30h0m ago") ||
		!strings.Contains(all, "Task "+ls[0].TaskID+" ended with TEMPERROR: starting attempt 2 of 2 in 1s") ||
		!strings.Contains(all, "Task "+ls[1].TaskID+" finished: SUCCESS") {
		t.Fatalf("%d launches; progress:\n%s", len(ls), all)
	}
}

// A status endpoint that answers 503 never slows the action down: the
// counts are read once per line, never retried, off the poll's path, so
// the invocation ends within a timeout that each line's retries (about
// 30 s of backoff) would have blown.
func TestAccAccountAggregationAction_countsFailingNeverDelay(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 8})
	ft.Inject(faketenant.Fault{Path: "/account-aggregations/v1/", Times: -1, Status: http.StatusServiceUnavailable,
		Body: `{"detailCode":"503 Service Unavailable","trackingId":"c503","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"Unavailable"}],"causes":[]}`})
	msgs, resp := invokeAction(context.Background(), t, ft, accountAggregation.newAction, map[string]tftypes.Value{
		"source_id":     tfString(faketenant.ActiveDirectorySourceID),
		"poll_interval": tfString("1s"),
		"timeout":       tfString("25s"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("a failing count read held up the wait: %v", resp.Diagnostics)
	}
	all := strings.Join(msgs, "\n")
	lines := strings.Count(all, "running:")
	if reads := ft.Count(faketenant.IsAggregationStatusGet); reads == 0 || reads > lines+1 {
		t.Errorf("%d status reads for %d running lines: each line's read must be one attempt\n%s", reads, lines, all)
	}
}

// A line never waits for the detail it shows: while a read is under way,
// a line goes out with what was read before, and no second read starts.
func TestAccAccountAggregationAction_detailOffThePollsPath(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	release := make(chan struct{})
	var reads atomic.Int32
	var lines []string
	p := &actionProgress{send: func(m string) { lines = append(lines, m) }, now: clock.now, operation: "account aggregation",
		detail: func(ctx context.Context, _ string) (string, bool) {
			reads.Add(1)
			select {
			case <-release:
			case <-ctx.Done():
			}
			return "aggregation ACCOUNTS_COLLECTED", true
		}}
	p.started(context.Background(), &sailpoint.Launch{TaskID: "task-1"})
	returned := make(chan struct{})
	go func() {
		for range 4 {
			clock.advance(10 * time.Second)
			p.running(context.Background(), percent("50"), 1, time.Second)
		}
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(30 * time.Second):
		t.Fatal("a progress line waited for the detail read")
	}
	for deadline := time.Now().Add(30 * time.Second); reads.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads started, want the one under way", n)
	}
	close(release)
}
