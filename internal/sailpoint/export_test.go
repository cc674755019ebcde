package sailpoint

import (
	"context"
	"net/url"
	"time"
)

// Unexported parts of the client, for the external tests.
var (
	Backoff                   = backoff
	DecodeErrorBody           = decodeErrorBody
	NormalizeCompletionStatus = normalizeCompletionStatus
)

// LauncherParts says, for each operation of Launches and ConfigLaunches,
// whether its Launcher has a Target and a Build.
func LauncherParts() map[*Operation][2]bool {
	out := map[*Operation][2]bool{}
	for _, l := range append(append([]launcher{}, launchers...), configLaunchers...) {
		op, target, build := l.parts()
		out[op] = [2]bool{target, build}
	}
	return out
}

// StartQuery is the query a prepared launch is sent with.
func StartQuery(s Start) url.Values { return s.body.query }

// NewAPIErrorForTest exposes newAPIError to the fuzz tests.
func NewAPIErrorForTest(method, path string, status int, body []byte) *APIError {
	return newAPIError(method, path, status, nil, body, 1)
}

// DecodeTaskStatus decodes one TaskStatus document as GetTaskStatus does
// (bounds first, then the document), for fuzzing.
func DecodeTaskStatus(data []byte) (*TaskStatus, error) {
	var ts TaskStatus
	if err := checkJSON(data, answer{document: "TaskStatus", kind: '{', budget: newBudget()}); err != nil {
		return nil, err
	}
	if err := decodeDocument(data, &ts); err != nil {
		return nil, err
	}
	return &ts, nil
}

// Token returns the bearer token the client sends, fetching one if needed.
func (c *Client) Token(ctx context.Context) (string, error) { return c.tokens.Token(ctx) }

// Interval is the pause after the n-th read before jitter.
func (w Waiter) Interval(n int) time.Duration { return w.interval(n) }

// WithFakeClock returns w waiting on after and drawing its jitter from
// rand; nil keeps the real one.
func (w Waiter) WithFakeClock(after func(time.Duration) <-chan time.Time, rand func() float64) Waiter {
	w.after, w.rand = after, rand
	return w
}

// WithFakeTime returns w on a fake clock: now tells the time, after
// waits (it should move now on by the pause).
func (w Waiter) WithFakeTime(now func() time.Time, after func(time.Duration) <-chan time.Time) Waiter {
	w.now, w.after = now, after
	return w
}

// RunDurations is runDurations: how long the runs of ts's kind among
// tasks took.
var RunDurations = runDurations

// LedgerPath is the file of the client's shared ledger; "" when it has
// none, or gave it up.
func (c *Client) LedgerPath() string {
	if c.limiter == nil || c.limiter.shared == nil {
		return ""
	}
	return c.limiter.shared.path
}

// ReserveStart returns the client's next start without waiting for it,
// and reserves it if it is due now, as a request would.
func (c *Client) ReserveStart(ctx context.Context) (time.Time, error) {
	at, _, err := c.limiter.reserveNow(ctx)
	return at, err
}

// reserveNow is reserve, returning the start's time.
func (l *windowLimiter) reserveNow(ctx context.Context) (time.Time, bool, error) {
	s, ok, err := l.reserve(ctx)
	return s.at, ok, err
}

// SetTasksSearched makes FindTasks read at most n tasks instead of
// MaxTasksSearched.
func (c *Client) SetTasksSearched(n int) { c.searchBound = n }
