package provider

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

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

// Every action of an operation on a source starts its task, waits and
// ends with the task's status.
func TestActionInvoke_everySourceOperation(t *testing.T) {
	t.Parallel()
	csv := filepath.Join(t.TempDir(), "u.csv")
	if err := os.WriteFile(csv, []byte("id\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	set := func(ss ...string) tftypes.Value {
		var vs []tftypes.Value
		for _, s := range ss {
			vs = append(vs, tfString(s))
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vs)
	}
	for _, tc := range []struct {
		name      string
		newAction func() action.Action
		operation string
		extra     map[string]tftypes.Value
	}{
		{"uncorrelated account import", uncorrelatedAccountImport.newAction, sailpoint.UncorrelatedAccountImportOp.Name, map[string]tftypes.Value{"file": tfString(csv)}},
		{"account reset", sourceAccountReset.newAction, sailpoint.SourceAccountResetOp.Name, nil},
		{"entitlement reset", sourceEntitlementReset.newAction, sailpoint.SourceEntitlementResetOp.Name, nil},
		{"machine identity aggregation", machineIdentityAggregation.newAction, sailpoint.MachineIdentityAggregationOp.Name, map[string]tftypes.Value{"dataset_ids": set("ds-1")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			cfg := map[string]tftypes.Value{"source_id": tfString(faketenant.ActiveDirectorySourceID), "poll_interval": tfString("1s")}
			maps.Copy(cfg, tc.extra)
			msgs, resp := invokeAction(context.Background(), t, ft, tc.newAction, cfg)
			if resp.Diagnostics.HasError() {
				t.Fatalf("diagnostics: %v", resp.Diagnostics)
			}
			ls := ft.Launches()
			if len(ls) != 1 || ls[0].Operation != tc.operation {
				t.Fatalf("launches %+v", ls)
			}
			if last := msgs[len(msgs)-1]; !strings.HasPrefix(last, "Task "+ls[0].TaskID+" finished: SUCCESS") {
				t.Errorf("last message %q", last)
			}
		})
	}
}
