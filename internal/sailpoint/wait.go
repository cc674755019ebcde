package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Waiter polls a task until it has finished. The zero value polls from
// DefaultPollMin, doubling to DefaultPollMax, with 20% jitter. A wait for a
// task (Wait) times its pauses from what it learns of the task: how fast
// percentComplete rises and, with History, how long earlier runs of the
// same kind took (see schedule.go); knowing neither, it backs off as the
// zero value says.
type Waiter struct {
	// MinInterval is the shortest pause between reads, and the first one
	// when nothing is known of the task; 0 means DefaultPollMin. Equal to
	// MaxInterval, every pause is exactly that, and no history is read.
	MinInterval time.Duration
	MaxInterval time.Duration // the longest pause; 0 means DefaultPollMax
	// Jitter spreads each pause by up to this fraction either way, so many
	// waits started together do not poll in lockstep. 0 means DefaultJitter.
	Jitter float64
	// NoJitter makes every pause exactly the backed-off interval.
	NoJitter bool
	// OnPoll is told of every read that found the task still running, and
	// how long the waiter pauses before the next.
	OnPoll func(ctx context.Context, poll int, ts *TaskStatus, next time.Duration)
	// OnError is told of every read that failed transiently (IsTransient),
	// and how long the waiter pauses before reading again.
	OnError func(ctx context.Context, poll int, err error, next time.Duration)
	// History, when set, tells Wait how long earlier runs of the same kind
	// as the task took, the latest first (Client.RunHistory). Wait asks at
	// most once, when a second read finds the task running (a task that
	// ends within the first pause costs nothing more), and goes on without
	// it if it fails.
	History func(ctx context.Context, ts *TaskStatus) ([]time.Duration, error)
	// OnHistory is told what History answered: the runs, or its error.
	OnHistory func(ctx context.Context, runs []time.Duration, err error)

	// after, now and rand stand in for the clock and randomness in tests;
	// nil means time.After, time.Now and math/rand/v2.
	after func(time.Duration) <-chan time.Time
	now   func() time.Time
	rand  func() float64
}

// Defaults for a zero Waiter.
const (
	DefaultPollMin = time.Second
	DefaultPollMax = 30 * time.Second
	DefaultJitter  = 0.2
)

// WaitError ends a wait that ran out of time or was cancelled before the
// task finished. Last is the last status read (nil if none was).
type WaitError struct {
	TaskID string
	Last   *TaskStatus
	Polls  int
	Waited time.Duration
	Err    error // context.DeadlineExceeded or context.Canceled
	// LastErr is the transient error of the last read, when it failed.
	LastErr error
}

func (e *WaitError) Error() string {
	verb := "was cancelled"
	if errors.Is(e.Err, context.DeadlineExceeded) {
		verb = "timed out"
	}
	msg := fmt.Sprintf("waiting for task %q %s after %s and %d reads", e.TaskID, verb, e.Waited.Round(time.Second), e.Polls)
	if e.LastErr != nil {
		msg += fmt.Sprintf("; the last read failed: %v", e.LastErr)
	}
	return msg
}

func (e *WaitError) Unwrap() error { return e.Err }

// interval is the pause after the n-th read (n from 0) before jitter.
func (w Waiter) interval(n int) time.Duration {
	minI, maxI := w.bounds()
	return doubling(minI, maxI, n)
}

func (w Waiter) bounds() (time.Duration, time.Duration) {
	minI, maxI := w.MinInterval, w.MaxInterval
	if minI <= 0 {
		minI = DefaultPollMin
	}
	if maxI <= 0 {
		maxI = DefaultPollMax
	}
	return min(minI, maxI), maxI
}

// pause is interval(n) with jitter.
func (w Waiter) pause(n int) time.Duration { return w.jittered(w.interval(n)) }

// jittered spreads d by the jitter, within the bounds: never past the cap,
// never under the minimum.
func (w Waiter) jittered(d time.Duration) time.Duration {
	if w.NoJitter {
		return d
	}
	jitter := w.Jitter
	if jitter == 0 {
		jitter = DefaultJitter
	}
	r := rand.Float64
	if w.rand != nil {
		r = w.rand
	}
	minI, maxI := w.bounds()
	return min(max(time.Duration(float64(d)*(1+jitter*(2*r()-1))), minI), maxI)
}

// fixed: every pause is the same, so nothing the waiter learns matters.
func (w Waiter) fixed() bool {
	minI, maxI := w.bounds()
	return minI == maxI
}

func (w Waiter) clock() time.Time {
	if w.now != nil {
		return w.now()
	}
	return time.Now()
}

// Wait reads the task with get until it has finished (completed and
// completionStatus both set), then returns it. A transient error
// (IsTransient) is told to OnError and the wait goes on, pausing at least
// as long as the tenant asked; a permanent one ends the wait and is
// returned as is. When the context ends, the result is a *WaitError
// holding the last status read and the last error.
func (w Waiter) Wait(ctx context.Context, taskID string, get func(context.Context) (*TaskStatus, error)) (*TaskStatus, error) {
	start := w.clock()
	r := poll(ctx, w, get, (*TaskStatus).IsFinished, w.OnPoll, w.scheduled())
	if r.stopped != nil {
		return nil, &WaitError{TaskID: taskID, Last: r.last, Polls: r.polls, Waited: w.clock().Sub(start), Err: r.stopped, LastErr: r.lastErr}
	}
	return r.value, r.err
}

// scheduled paces a wait for a task by its schedule: each read that found
// the task running tells it what it shows (the second one first asks for
// the history, once), a failed read tells it nothing new.
func (w Waiter) scheduled() func(ctx context.Context, n int, ts *TaskStatus, ok bool) time.Duration {
	minI, maxI := w.bounds()
	s := newSchedule(minI, maxI)
	running, asked := 0, w.History == nil || w.fixed()
	return func(ctx context.Context, _ int, ts *TaskStatus, ok bool) time.Duration {
		if ok {
			if running++; running >= 2 && !asked && ts.KindName() != "" {
				asked = true
				runs, err := w.History(ctx, ts)
				if w.OnHistory != nil {
					w.OnHistory(ctx, runs, err)
				}
				if err == nil {
					s.setHistory(runs)
				}
			}
			s.observe(w.clock(), ts)
		}
		return w.jittered(s.next(w.clock()))
	}
}

// polled is how a poll ended: value when done, err when a read failed for
// good, stopped when the context ended (then last is the last value read,
// and lastErr the last read's transient error, if it failed).
type polled[T any] struct {
	value, last T
	polls       int
	lastErr     error
	err         error
	stopped     error
}

// poll is the loop behind every wait: read until done says so, pausing as
// pace says between reads (nil: the waiter's backoff); pace hears each
// read that was not done (ok) or failed transiently; pending hears each
// read that was not done, OnError each that failed transiently.
func poll[T any](ctx context.Context, w Waiter, read func(context.Context) (T, error), done func(T) bool,
	pending func(ctx context.Context, poll int, v T, next time.Duration),
	pace func(ctx context.Context, n int, v T, ok bool) time.Duration) polled[T] {
	after := time.After
	if w.after != nil {
		after = w.after
	}
	if pace == nil {
		pace = func(_ context.Context, n int, _ T, _ bool) time.Duration { return w.pause(n) }
	}
	var r polled[T]
	for n := 0; ; n++ {
		v, err := read(ctx)
		if ctxErr := ctx.Err(); ctxErr != nil {
			r.polls, r.stopped = n, ctxErr
			// A read stopped between its retries still says what the
			// tenant last answered.
			var te *TransportError
			if errors.As(err, &te) && te.Last != nil {
				r.lastErr = te.Last
			}
			return r
		}
		var next time.Duration
		if err != nil {
			if !IsTransient(err) {
				r.err = err
				return r
			}
			r.lastErr = err
			next = max(pace(ctx, n, v, false), askedWait(err))
			if w.OnError != nil {
				w.OnError(ctx, n+1, err, next)
			}
		} else {
			r.last, r.lastErr = v, nil
			if done(v) {
				r.value = v
				return r
			}
			next = pace(ctx, n, v, true)
			if pending != nil {
				pending(ctx, n+1, v, next)
			}
		}
		select {
		case <-ctx.Done():
			r.polls, r.stopped = n+1, ctx.Err()
			return r
		case <-after(next):
		}
	}
}

// WaitForTaskStatus reads a task until it has finished, as Waiter.Wait
// says. Each read is an ordinary GetTaskStatus: same retries, token and
// pacing.
func (c *Client) WaitForTaskStatus(ctx context.Context, id string, w Waiter) (*TaskStatus, error) {
	if err := ValidateTaskID(id); err != nil {
		return nil, err
	}
	return w.Wait(ctx, id, func(ctx context.Context) (*TaskStatus, error) { return c.GetTaskStatus(ctx, id) })
}
