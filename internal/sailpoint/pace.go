package sailpoint

import (
	"context"
	"net/http"
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
//
// The rule is the tenant's per client and API version, not per process: a
// plan and the apply right after it, or two workspaces at once, are two
// processes. With a shared ledger (ledger.go) the reservations of every
// process on the machine that talks to the same budget go through one file,
// and each process keeps the rule over all of them. Measured against a
// tenant enforcing 100 per 10 s before the ledger: 120 aggregations in one
// apply met no 429, the apply right after it met 39 to 95 and took 12 to
// 28 s; the second of two back-to-back plans of 150 reads met 50; two plans
// of 120 started together met 200, and one failed after 6 attempts. With
// the ledger (make bench, two plans of 150 reads): no 429 back to back or
// at once, and every run within 1.06x of the floor the shared budget sets;
// with it off, 3 to 5 429s a run. A reservation through the ledger costs
// about 32 µs (BenchmarkLedgerReserve: a lock, a read and a write of a
// small file), against 1.3 ms of CPU per read through Terraform's protocol
// (BenchmarkReadDataSource).
//
// A 429 the tenant still sends (another machine, the UI, a script) holds
// every later start, here and through the ledger, until its Retry-After
// has passed.
type windowLimiter struct {
	n      int
	window time.Duration
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	// maxBlock is the longest Retry-After learned: longer ones end the
	// call instead (giveUpOnLongRetryAfter), and must not hold the others.
	maxBlock time.Duration
	logger   Logger

	mu sync.Mutex
	// local is this process's own record: its starts of the last span and
	// the block of a 429, kept whether or not the budget is shared, so a
	// process that loses the ledger goes on keeping the rule.
	local ledgerState
	// shared is the ledger of the tenant's budget on this machine; nil
	// when the budget is the process's alone, by choice or after it failed.
	shared *ledger
}

func newWindowLimiter(n int, window time.Duration) *windowLimiter {
	return &windowLimiter{n: n, window: window, now: time.Now, sleep: sleepCtx, maxBlock: DefaultRetryWaitMax}
}

// span is how far apart a start must be from the one n places before it: a
// window, plus a margin for the jitter between leaving here and arriving at
// the tenant (250 ms of a 10 s window).
func (l *windowLimiter) span() time.Duration { return l.window + l.window/40 }

// horizon is how far ahead a start is reserved: a request whose earliest
// start lies further waits without a reservation and asks again, so no
// time in a ledger lies more than a span ahead of the clock.
func (l *windowLimiter) horizon() time.Duration { return l.span() }

// trustAhead is how far ahead of the clock a time read from a ledger may
// lie: a reservation (a span) plus the longest Retry-After honoured.
// Anything further was not written by a client on this clock: the ledger
// is corrupt, and replaced.
func (l *windowLimiter) trustAhead() time.Duration { return l.span() + l.maxBlock }

// reserve returns when the next request may start; ok is false when that
// lies beyond the horizon, and nothing was reserved.
func (l *windowLimiter) reserve(ctx context.Context) (at time.Time, ok bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.local.moveBack(now) // the clock was set back: the starts were recorded by the clock before
	l.local.written = now.UnixNano()
	at = l.local.earliest(now, now, l.n, l.span())
	ok = !at.After(now.Add(l.horizon()))
	if l.shared != nil {
		var shared time.Time
		var sharedOK bool
		corrupt, err := l.shared.update(ctx, l.now, l.trustAhead(), func(st *ledgerState, now time.Time) bool {
			shared, sharedOK = st.reserve(now, at, l.n, l.span(), l.horizon())
			return sharedOK
		})
		if err == nil {
			at, ok = shared, sharedOK
		}
		if err := l.ledgerFailed(ctx, corrupt, err); err != nil {
			return time.Time{}, false, err
		}
	}
	if ok {
		l.local.record(at)
	}
	return at, ok, nil
}

// Wait blocks until a request may start, or the context ends.
func (l *windowLimiter) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		at, ok, err := l.reserve(ctx)
		if err != nil {
			return err
		}
		d := at.Sub(l.now())
		if !ok {
			// Further than the horizon: come back when it is that close.
			if err := l.sleep(ctx, d-l.horizon()); err != nil {
				return err
			}
			continue
		}
		if d <= 0 {
			return nil
		}
		if err := l.sleep(ctx, d); err != nil {
			return err
		}
		// A 429 learned while this request slept, here or in another
		// process, holds it too: it reserves a start after the block.
		if blocked, err := l.blockedNow(ctx); !blocked || err != nil {
			return err
		}
	}
}

// blockedNow reports whether a 429's Retry-After still holds every start.
func (l *windowLimiter) blockedNow(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.local.blocked > now.UnixNano() {
		return true, nil
	}
	if l.shared == nil {
		return false, nil
	}
	var blocked bool
	corrupt, err := l.shared.update(ctx, l.now, l.trustAhead(), func(st *ledgerState, now time.Time) bool {
		blocked = st.blocked > now.UnixNano()
		return false
	})
	if err := l.ledgerFailed(ctx, corrupt, err); err != nil {
		return false, err
	}
	return blocked, nil
}

// learn takes a 429's Retry-After as the time the tenant's window is full
// until, for every process sharing the budget. A wait longer than maxBlock
// ends its call at once and holds nothing; one that cannot be read holds
// nothing either (the backoff applies).
func (l *windowLimiter) learn(ctx context.Context, resp *http.Response) {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		return
	}
	d, ok := retryAfter(resp, time.Now())
	if !ok || d <= 0 || d > l.maxBlock {
		return
	}
	// Learned even when the caller has gone: the other calls need it.
	ctx = context.WithoutCancel(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	until := l.now().Add(d).UnixNano()
	l.local.blocked = max(l.local.blocked, until)
	if l.shared != nil {
		corrupt, err := l.shared.update(ctx, l.now, l.trustAhead(), func(st *ledgerState, _ time.Time) bool {
			st.blocked = max(st.blocked, until)
			return true
		})
		_ = l.ledgerFailed(ctx, corrupt, err)
	}
}

// ledgerFailed handles the outcome of a ledger update: a corrupt ledger was
// replaced (one debug line, and it goes on); an unusable one leaves the
// process pacing alone from now on (one debug line; the request is not
// failed); the caller's cancellation is returned.
func (l *windowLimiter) ledgerFailed(ctx context.Context, corrupt, err error) error {
	if corrupt != nil {
		l.debug(ctx, "Replaced a corrupt SailPoint rate-limit ledger", map[string]any{"ledger": l.shared.path, "reason": corrupt.Error()})
	}
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	fields := map[string]any{"error": err.Error()}
	if l.shared.dir != "" {
		fields["ledger_dir"] = l.shared.dir
	}
	l.debug(ctx, "SailPoint rate limit: the ledger shared with other processes cannot be used; pacing this process alone", fields)
	l.shared = nil
	return nil
}

func (l *windowLimiter) debug(ctx context.Context, msg string, fields map[string]any) {
	if l.logger != nil {
		l.logger.Debug(ctx, msg, fields)
	}
}

// Pause waits for d, or until ctx ends (its error then), as every wait of
// the client does.
func Pause(ctx context.Context, d time.Duration) error { return sleepCtx(ctx, d) }

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
