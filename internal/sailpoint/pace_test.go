package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

// fakeClock advances only when the limiter sleeps.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) sleep(_ context.Context, d time.Duration, _ <-chan struct{}) error {
	c.t = c.t.Add(d)
	return nil
}

func testLimiter(n int, window time.Duration) (*windowLimiter, *fakeClock) {
	c := &fakeClock{t: time.Unix(0, 0)}
	l := newWindowLimiter(n, window)
	l.now, l.sleep = c.now, c.sleep
	return l, c
}

func TestWindowLimiterSchedule(t *testing.T) {
	l, c := testLimiter(3, 10*time.Second)
	var starts []time.Duration
	for range 7 {
		if _, err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, c.t.Sub(time.Unix(0, 0)))
	}
	want := []time.Duration{0, 0, 0, 10250 * time.Millisecond, 10250 * time.Millisecond, 10250 * time.Millisecond, 20500 * time.Millisecond}
	if !slices.Equal(starts, want) {
		t.Errorf("starts %v, want %v", starts, want)
	}
}

// Whatever the arrivals, no span of one window holds more than n starts,
// and no start waits longer than the rule requires.
func TestWindowLimiterNeverExceeds(t *testing.T) {
	const n, window = 100, 10 * time.Second
	r := rand.New(rand.NewPCG(1, 2))
	l, c := testLimiter(n, window)
	var starts []time.Time
	for range 2000 {
		c.t = c.t.Add(time.Duration(r.ExpFloat64() * float64(30*time.Millisecond)))
		if _, err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, c.t)
	}
	for i := n; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-n]); gap < window {
			t.Fatalf("starts %d and %d are %v apart: %d requests within one window", i-n, i, gap, n+1)
		}
	}
	// 2,000 requests under 100 per ~10 s need about 19 windows.
	if total := starts[len(starts)-1].Sub(starts[0]); total > 20*window {
		t.Errorf("took %v", total)
	}
}

func TestWindowLimiterCancel(t *testing.T) {
	l := newWindowLimiter(1, time.Hour)
	if _, err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() { done <- func() error { _, err := l.Wait(ctx); return err }() }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Wait ignored the cancelled context")
	}
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	if _, err := l.Wait(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

// capTenant admits at most cap requests of this budget in any window, on
// the test's clock, as a tenant would whose other clients take the rest;
// its 429s say Retry-After: retryAfter, or the truthful wait when 0.
type capTenant struct {
	cap        int
	window     time.Duration
	retryAfter time.Duration
	admitted   []time.Time
	limited    int
}

func (t *capTenant) answer(now time.Time) *http.Response {
	kept := t.admitted[:0]
	for _, at := range t.admitted {
		if now.Sub(at) < t.window {
			kept = append(kept, at)
		}
	}
	t.admitted = kept
	if len(kept) >= t.cap {
		t.limited++
		wait := t.retryAfter
		if wait == 0 {
			wait = t.window - now.Sub(kept[0])
		}
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {strconv.Itoa(int(math.Ceil(wait.Seconds())))}}}
	}
	t.admitted = append(kept, now)
	return &http.Response{StatusCode: http.StatusOK}
}

// send is one request through l to t: the limiter's start, the answer,
// and what the limiter learns from it.
func send(t *testing.T, l *windowLimiter, c *fakeClock, tenant *capTenant) *http.Response {
	t.Helper()
	s, err := l.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	resp := tenant.answer(c.t)
	l.learn(context.Background(), s, resp)
	return resp
}

// The rate falls after 429s and recovers, on a fake clock: a budget of 100
// per 10 s whose tenant admits only 25 (three other machines take the
// rest) falls to 17 at its first 429, probes its way back to the 25, and
// then meets about one 429 per span, its probe; when the others stop, it
// climbs back to its 100 within a span of probes, without a 429. Alone or
// through the ledger, with a truthful Retry-After or one that always says
// 1 s.
func TestRateFallsAfter429sAndRecovers(t *testing.T) {
	for _, shared := range []bool{false, true} {
		for _, retryAfter := range []time.Duration{0, time.Second} {
			t.Run(fmt.Sprintf("shared=%t,retry-after=%v", shared, retryAfter), func(t *testing.T) {
				c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
				l := sharedLimiter(c, 100, 10*time.Second, t.TempDir())
				if !shared {
					l.shared = nil
				}
				log := &debugLog{}
				l.logger = log
				tenant := &capTenant{cap: 25, window: 10 * time.Second, retryAfter: retryAfter}
				rate := func() int { return l.local.allowed(l.n) }

				// The first 25 go at once; the 26th is throttled, and the
				// rate falls to 0.7 of what the tenant admitted.
				for i := range 26 {
					resp := send(t, l, c, tenant)
					if (resp.StatusCode == http.StatusTooManyRequests) != (i == 25) {
						t.Fatalf("request %d: HTTP %d", i+1, resp.StatusCode)
					}
				}
				if got := rate(); got != 17 {
					t.Fatalf("after the first 429 the rate is %d, want 17, 0.7 of the 25 the tenant admitted", got)
				}
				// Six spans under the tenant's 25 (the first one's 25 went
				// before): the tenant's 25 a span go through, about one 429 a
				// span (a probe), and the rate stays at 25.
				const spans = 6
				start, limited, admitted := c.t, tenant.limited, 0
				for c.t.Before(start.Add(spans * l.span())) {
					if send(t, l, c, tenant).StatusCode == http.StatusOK {
						admitted++
					}
				}
				if got := tenant.limited - limited; got > spans+1 {
					t.Errorf("%d 429s in %d spans under a tenant admitting 25, want at most one a span", got, spans)
				}
				if got := rate(); got < 24 || got > 26 {
					t.Errorf("the rate is %d under a tenant admitting 25", got)
				}
				if admitted < (spans-1)*24 {
					t.Errorf("%d requests went through in %d spans under a tenant admitting 25", admitted, spans)
				}
				// The others stop: the rate climbs back to rate_limit, with
				// no 429, within two spans.
				tenant.cap = 100
				start, limited = c.t, tenant.limited
				for rate() < 100 {
					if c.t.Sub(start) > 2*l.span() {
						t.Fatalf("the rate is %d two spans after the tenant admits 100", rate())
					}
					send(t, l, c, tenant)
				}
				if got := tenant.limited - limited; got != 0 {
					t.Errorf("%d 429s while the rate climbed back", got)
				}
				if len(log.matching("pacing changed")) == 0 {
					t.Errorf("no debug line said the pacing changed: %q", log.lines)
				}
			})
		}
	}
}

// A Retry-After that proves too short, the request sent after it
// throttled again, makes the next wait twice as long, up to the tenant's
// window; an answer that comes through makes the tenant's word good again.
func TestShortRetryAfterIsLengthened(t *testing.T) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := sharedLimiter(c, 100, 10*time.Second, t.TempDir())
	tenant := &capTenant{cap: 0, window: time.Hour, retryAfter: time.Second}
	start := c.t
	var starts []time.Duration
	for range 7 {
		s, err := l.Wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		starts = append(starts, s.at.Sub(start))
		l.learn(context.Background(), s, tenant.answer(c.t))
	}
	want := []time.Duration{0, time.Second, 3 * time.Second, 7 * time.Second, 15 * time.Second, 25 * time.Second, 35 * time.Second}
	if !slices.Equal(starts, want) {
		t.Errorf("attempts at %v, want %v (waits of 1, 2, 4, 8 s, then the 10 s window)", starts, want)
	}
	// The tenant admits again: after one answer that comes through, a 429
	// is waited out as it says.
	tenant.cap = 1000
	send(t, l, c, tenant)
	tenant.cap = 0
	send(t, l, c, tenant)
	before := c.t
	s, err := l.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.at.Sub(before); got != time.Second {
		t.Errorf("waited %v after a 429 that followed an answer, want the 1 s it asked", got)
	}
}

// The rate a 429 taught one process holds every process sharing its
// ledger: the other's next starts keep to it.
func TestLearnedRateIsSharedThroughTheLedger(t *testing.T) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	dir := t.TempDir()
	a, b := sharedLimiter(c, 100, 10*time.Second, dir), sharedLimiter(c, 100, 10*time.Second, dir)
	tenant := &capTenant{cap: 20, window: 10 * time.Second, retryAfter: time.Second}
	for range 21 {
		send(t, a, c, tenant)
	}
	if tenant.limited != 1 {
		t.Fatalf("%d 429s, want 1", tenant.limited)
	}
	start := c.t
	s, err := b.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.at.Sub(start) < 9*time.Second {
		t.Errorf("another process started %v after the 429, with the window full at the rate it taught (20)", s.at.Sub(start))
	}
	if got := b.local.allowed(b.n); got != 14 {
		t.Errorf("the other process keeps to %d a span, want 14 (0.7 of the 20 admitted)", got)
	}
}
