package provider

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

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

// The cadence: the start and the end at once; a changed progress once 5 s
// have passed since the last message; the same progress again after 30 s.
func TestActionProgress_cadence(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var got []string
	p := &actionProgress{send: func(m string) { got = append(got, m) }, now: clock.now, operation: "account aggregation of source \"s1\""}
	ctx := context.Background()
	steps := []struct {
		after time.Duration
		do    func()
		sent  bool
	}{
		{0, func() { p.waitingForRunning(ctx, []sailpoint.TaskStatus{{ID: "earlier"}}) }, true}, // first message goes at once
		{2 * time.Second, func() { p.waitingForRunning(ctx, []sailpoint.TaskStatus{{ID: "earlier"}}) }, false},
		{time.Second, func() {
			p.started(ctx, &sailpoint.Launch{TaskID: "task-1", Method: "POST", Path: "/sources/v1/s1/load-accounts"})
		}, true},
		{time.Second, func() { p.running(ctx, percent("10"), 1, time.Second) }, false},     // changed, but 1 s after the last message
		{4 * time.Second, func() { p.running(ctx, percent("10"), 2, time.Second) }, true},  // changed since "started", 5 s after it
		{6 * time.Second, func() { p.running(ctx, percent("10"), 3, time.Second) }, false}, // unchanged, 6 s
		{23 * time.Second, func() { p.running(ctx, percent("10"), 4, time.Second) }, false},
		{time.Second, func() { p.running(ctx, percent("10"), 5, time.Second) }, true}, // unchanged, but 30 s since the last message
		{3 * time.Second, func() { p.running(ctx, percent("70"), 6, time.Second) }, false},
		{2 * time.Second, func() { p.running(ctx, percent("70"), 7, time.Second) }, true},
		{time.Second, func() { p.finished(ctx, &sailpoint.TaskStatus{ID: "task-1", CompletionStatus: ptrTo("SUCCESS")}) }, true},
	}
	for i, s := range steps {
		clock.advance(s.after)
		before := len(got)
		s.do()
		if sent := len(got) > before; sent != s.sent {
			t.Fatalf("step %d: sent %v, want %v; messages so far:\n%s", i, sent, s.sent, strings.Join(got, "\n"))
		}
	}
	want := []string{
		`Waiting for the source's running task(s) earlier to finish before starting the account aggregation of source "s1"`,
		`Started the account aggregation of source "s1": task task-1 (POST /sources/v1/s1/load-accounts)`,
		`Task task-1 running: Running, 10% complete (5s elapsed)`,
		`Task task-1 running: Running, 10% complete (35s elapsed)`,
		`Task task-1 running: Running, 70% complete (40s elapsed)`,
		`Task task-1 finished: SUCCESS after 41s`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
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
	a.(interface{ setClock(func() time.Time) }).setClock(tick)
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

// Invoke starts one task, shows its id, its progress and its status, and
// passes when the task finished as expected.
func TestActionInvoke_progress(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 2, Status: "SUCCESS"})
	msgs, resp := invokeAction(context.Background(), t, ft, NewAccountAggregationAction, map[string]tftypes.Value{
		"source_id":     tfString(faketenant.ActiveDirectorySourceID),
		"poll_interval": tfString("1s"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	launches := ft.Launches()
	if len(launches) != 1 || launches[0].Operation != faketenant.OperationAccountAggregation {
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

// A task that ends in ERROR fails the invocation with its own messages.
func TestActionInvoke_failedTask(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1, Status: "ERROR", Messages: []faketenant.Message{
		{Type: "ERROR", Text: "Identity 2c91808a is locked by another process"},
	}})
	msgs, resp := invokeAction(context.Background(), t, ft, NewIdentityProcessingAction, map[string]tftypes.Value{
		"identity_ids":  tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tfString("2c9180835d2e5168015d32f890ca1581")}),
		"poll_interval": tfString("1s"),
	})
	if !resp.Diagnostics.HasError() {
		t.Fatalf("no error for a task that ended in ERROR; messages:\n%s", strings.Join(msgs, "\n"))
	}
	detail := resp.Diagnostics.Errors()[0].Summary() + "\n" + resp.Diagnostics.Errors()[0].Detail()
	for _, want := range []string{"finished with status ERROR", "ERROR: Identity 2c91808a is locked by another process"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the error does not say %q:\n%s", want, detail)
		}
	}
	if last := msgs[len(msgs)-1]; !strings.Contains(last, "finished: ERROR") {
		t.Errorf("last message %q, want the task's status", last)
	}
	if n := ft.LaunchCount(""); n != 1 {
		t.Errorf("%d launches, want 1", n)
	}
}

// Cancelling (Ctrl-C) stops the wait at once: Invoke returns, says it
// stopped, and no poll follows.
func TestActionInvoke_cancelStopsTheWait(t *testing.T) {
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
	_, resp := invokeAction(ctx, t, ft, NewAccountAggregationAction, map[string]tftypes.Value{
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

// Progress is tenant text: escape sequences never reach the console.
func TestActionProgress_cleansTenantText(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var got []string
	p := &actionProgress{send: func(m string) { got = append(got, m) }, now: clock.now, operation: "identity processing of 1 identities"}
	ctx := context.Background()
	p.running(ctx, runningTask("Aggregating\x1b[2J\x1b[31m accounts\r\n", "5"), 1, time.Second)
	p.finished(ctx, &sailpoint.TaskStatus{ID: "task-1", CompletionStatus: ptrTo("SUCCESS\x1b]0;pwned\x07")})
	for _, m := range got {
		if strings.ContainsAny(m, "\x1b\r\n\x07") {
			t.Errorf("control characters reached the console: %q", m)
		}
	}
	if len(got) != 2 {
		t.Fatalf("messages %q", got)
	}
}
