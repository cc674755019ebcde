package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Waiter polls a task until it has finished. The zero value polls from
// DefaultPollMin, doubling to DefaultPollMax, with 20% jitter.
type Waiter struct {
	MinInterval time.Duration // first pause between reads; 0 means DefaultPollMin
	MaxInterval time.Duration // the pauses grow to this cap; 0 means DefaultPollMax
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

	// after and rand stand in for the clock and randomness in tests; nil
	// means time.After and math/rand/v2.
	after func(time.Duration) <-chan time.Time
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
	d := minI
	for range n {
		if d >= maxI/2 {
			return maxI
		}
		d *= 2
	}
	return min(d, maxI)
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

// pause is interval(n) with jitter, never past the cap.
func (w Waiter) pause(n int) time.Duration {
	d := w.interval(n)
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
	_, maxI := w.bounds()
	return min(time.Duration(float64(d)*(1+jitter*(2*r()-1))), maxI)
}

// Wait reads the task with get until it has finished (completed and
// completionStatus both set), then returns it. A transient error
// (IsTransient) is told to OnError and the wait goes on, pausing at least
// as long as the tenant asked; a permanent one ends the wait and is
// returned as is. When the context ends, the result is a *WaitError
// holding the last status read and the last error.
func (w Waiter) Wait(ctx context.Context, taskID string, get func(context.Context) (*TaskStatus, error)) (*TaskStatus, error) {
	start := time.Now()
	r := poll(ctx, w, get, (*TaskStatus).IsFinished, w.OnPoll)
	if r.stopped != nil {
		return nil, &WaitError{TaskID: taskID, Last: r.last, Polls: r.polls, Waited: time.Since(start), Err: r.stopped, LastErr: r.lastErr}
	}
	return r.value, r.err
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
// the waiter says between reads; pending hears each read that was not
// done, OnError each that failed transiently.
func poll[T any](ctx context.Context, w Waiter, read func(context.Context) (T, error), done func(T) bool,
	pending func(ctx context.Context, poll int, v T, next time.Duration)) polled[T] {
	after := time.After
	if w.after != nil {
		after = w.after
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
		next := w.pause(n)
		if err != nil {
			if !IsTransient(err) {
				r.err = err
				return r
			}
			r.lastErr = err
			next = max(next, askedWait(err))
			if w.OnError != nil {
				w.OnError(ctx, n+1, err, next)
			}
		} else {
			r.last, r.lastErr = v, nil
			if done(v) {
				r.value = v
				return r
			}
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
