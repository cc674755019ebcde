package sailpoint

import (
	"context"
	"errors"
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
// Each caller takes the earliest start that keeps the rule when it is due,
// and otherwise sleeps until it is and asks again: nothing is reserved
// ahead, so a caller that gives up holds no start, and a rate changed
// meanwhile applies to every caller still waiting.
//
// The rule is the tenant's per client and API version, not per process: a
// plan and the apply right after it, or two workspaces at once, are two
// processes. With a shared ledger (ledger.go) the starts of every process
// on the machine that talks to the same budget go through one file, and
// each process keeps the rule over all of them. Measured against a tenant
// enforcing 100 per 10 s before the ledger: 120 aggregations in one apply
// met no 429, the apply right after it met 39 to 95 and took 12 to 28 s;
// the second of two back-to-back plans of 150 reads met 50; two plans of
// 120 started together met 200, and one failed after 6 attempts. With the
// ledger (make bench, two plans of 150 reads): no 429 back to back or at
// once, and every run within 1.06x of the floor the shared budget sets;
// with it off, 3 to 5 429s a run. A start taken through the ledger costs
// 12 to 25 µs on a busy 2-core machine (BenchmarkLedgerReserve: a lock, a
// read and a write of a small file), against 1.3 ms of CPU per read
// through Terraform's protocol (BenchmarkReadDataSource).
//
// A 429 the tenant still sends (another machine, the UI, a script) holds
// every later start, here and through the ledger, until its Retry-After
// has passed (longer when the last one proved too short), and lowers the
// rate this budget takes, to climb back by probes (pace_rules.go): the
// ledger cannot see other machines, and only the tenant's 429s tell of
// them. Measured with make bench, four processes with separate ledgers
// (four machines), 100 reads each through one client, against a tenant
// enforcing 100 per 10 s (floor 30 s): before, with a Retry-After that
// says when the window admits again, 27 to 42 429s and 1.04x to 1.10x the
// floor; with one that always says 1 s, 3 or 4 of the 4 runs failed after
// 6 attempts (475 and 632 429s). Now, in four runs of each, every run
// passes: truthful, 15 to 26 429s (3.6% to 6.1% of the GETs), the slowest
// run 1.06x to 1.09x the floor; always 1 s, 20 to 26 429s (4.8% to 6.1%),
// 1.07x to 1.12x. Most 429s are the first round's, the requests in flight
// when the window filled: eight processes (floor 70 s) all pass within
// 1.06x, but with 11% to 12% of their GETs answered 429. One process alone is as fast as before (100
// reads: 0.3 to 0.9 s less the CLI's cost, on a machine loaded as before;
// 1,000 reads 1.038x the 90 s floor, as 1.039x before), and two runs on
// one machine sharing the ledger still meet no 429 (1.06x to 1.09x).
type windowLimiter struct {
	n      int
	window time.Duration
	now    func() time.Time
	// sleep waits for d, or until wake is closed (the rate rose), or the
	// context ends (its error).
	sleep func(ctx context.Context, d time.Duration, wake <-chan struct{}) error
	// maxBlock is the longest Retry-After learned: longer ones end the
	// call instead (retryPolicy), and must not hold the others.
	maxBlock time.Duration
	logger   Logger

	mu sync.Mutex
	// local is this process's own record: its starts of the last spans,
	// and what the 429s taught (the block, the rate), kept whether or not
	// the budget is shared, so a process that loses the ledger goes on
	// keeping the rule.
	local ledgerState
	// shared is the ledger of the tenant's budget on this machine; nil
	// when the budget is the process's alone, by choice or after it failed.
	shared *ledger
	// wake is closed, and replaced, when the rate rises: the requests
	// waiting for a later start may go sooner.
	wake chan struct{}
}

func newWindowLimiter(n int, window time.Duration) *windowLimiter {
	return &windowLimiter{n: n, window: window, now: time.Now, sleep: napCtx, maxBlock: DefaultRetryWaitMax, wake: make(chan struct{})}
}

// span is how far apart a start must be from the one n places before it: a
// window, plus a margin for the jitter between leaving here and arriving at
// the tenant (250 ms of a 10 s window).
func (l *windowLimiter) span() time.Duration { return l.window + l.window/40 }

// trustAhead is how far ahead of the clock a time read from a ledger may
// lie: a span plus the longest Retry-After honoured. A start is recorded
// when it is due, and a block lasts at most that Retry-After (or a window,
// when Retry-Afters prove too short): anything further was not written by
// a client on this clock, and the ledger is corrupt, and replaced.
func (l *windowLimiter) trustAhead() time.Duration { return l.span() + l.maxBlock }

// pace is what the limiter applies the rules with.
func (l *windowLimiter) pace() pace { return pace{n: l.n, span: l.span(), window: l.window} }

// slot is a start the limiter gave a request: when, and whether it is a
// probe beyond the rate (pace_rules.go).
type slot struct {
	at    time.Time
	probe bool
}

// reserve takes the next start if it is due now (ok), or tells when it
// will be. Nothing is reserved ahead: a request that must wait sleeps and
// asks again, so a rate lowered or raised meanwhile applies to it, and a
// request given up holds no start.
func (l *windowLimiter) reserve(ctx context.Context) (s slot, ok bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.pace()
	now := l.now()
	l.local.moveBack(now) // the clock was set back: the starts were recorded by the clock before
	l.local.written = now.UnixNano()
	if l.shared != nil {
		corrupt, err := l.shared.update(ctx, l.now, l.trustAhead(), func(st *ledgerState, now time.Time) bool {
			s, ok = st.reserve(now, p)
			l.local.adopt(st)
			return ok
		})
		if err := l.ledgerFailed(ctx, corrupt, err); err != nil {
			return slot{}, false, err
		}
		if err == nil {
			if ok {
				l.local.record(s.at)
			}
			return s, ok, nil
		}
	}
	// Alone, or the ledger just failed: this process's own record decides.
	s, ok = l.local.reserve(now, p)
	return s, ok, nil
}

// Wait blocks until a request may start, and returns its start, or the
// context's error when it ends. When the context's deadline comes before
// the start could, it returns at once a *BudgetWaitError: the provider's
// own budget, not the tenant, kept the request.
func (l *windowLimiter) Wait(ctx context.Context) (slot, error) {
	began := l.now()
	for {
		if err := ctx.Err(); err != nil {
			return slot{}, l.budgetError(began, 0, err)
		}
		l.mu.Lock()
		wake := l.wake
		l.mu.Unlock()
		s, ok, err := l.reserve(ctx)
		if err != nil || ok {
			return s, err
		}
		d := s.at.Sub(l.now())
		if deadline, bounded := ctx.Deadline(); bounded && d > time.Until(deadline) {
			return slot{}, l.budgetError(began, d, nil)
		}
		// A 429 learned meanwhile, here or in another process, holds this
		// request too when it asks again; a rate raised here wakes it.
		if err := l.sleep(ctx, d, wake); err != nil {
			return slot{}, l.budgetError(began, 0, err)
		}
	}
}

// learn takes the answer to a request that started at s. A 429 holds
// every start until its Retry-After has passed (longer when the last one
// proved too short), and lowers the rate, for every process sharing the
// budget; a probe that comes through raises it. A Retry-After longer than
// maxBlock ends its call at once and teaches nothing.
func (l *windowLimiter) learn(ctx context.Context, s slot, resp *http.Response) {
	if resp == nil {
		return
	}
	var fn func(st *ledgerState, now time.Time) bool
	p := l.pace()
	before, after := 0, 0
	if resp.StatusCode == http.StatusTooManyRequests {
		d, ok := retryAfter(resp, time.Now())
		if ok && d > l.maxBlock {
			return
		}
		fn = func(st *ledgerState, now time.Time) bool {
			before = st.allowed(l.n)
			st.throttled(s, now, d, ok, p)
			after = st.allowed(l.n)
			return true
		}
	} else {
		// Nothing learned, as far as this process saw at the request's
		// start: an answer that came through teaches nothing, and costs no
		// ledger update.
		l.mu.Lock()
		nothing := l.local.blocked == 0 && l.local.rate == 0 && !s.probe
		l.mu.Unlock()
		if nothing {
			return
		}
		fn = func(st *ledgerState, _ time.Time) bool {
			before = st.allowed(l.n)
			changed := st.admitted(s, p)
			after = st.allowed(l.n)
			return changed
		}
	}
	// Learned even when the caller has gone: the other calls need it.
	ctx = context.WithoutCancel(ctx)
	defer func() {
		// One line when the rate falls, and one when it is back at
		// rate_limit; not one per probe on the way.
		if after < before || after == l.n && before < l.n {
			l.debug(ctx, "SailPoint rate limit: pacing changed by the tenant's answers", map[string]any{
				"requests_per_window": after, "was": before, "rate_limit": l.n, "window": l.window.String(), "http_status": resp.StatusCode,
			})
		}
	}()
	l.mu.Lock()
	defer l.mu.Unlock()
	defer func() {
		if after > before {
			close(l.wake)
			l.wake = make(chan struct{})
		}
	}()
	if l.shared != nil {
		corrupt, err := l.shared.update(ctx, l.now, l.trustAhead(), func(st *ledgerState, now time.Time) bool {
			changed := fn(st, now)
			l.local.adopt(st)
			return changed
		})
		_ = l.ledgerFailed(ctx, corrupt, err)
		if err == nil {
			return
		}
	}
	fn(&l.local, l.now())
}

// budgetError explains why Wait gave up: the context ended while it
// waited (err), or the next start lay next away, past the deadline (err
// nil). A cancellation is returned as is.
func (l *windowLimiter) budgetError(began time.Time, next time.Duration, err error) error {
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := &BudgetWaitError{
		Waited:            l.now().Sub(began),
		NextIn:            next,
		RequestsPerWindow: l.n,
		RateWindow:        l.window,
		Shared:            l.shared != nil,
	}
	if r := l.local.allowed(l.n); r < l.n {
		e.LoweredTo = r
	}
	if blocked := time.Unix(0, l.local.blocked); blocked.After(l.now()) {
		e.Blocked = blocked.Sub(l.now())
	}
	return e
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

// napCtx is sleepCtx that also ends, without error, when wake is closed.
func napCtx(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-wake:
		return nil
	case <-t.C:
		return nil
	}
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
