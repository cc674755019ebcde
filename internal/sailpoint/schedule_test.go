package sailpoint_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// fakeTime is a clock on which a pause passes at once: after moves now on
// by the pause. The fake tenant may read it too (RunClock).
type fakeTime struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeTime) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeTime) after(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// script is a task that ends at an age, as the waiter sees it.
type script struct {
	end    time.Duration // the task's age when it finishes
	before time.Duration // how long it had run when the wait began
	// percent is percentComplete at an age; nil shows 0 until the end.
	percent func(age time.Duration) int
	// history are the earlier runs History reports; nil leaves History
	// unset; historyErr makes it fail.
	history    []time.Duration
	historyErr error
}

// waited is what a wait on a fake clock did.
type waited struct {
	reads []time.Duration // the task's age at each read
	lag   time.Duration   // the read that saw the end, less the end
	asked int             // history asks
	// askedAt is how many reads had been made when the history was asked.
	askedAt int
	told    []error // what OnHistory heard
}

// linear rises from 0 to 100 over the task's life.
func linear(end time.Duration) func(time.Duration) int {
	return func(age time.Duration) int { return int(math.Floor(100 * age.Seconds() / end.Seconds())) }
}

func (s script) wait(t *testing.T, w sailpoint.Waiter) waited {
	t.Helper()
	clock := &fakeTime{now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	began := clock.Now()
	launched := began.Add(-s.before)
	name, kind := "Cloud Account Aggregation", "APPLICATION"
	source := "c6dc37bf508149b28ce5b7d90ca4bbf9"
	var out waited
	if s.history != nil || s.historyErr != nil {
		w.History = func(_ context.Context, ts *sailpoint.TaskStatus) ([]time.Duration, error) {
			out.asked++
			out.askedAt = len(out.reads)
			if *ts.UniqueName != name {
				t.Errorf("history asked for %q", *ts.UniqueName)
			}
			return s.history, s.historyErr
		}
		w.OnHistory = func(_ context.Context, _ []time.Duration, err error) { out.told = append(out.told, err) }
	}
	w.NoJitter = true
	w = w.WithFakeTime(clock.Now, clock.after)
	text := func(at time.Time) *string { v := at.Format(time.RFC3339Nano); return &v }
	ts, err := w.Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) {
		now := clock.Now()
		age := now.Sub(launched)
		out.reads = append(out.reads, age)
		ts := &sailpoint.TaskStatus{ID: "t", UniqueName: &name, Target: &sailpoint.Target{ID: &source, Type: &kind},
			Created: text(launched), Launched: text(launched), Modified: text(now)}
		p := 0
		if s.percent != nil {
			p = s.percent(age)
		}
		if age >= s.end {
			ts.Completed, ts.CompletionStatus, p = text(launched.Add(s.end)), ptr("SUCCESS"), 100
			out.lag = age - s.end
		}
		n := json.Number(strconv.Itoa(p))
		ts.PercentComplete = &n
		return ts, nil
	})
	if err != nil || !ts.IsFinished() {
		t.Fatalf("the wait ended with %v", err)
	}
	return out
}

func seconds(ds []time.Duration) string {
	s := ""
	for i, d := range ds {
		if i > 0 {
			s += " "
		}
		s += strconv.FormatFloat(math.Round(d.Seconds()*10)/10, 'f', -1, 64)
	}
	return s
}

// The schedule, read by read: each case lists the task's age at every
// read (seconds, to 0.1, no jitter), so a change of the rule shows here
// first, and bounds what the wait cost: reads, and how late it saw the end.
func TestSchedule(t *testing.T) {
	s := time.Second
	runs := func(secs ...float64) []time.Duration {
		out := make([]time.Duration, len(secs))
		for i, v := range secs {
			out[i] = time.Duration(v * float64(s))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		w      sailpoint.Waiter
		script script
		reads  string        // the task's ages at the reads
		lag    time.Duration // the most the end may be seen late
	}{
		// Knowing nothing: the backoff of Waiter.Interval, as before.
		{name: "neither", script: script{end: 100 * s},
			reads: "0 1 3 7 15 31 61 91 121", lag: 30 * s},
		{name: "neither: no earlier runs", script: script{end: 100 * s, history: []time.Duration{}},
			reads: "0 1 3 7 15 31 61 91 121", lag: 30 * s},
		// The window 100-116 s: sparse up to it, a read every 2.3 s in it.
		{name: "history", script: script{end: 110 * s, history: runs(104, 100, 112, 108, 116)},
			reads: "0 1 31 61 91 99.5 102.3 104.6 106.9 109.1 111.4", lag: 2500 * time.Millisecond},
		// One odd run (more than twice the median) does not widen it.
		{name: "history with an odd run", script: script{end: 110 * s, history: runs(104, 100, 400, 108, 116)},
			reads: "0 1 31 61 91 99.5 102.3 104.6 106.9 109.1 111.4", lag: 2500 * time.Millisecond},
		// 1% a second: the end is predicted at each rise.
		{name: "progress", script: script{end: 100 * s, percent: linear(100 * s)},
			reads: "0 1 31 61 91 98.5 101.5", lag: 2500 * time.Millisecond},
		// Progress is about this run: it comes first.
		{name: "both, agreeing", script: script{end: 100 * s, percent: linear(100 * s), history: runs(98, 100, 102)},
			reads: "0 1 31 61 91 98.5 101.5", lag: 2500 * time.Millisecond},
		{name: "both, progress slower than the history", script: script{end: 200 * s, percent: linear(200 * s), history: runs(98, 100, 102)},
			reads: "0 1 31 61 91 121 151 181 196.1 200.1", lag: 2500 * time.Millisecond},
		// Past its window the pauses double from 2.5 s to the cap.
		{name: "far longer than its history", script: script{end: 300 * s, history: runs(28, 30, 32)},
			reads: "0 1 22.8 28.2 30 32 34 36.5 41.5 51.5 71.5 101.5 131.5 161.5 191.5 221.5 251.5 281.5 311.5", lag: 30 * s},
		// Ended long before its window: seen within the cap.
		{name: "far earlier than its history", script: script{end: 20 * s, history: runs(290, 300, 310)},
			reads: "0 1 31", lag: 30 * s},
		// Stuck at 50% from 50 s: the window its rise made passes, and the
		// pauses back off.
		{name: "progress stalls", script: script{end: 300 * s, percent: func(age time.Duration) int { return min(int(age/s), 50) }},
			reads: "0 1 31 61 91 115.2 121.2 123.2 125.7 128.2 133.2 143.2 163.2 193.2 223.2 253.2 283.2 313.2", lag: 30 * s},
		// A second phase counts from 0 again, at its own rate: what rose
		// before is forgotten.
		{name: "progress goes back", script: script{end: 150 * s, percent: func(age time.Duration) int {
			if age < 60*s {
				return int(age / s)
			}
			return int((age - 60*s) / (9 * s / 10))
		}}, reads: "0 1 31 61 69 99 129 146 150.1", lag: 2500 * time.Millisecond},
		// The task's own timestamps (modified less launched) say how long it
		// had run before the wait began.
		{name: "a task that had run before the wait", script: script{end: 100 * s, before: 90 * s, history: runs(98, 100, 102)},
			reads: "90 91 97.8 100", lag: 2500 * time.Millisecond},
		{name: "the cap", w: sailpoint.Waiter{MaxInterval: 10 * s}, script: script{end: 110 * s, history: runs(104, 100, 112, 108, 116)},
			reads: "0 1 11 21 31 41 51 61 71 81 91 99.5 102.3 104.6 106.9 109.1 111.4", lag: 2500 * time.Millisecond},
		{name: "a minimum", w: sailpoint.Waiter{MinInterval: 4 * s}, script: script{end: 110 * s, history: runs(104, 100, 112, 108, 116)},
			reads: "0 4 34 64 94 101.5 105.5 109.5 113.5", lag: 4 * s},
		// The minimum at the cap: a fixed interval, and no history read.
		{name: "a fixed interval", w: sailpoint.Waiter{MinInterval: 5 * s, MaxInterval: 5 * s}, script: script{end: 12 * s, percent: linear(12 * s), history: runs(12)},
			reads: "0 5 10 15", lag: 5 * s},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.script.wait(t, tc.w)
			if r := seconds(got.reads); r != tc.reads {
				t.Errorf("reads at\n%s, want\n%s", r, tc.reads)
			}
			if got.lag > tc.lag {
				t.Errorf("the end was seen %v late, want at most %v", got.lag, tc.lag)
			}
			minI, maxI := tc.w.MinInterval, tc.w.MaxInterval
			if minI == 0 {
				minI = sailpoint.DefaultPollMin
			}
			if maxI == 0 {
				maxI = sailpoint.DefaultPollMax
			}
			for i := 1; i < len(got.reads); i++ {
				if p := got.reads[i] - got.reads[i-1]; p < minI || p > maxI {
					t.Errorf("pause %d is %v, outside %v to %v", i, p, minI, maxI)
				}
			}
			// The history is asked once, when the second read finds the task
			// running; never with a fixed interval.
			want, wantAt := 0, 0
			if tc.script.history != nil && minI != maxI {
				want, wantAt = 1, 2
			}
			if got.asked != want || got.askedAt != wantAt {
				t.Errorf("history asked %d times, at read %d; want %d, at read %d", got.asked, got.askedAt, want, wantAt)
			}
		})
	}
}

// A history that cannot be read is told to OnHistory, and the wait goes
// on as if there were none; a task that ends by its second read costs no
// history at all.
func TestScheduleWithoutHistory(t *testing.T) {
	refused := &sailpoint.APIError{Method: "GET", Path: "/task-status/v1", StatusCode: 403}
	got := script{end: 100 * time.Second, historyErr: refused}.wait(t, sailpoint.Waiter{})
	if r := seconds(got.reads); r != "0 1 3 7 15 31 61 91 121" || got.asked != 1 || len(got.told) != 1 || !errors.Is(got.told[0], refused) {
		t.Errorf("reads at %s, %d asks, OnHistory heard %v", r, got.asked, got.told)
	}
	got = script{end: time.Second, history: []time.Duration{time.Second}}.wait(t, sailpoint.Waiter{})
	if len(got.reads) != 2 || got.asked != 0 {
		t.Errorf("%d reads, %d history asks; want 2 and none", len(got.reads), got.asked)
	}
}

// Jitter spreads every pause of the schedule, within the bounds.
func TestScheduleJitter(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		clock := &fakeTime{now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
		var pauses []time.Duration
		w := sailpoint.Waiter{MinInterval: 2 * time.Second, MaxInterval: 20 * time.Second,
			History: func(context.Context, *sailpoint.TaskStatus) ([]time.Duration, error) {
				return []time.Duration{60 * time.Second}, nil
			},
			OnPoll: func(_ context.Context, _ int, _ *sailpoint.TaskStatus, next time.Duration) {
				pauses = append(pauses, next)
			},
		}.WithFakeTime(clock.Now, clock.after).WithFakeClock(clock.after, func() float64 { return r })
		began, name := clock.Now(), "x"
		_, err := w.Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) {
			ts := &sailpoint.TaskStatus{ID: "t", UniqueName: &name}
			if clock.Now().Sub(began) > 90*time.Second {
				ts.Completed, ts.CompletionStatus = ptr("x"), ptr("SUCCESS")
			}
			return ts, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range pauses {
			if p < 2*time.Second || p > 20*time.Second {
				t.Errorf("r=%v: pause %d is %v", r, i, p)
			}
		}
	}
}
