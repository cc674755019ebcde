package sailpoint

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// fakeClock advances only when the limiter sleeps.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) sleep(_ context.Context, d time.Duration) error {
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
		if err := l.Wait(context.Background()); err != nil {
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
		if err := l.Wait(context.Background()); err != nil {
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
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx) }()
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
	if err := l.Wait(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}
