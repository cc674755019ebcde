package provider

import (
	"context"
	"strings"
	"testing"
	"time"

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
