package sailpoint_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func ptr(s string) *string { return &s }

func status(completed, completionStatus string) *sailpoint.TaskStatus {
	ts := &sailpoint.TaskStatus{ID: "t", Progress: ptr("Running"), PercentComplete: (*json.Number)(ptr("40"))}
	if completed != "" {
		ts.Completed = ptr(completed)
	}
	if completionStatus != "" {
		ts.CompletionStatus = ptr(completionStatus)
	}
	return ts
}

// instant is a clock whose pauses end at once; it records them.
type instant struct{ pauses []time.Duration }

func (c *instant) after(d time.Duration) <-chan time.Time {
	c.pauses = append(c.pauses, d)
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

// never is a clock whose pauses never end, so only the context can.
func never(time.Duration) <-chan time.Time { return make(chan time.Time) }

func TestWaiter(t *testing.T) {
	running := status("", "")
	done := status("2026-11-28T10:00:00Z", "SUCCESS")
	for _, tc := range []struct {
		name      string
		sequence  []*sailpoint.TaskStatus
		wantReads int
	}{
		{"finished at once", []*sailpoint.TaskStatus{done}, 1},
		{"done after 3 reads", []*sailpoint.TaskStatus{running, running, done}, 3},
		{"completed before completionStatus", []*sailpoint.TaskStatus{running, status("2026-11-28T10:00:00Z", ""), done}, 3},
		{"completionStatus before completed", []*sailpoint.TaskStatus{status("", "ERROR"), status("2026-11-28T10:00:00Z", "ERROR")}, 2},
		{"lowercase status", []*sailpoint.TaskStatus{running, status("2026-11-28T10:00:00Z", "success")}, 2},
		{"many reads", append(repeat(running, 9), done), 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &instant{}
			reads := 0
			var polled []int
			w := sailpoint.Waiter{OnPoll: func(_ context.Context, poll int, _ *sailpoint.TaskStatus, _ time.Duration) {
				polled = append(polled, poll)
			}}.WithFakeClock(clock.after, func() float64 { return 0.5 })
			ts, err := w.Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) {
				reads++
				return tc.sequence[min(reads, len(tc.sequence))-1], nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if ts != tc.sequence[len(tc.sequence)-1] || reads != tc.wantReads {
				t.Fatalf("%d reads, want %d", reads, tc.wantReads)
			}
			if len(clock.pauses) != reads-1 || len(polled) != reads-1 {
				t.Fatalf("%d pauses and %d progress reports for %d reads", len(clock.pauses), len(polled), reads)
			}
			for i, p := range clock.pauses {
				if want := (sailpoint.Waiter{}).Interval(i); p != want {
					t.Errorf("pause %d = %v, want %v", i, p, want)
				}
			}
		})
	}
}

func repeat(ts *sailpoint.TaskStatus, n int) []*sailpoint.TaskStatus {
	out := make([]*sailpoint.TaskStatus, n)
	for i := range out {
		out[i] = ts
	}
	return out
}

func TestWaiterIntervals(t *testing.T) {
	for _, tc := range []struct {
		w    sailpoint.Waiter
		want []int // seconds
	}{
		{sailpoint.Waiter{}, []int{1, 2, 4, 8, 16, 30, 30, 30}},
		{sailpoint.Waiter{MaxInterval: 5 * time.Second}, []int{1, 2, 4, 5, 5}},
		{sailpoint.Waiter{MinInterval: 2 * time.Second, MaxInterval: 10 * time.Second}, []int{2, 4, 8, 10}},
		{sailpoint.Waiter{MinInterval: 5 * time.Second, MaxInterval: 2 * time.Second}, []int{2, 2}},
	} {
		for n, seconds := range tc.want {
			if got, want := tc.w.Interval(n), time.Duration(seconds)*time.Second; got != want {
				t.Errorf("%+v Interval(%d) = %v, want %v", tc.w, n, got, want)
			}
		}
	}
	// Jitter stays within 20% and never passes the cap.
	for _, r := range []float64{0, 0.25, 0.5, 0.999} {
		clock := &instant{}
		w := sailpoint.Waiter{}.WithFakeClock(clock.after, func() float64 { return r })
		reads := 0
		_, _ = w.Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) {
			reads++
			if reads == 8 {
				return status("x", "SUCCESS"), nil
			}
			return status("", ""), nil
		})
		for i, p := range clock.pauses {
			base := w.Interval(i)
			if p < base*8/10 || p > base*12/10 || p > 30*time.Second {
				t.Errorf("r=%v pause %d = %v, base %v", r, i, p, base)
			}
		}
	}
}

func TestWaiterTimeoutAndCancel(t *testing.T) {
	running := status("", "")
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"timeout", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			_, err := sailpoint.Waiter{}.WithFakeClock(never, nil).Wait(ctx, "t-1", func(context.Context) (*sailpoint.TaskStatus, error) { return running, nil })
			var we *sailpoint.WaitError
			if !errors.As(err, &we) || !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want a WaitError wrapping %v", err, tc.want)
			}
			if we.Last != running || we.Polls != 1 || we.TaskID != "t-1" {
				t.Errorf("WaitError %+v", we)
			}
		})
	}
	// A failed read ends the wait with that error.
	boom := errors.New("boom")
	if _, err := (sailpoint.Waiter{}).WithFakeClock(never, nil).Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}

// Against the fake tenant: a task that finishes on its third read, with a
// 429 on the way, is waited for with ordinary GETs and one token.
func TestWaitForTaskStatusThrough429(t *testing.T) {
	ft := startTenant(t)
	running := json.RawMessage(`{"id":"w1","created":"2026-11-28T10:00:00Z","completed":null,"completionStatus":null,"progress":"Running","percentComplete":50}`)
	done := json.RawMessage(`{"id":"w1","created":"2026-11-28T10:00:00Z","completed":"2026-11-28T10:05:00Z","completionStatus":"SUCCESS","percentComplete":100}`)
	ft.PutTaskSequence("w1", running, running, done)
	ft.Inject(faketenant.Fault{Path: "/task-status/v1/w1", Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Rate Limit Exceeded"}`})
	clock := &instant{}
	ts, err := tenantClient(t, ft, "v1").WaitForTaskStatus(context.Background(), "w1", sailpoint.Waiter{}.WithFakeClock(clock.after, nil))
	if err != nil {
		t.Fatal(err)
	}
	if *ts.CompletionStatus != "SUCCESS" || ft.Reads("w1") != 3 {
		t.Fatalf("status %v after %d reads", *ts.CompletionStatus, ft.Reads("w1"))
	}
	if gets, tokens := ft.Count(faketenant.IsTaskGet), ft.Count(faketenant.IsToken); gets != 4 || tokens != 1 {
		t.Errorf("%d GETs (3 reads + one 429), %d tokens", gets, tokens)
	}
	if _, err := tenantClient(t, ft, "v1").WaitForTaskStatus(context.Background(), "a/b", sailpoint.Waiter{}); err == nil {
		t.Error("a bad id was waited for")
	}
}

func TestStatusIn(t *testing.T) {
	for _, tc := range []struct {
		status   string
		expected []string
		want     bool
	}{
		{"SUCCESS", []string{"SUCCESS", "WARNING"}, true},
		{"Success", []string{"SUCCESS"}, true},
		{"warning", []string{"SUCCESS", "WARNING"}, true},
		{"ERROR", []string{"SUCCESS", "WARNING"}, false},
		{"", []string{"SUCCESS"}, false},
		{"PARTIAL_SUCCESS", []string{"SUCCESS"}, false},
		// LoadAccountsTask spells it TEMP_ERROR, TaskStatus TEMPERROR.
		{"TEMP_ERROR", []string{"TEMPERROR"}, true},
		{"TEMPERROR", []string{"SUCCESS", "TEMP_ERROR"}, true},
		{"temp_error", []string{"TEMPERROR"}, true},
		{"TEMP_ERROR", []string{"ERROR"}, false},
	} {
		if got := sailpoint.StatusIn(tc.status, tc.expected); got != tc.want {
			t.Errorf("StatusIn(%q, %v) = %v", tc.status, tc.expected, got)
		}
	}
	for in, want := range map[string]string{"TEMP_ERROR": "TEMPERROR", "TEMPERROR": "TEMPERROR", "Success": "SUCCESS", "PARTIAL_SUCCESS": "PARTIAL_SUCCESS", "": ""} {
		if got := sailpoint.NormalizeCompletionStatus(in); got != want {
			t.Errorf("NormalizeCompletionStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

// Inside a wait, transient failures are reported and the wait
// goes on (pausing at least as long as the tenant asked); permanent ones
// end it.
func TestWaitOutlastsTransientErrors(t *testing.T) {
	transient := []error{
		&sailpoint.TransportError{Method: "GET", Path: "/p", Attempts: 6, Err: errors.New("connection reset")},
		&sailpoint.DecodeError{Method: "GET", Path: "/p", StatusCode: 200, ContentType: "text/html", Err: errors.New("invalid character '<'")},
		&sailpoint.APIError{Method: "GET", Path: "/p", StatusCode: 503, Attempts: 6},
		&sailpoint.APIError{Method: "GET", Path: "/p", StatusCode: 429, RetryAfterRefused: &sailpoint.RetryAfterRefusal{Asked: time.Hour, Limit: 30 * time.Second}},
		&sailpoint.TokenError{StatusCode: 502},
	}
	reads := 0
	clock := &instant{}
	var reported []error
	w := sailpoint.Waiter{NoJitter: true, OnError: func(_ context.Context, _ int, err error, _ time.Duration) { reported = append(reported, err) }}.WithFakeClock(clock.after, nil)
	ts, err := w.Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) {
		reads++
		if reads <= len(transient) {
			return nil, transient[reads-1]
		}
		return status("2026-11-28T10:00:00Z", "SUCCESS"), nil
	})
	if err != nil || ts == nil {
		t.Fatalf("the wait ended on a transient error: %v", err)
	}
	if len(reported) != len(transient) {
		t.Errorf("%d errors reported, want %d", len(reported), len(transient))
	}
	if clock.pauses[3] != time.Hour {
		t.Errorf("after a Retry-After of an hour the wait paused %v", clock.pauses[3])
	}

	for _, permanent := range []error{
		&sailpoint.APIError{StatusCode: 404},
		&sailpoint.APIError{StatusCode: 403},
		&sailpoint.APIError{StatusCode: 401},
		&sailpoint.TokenError{StatusCode: 401, Code: "invalid_client"},
		&sailpoint.DecodeError{Err: &sailpoint.LimitError{What: "x", Limit: "y"}},
		&sailpoint.DecodeError{Err: sailpoint.ErrWrongTask},
		&sailpoint.BodyTooLargeError{},
	} {
		reads = 0
		_, err := w.Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) {
			reads++
			return nil, permanent
		})
		if !errors.Is(err, permanent) || reads != 1 {
			t.Errorf("%T %v: %d reads, got %v", permanent, permanent, reads, err)
		}
	}

	// A wait that runs out of time says what the last read met.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = sailpoint.Waiter{MinInterval: time.Millisecond, MaxInterval: time.Millisecond}.Wait(ctx, "t", func(context.Context) (*sailpoint.TaskStatus, error) {
		return nil, transient[0]
	})
	var we *sailpoint.WaitError
	if !errors.As(err, &we) || !errors.Is(we.LastErr, transient[0]) || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("got %v", err)
	}
}

// Waiting for a source to be idle polls as a task wait does: a blip is
// told to OnError and the look goes on; when the context ends, the error
// says what was still running.
func TestWaitForIdleSource(t *testing.T) {
	ft := startTenant(t)
	running := func(id string) json.RawMessage {
		return json.RawMessage(`{"id":"` + id + `","created":"2026-11-28T10:00:00Z","completionStatus":null,` +
			`"target":{"id":"` + faketenant.ActiveDirectorySourceID + `","type":"APPLICATION","name":"Active Directory [source]"}}`)
	}
	done := json.RawMessage(`{"id":"earlier","created":"2026-11-28T10:00:00Z","completed":"2026-11-28T10:05:00Z","completionStatus":"SUCCESS",` +
		`"target":{"id":"` + faketenant.ActiveDirectorySourceID + `","type":"APPLICATION","name":"Active Directory [source]"}}`)
	ft.PutRunningTaskSequence("earlier", running("earlier"), done)
	ft.Inject(faketenant.Fault{Path: "/task-status/v1", Status: 502, Body: `{"message":"bad gateway"}`})
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, NoRetries: true})

	clock := &instant{}
	var blips, busy int
	w := sailpoint.Waiter{OnError: func(context.Context, int, error, time.Duration) { blips++ }}.WithFakeClock(clock.after, nil)
	err := c.WaitForIdleSource(context.Background(), faketenant.ActiveDirectorySourceID, w, func(_ context.Context, r []sailpoint.TaskStatus) {
		busy++
		if len(r) != 1 || r[0].ID != "earlier" {
			t.Errorf("running %+v", r)
		}
	}, nil)
	if err != nil || blips != 1 || busy != 1 {
		t.Fatalf("err %v, %d blips, %d busy looks; want nil, 1, 1", err, blips, busy)
	}

	ft.PutRunningTaskSequence("stuck", running("stuck"))
	ctx, cancel := context.WithCancel(context.Background())
	err = c.WaitForIdleSource(ctx, faketenant.ActiveDirectorySourceID, sailpoint.Waiter{}.WithFakeClock(never, nil),
		func(context.Context, []sailpoint.TaskStatus) { cancel() }, nil)
	var idleErr *sailpoint.IdleWaitError
	if !errors.As(err, &idleErr) || !errors.Is(err, context.Canceled) || len(idleErr.Running) != 1 || idleErr.Running[0].ID != "stuck" {
		t.Fatalf("got %v", err)
	}
}

// A caller that clears stuck tasks sees each busy look first; the tasks it
// leaves are waited for, and its error ends the wait at once, even one that
// would be transient on its own.
func TestWaitForIdleSourceStaleTasks(t *testing.T) {
	ft := startTenant(t)
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck", SourceID: faketenant.ActiveDirectorySourceID, Created: time.Now().Add(-48 * time.Hour)})
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, NoRetries: true})
	w := sailpoint.Waiter{}.WithFakeClock((&instant{}).after, nil)
	looks := 0
	err := c.WaitForIdleSource(context.Background(), faketenant.ActiveDirectorySourceID, w, nil, func(ctx context.Context, running []sailpoint.TaskStatus) ([]sailpoint.TaskStatus, error) {
		looks++
		_, err := c.ClearTask(ctx, running[0].ID, "ERROR", time.Now())
		return nil, err
	})
	if err != nil || looks != 1 || len(ft.Patches()) != 1 {
		t.Fatalf("err %v after %d looks and %d PATCHes; want nil, 1, 1", err, looks, len(ft.Patches()))
	}
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck-again", SourceID: faketenant.ActiveDirectorySourceID, Created: time.Now().Add(-48 * time.Hour)})
	failed := &sailpoint.APIError{Method: "PATCH", StatusCode: 503}
	err = c.WaitForIdleSource(context.Background(), faketenant.ActiveDirectorySourceID, w, nil, func(context.Context, []sailpoint.TaskStatus) ([]sailpoint.TaskStatus, error) {
		return nil, &sailpoint.StaleTaskError{TaskID: "stuck-again", Err: failed}
	})
	var stale *sailpoint.StaleTaskError
	if !errors.As(err, &stale) || sailpoint.IsTransient(err) {
		t.Fatalf("got %v, want the StaleTaskError at once", err)
	}
}
