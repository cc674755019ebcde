package sailpoint

import (
	"context"
	"sync"
	"time"
)

// windowLimiter lets at most n requests start within any span of one
// window: exactly the tenant's rule of 100 requests per 10 s, whether the
// tenant counts in fixed or sliding windows.
//
// golang.org/x/time/rate was the first choice, but a token bucket bounds a
// window only as burst + rate x window, so staying under 100 forces a small
// burst (5 at once, then 9.5/s) and makes every plan of more than a few
// reads wait: 100 reads took 10 s against a tenant that would have answered
// them at once. This limiter sends the first n at once and paces only what
// would break the rule; 1,000 reads take the 90 s the rule itself sets.
//
// Each caller reserves the earliest start that keeps the rule, in arrival
// order, and sleeps until then. A cancelled caller's slot is not reused:
// the limiter errs on the side of sending less.
type windowLimiter struct {
	n      int
	window time.Duration
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	slots []time.Time // the last n reserved starts, oldest at next
	next  int
}

func newWindowLimiter(n int, window time.Duration) *windowLimiter {
	return &windowLimiter{n: n, window: window, now: time.Now, sleep: sleepCtx, slots: make([]time.Time, 0, n)}
}

// reserve returns when the next request may start.
func (l *windowLimiter) reserve() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := l.now()
	if len(l.slots) < l.n {
		l.slots = append(l.slots, at)
		return at
	}
	// The request n places back must have started a full window earlier,
	// plus a margin for the jitter between leaving here and arriving at the
	// tenant (250 ms of a 10 s window).
	if earliest := l.slots[l.next].Add(l.window + l.window/40); earliest.After(at) {
		at = earliest
	}
	l.slots[l.next] = at
	l.next = (l.next + 1) % l.n
	return at
}

// Wait blocks until a request may start, or the context ends.
func (l *windowLimiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	at := l.reserve()
	if d := at.Sub(l.now()); d > 0 {
		return l.sleep(ctx, d)
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
