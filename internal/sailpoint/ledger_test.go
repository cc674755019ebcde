package sailpoint

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// sharedLimiter is a limiter on clock c whose budget is the ledger name in
// dir, as a client of another process would have it.
func sharedLimiter(c *fakeClock, n int, window time.Duration, dir string) *windowLimiter {
	l := newWindowLimiter(n, window)
	if c != nil {
		l.now, l.sleep = c.now, c.sleep
	}
	l.shared = newLedger(dir, ledgerName("http://127.0.0.1:1", "id", "", "v1", window))
	return l
}

// exceeds returns the first start that is n places after one less than a
// window before it: n+1 starts within one window.
func exceeds(starts []time.Time, n int, window time.Duration) (int, bool) {
	sorted := slices.SortedFunc(slices.Values(starts), time.Time.Compare)
	for i := n; i < len(sorted); i++ {
		if sorted[i].Sub(sorted[i-n]) < window {
			return i, true
		}
	}
	return 0, false
}

// Two processes' limiters, each with its own record of its own starts,
// sharing one ledger: whatever the arrivals, no span of one window holds
// more than n of their starts together. A caller whose start is not due
// moves the clock to it, as its sleep would; the clock is fake.
func TestSharedLedgerTwoLimitersNeverExceed(t *testing.T) {
	const n, window = 100, 10 * time.Second
	for _, shared := range []bool{true, false} {
		t.Run("shared="+strconv.FormatBool(shared), func(t *testing.T) {
			c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
			dir := t.TempDir()
			a, b := sharedLimiter(c, n, window, dir), sharedLimiter(c, n, window, dir)
			if !shared {
				a.shared, b.shared = nil, nil
			}
			r := rand.New(rand.NewPCG(3, 4))
			var starts []time.Time
			for range 2000 {
				c.t = c.t.Add(time.Duration(r.ExpFloat64() * float64(20*time.Millisecond)))
				l := a
				if r.IntN(2) == 1 {
					l = b
				}
				at, ok, err := l.reserveNow(context.Background())
				for ; !ok && err == nil; at, ok, err = l.reserveNow(context.Background()) {
					c.t = at
				}
				if err != nil {
					t.Fatal(err)
				}
				if at.Before(c.t) {
					t.Fatalf("a start at %v before the clock's %v", at, c.t)
				}
				starts = append(starts, at)
			}
			i, over := exceeds(starts, n, window)
			if shared && over {
				t.Fatalf("start %d: %d starts within one window", i, n+1)
			}
			if !shared && !over {
				t.Fatal("two limiters without a ledger kept the rule together: this test proves nothing")
			}
			if shared && a.shared == nil || b.shared == nil && shared {
				t.Fatal("a limiter gave up its ledger")
			}
			// 2,000 starts under 100 per 10.25 s need 19 more spans.
			last := slices.MaxFunc(starts, time.Time.Compare)
			if d := last.Sub(starts[0]); shared && d > 21*a.span() {
				t.Errorf("took %v", d)
			}
		})
	}
}

// Two clients of one process, each with its own lock handle, reserving
// from many goroutines on the real clock: the ledger loses no reservation
// and counts none twice. A window of an hour makes the outcome independent
// of how fast the machine is: exactly n starts are due now, and the others
// are told to wait an hour.
func TestSharedLedgerConcurrentLimiters(t *testing.T) {
	const n, window, perGoroutine = 50, time.Hour, 30
	dir := t.TempDir()
	limiters := []*windowLimiter{sharedLimiter(nil, n, window, dir), sharedLimiter(nil, n, window, dir)}
	var mu sync.Mutex
	var starts []time.Time
	var wg sync.WaitGroup
	for _, l := range limiters {
		for range 4 {
			wg.Go(func() {
				for range perGoroutine {
					at, ok, err := l.reserveNow(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					if !ok {
						continue
					}
					mu.Lock()
					starts = append(starts, at)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if i, over := exceeds(starts, n, window); over {
		t.Fatalf("start %d: %d starts within one window", i, n+1)
	}
	for _, l := range limiters {
		if l.shared == nil {
			t.Fatal("a limiter gave up its ledger")
		}
	}
	if got := ledgerEntries(t, limiters[0].shared.path); got != len(starts) || got != n {
		t.Errorf("the ledger holds %d starts, %d were reserved, want %d", got, len(starts), n)
	}
}

// ledgerEntries decodes the ledger at path and counts its starts.
func ledgerEntries(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := decodeLedger(data, nil, time.Now(), 1000*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return len(st.starts)
}

// The test binary, run again as another process that reserves starts.
const ledgerHelperEnv = "SAILPOINT_LEDGER_TEST_HELPER"

// Two processes share one ledger through the file lock: together they keep
// the rule, and the ledger holds every start of both, once: the n that
// are due at once, out of the 3n they ask for.
func TestSharedLedgerAcrossProcesses(t *testing.T) {
	const n, window, each = 1000, time.Hour, 1500
	if dir := os.Getenv(ledgerHelperEnv); dir != "" {
		ledgerHelper(dir, n, window, each)
		return
	}
	dir := t.TempDir()
	var outs [2]strings.Builder
	var cmds []*exec.Cmd
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSharedLedgerAcrossProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), ledgerHelperEnv+"="+dir)
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	// Both start reserving once both are running, so their updates overlap.
	if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var starts []time.Time
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper %d: %v\n%s", i, err, outs[i].String())
		}
		_, out, ok := strings.Cut(outs[i].String(), "STARTS ")
		var nanos []int64
		if !ok || json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &nanos) != nil {
			t.Fatalf("helper %d printed no starts:\n%s", i, outs[i].String())
		}
		for _, ns := range nanos {
			starts = append(starts, time.Unix(0, ns))
		}
	}
	if i, over := exceeds(starts, n, window); over {
		t.Fatalf("start %d: %d starts within one window", i, n+1)
	}
	if got := ledgerEntries(t, filepath.Join(dir, ledgerName("http://127.0.0.1:1", "id", "", "v1", window))); got != len(starts) || got != n {
		t.Errorf("the ledger holds %d starts, %d were reserved, want %d", got, len(starts), n)
	}
}

// ledgerHelper is one process of TestSharedLedgerAcrossProcesses.
func ledgerHelper(dir string, n int, window time.Duration, each int) {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
			break
		}
	}
	l := sharedLimiter(nil, n, window, dir)
	var nanos []int64
	for range each {
		at, ok, err := l.reserveNow(context.Background())
		if err != nil || l.shared == nil {
			os.Stdout.WriteString("reserve failed or the ledger was given up: " + strconv.Quote(errString(err)) + "\n")
			os.Exit(1)
		}
		if ok {
			nanos = append(nanos, at.UnixNano())
		}
	}
	out, _ := json.Marshal(nanos)
	os.Stdout.WriteString("STARTS " + string(out) + "\n")
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// debugLog records the client's debug lines.
type debugLog struct {
	mu    sync.Mutex
	lines []string
}

func (d *debugLog) Debug(_ context.Context, msg string, fields map[string]any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, _ := json.Marshal(fields)
	d.lines = append(d.lines, msg+" "+string(b))
}

func (d *debugLog) matching(s string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, l := range d.lines {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// A ledger that is not one (garbage, cut short, a bad checksum, starts out
// of order, times far ahead of the clock) is replaced, with one debug line,
// and the limiter goes on sharing it.
func TestCorruptLedgerIsReplaced(t *testing.T) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	valid := encodeLedger(nil, ledgerState{starts: []int64{c.t.UnixNano(), c.t.UnixNano() + 1}})
	badSum := slices.Clone(valid)
	badSum[len(badSum)-1] ^= 1
	disordered := encodeLedger(nil, ledgerState{starts: []int64{c.t.UnixNano() + 1, c.t.UnixNano()}})
	ahead := encodeLedger(nil, ledgerState{starts: []int64{c.t.Add(24 * time.Hour).UnixNano()}})
	for name, content := range map[string][]byte{
		"garbage":    []byte("{\"not\": \"a ledger\"}"),
		"cut short":  valid[:len(valid)-3],
		"header":     valid[:10],
		"checksum":   badSum,
		"disordered": disordered,
		"ahead":      ahead,
		"version":    append([]byte("SPRL\x09\x00"), valid[6:]...),
	} {
		t.Run(name, func(t *testing.T) {
			log := &debugLog{}
			l := sharedLimiter(c, 10, 10*time.Second, t.TempDir())
			l.logger = log
			if err := os.MkdirAll(l.shared.dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(l.shared.path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				at, _, err := l.reserveNow(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if !at.Equal(c.t) {
					t.Errorf("start at %v, want now (%v)", at, c.t)
				}
			}
			if l.shared == nil {
				t.Fatal("the limiter gave up its ledger")
			}
			if got := log.matching("Replaced a corrupt"); len(got) != 1 {
				t.Errorf("debug lines %q, want one about the corrupt ledger", log.lines)
			}
			if got := ledgerEntries(t, l.shared.path); got != 3 {
				t.Errorf("the new ledger holds %d starts, want 3", got)
			}
		})
	}
}

// A ledger folder that cannot be made or written, or whose lock another
// process holds, leaves the process pacing alone: no request fails, one
// debug line says so, and the limiter still keeps the rule.
func TestUnusableLedgerFallsBack(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  func(t *testing.T) string
		want string
	}{
		{"folder is a file", func(t *testing.T) string {
			file := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(file, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(file, "ledgers")
		}, "ledger_dir"},
		{"ledger is a folder", func(t *testing.T) string {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, ledgerName("http://127.0.0.1:1", "id", "", "v1", time.Second)), 0o700); err != nil {
				t.Fatal(err)
			}
			return dir
		}, "ledger_dir"},
		{"locked out", func(t *testing.T) string {
			dir := t.TempDir()
			held := flock.New(filepath.Join(dir, ledgerLockName))
			if err := held.Lock(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = held.Unlock() })
			return dir
		}, "held the ledger lock"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &debugLog{}
			c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
			l := sharedLimiter(c, 3, time.Second, tc.dir(t))
			l.logger = log
			var starts []time.Duration
			for range 7 {
				if _, err := l.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
				starts = append(starts, c.t.Sub(time.Unix(1_700_000_000, 0)))
			}
			want := []time.Duration{0, 0, 0, 1025 * time.Millisecond, 1025 * time.Millisecond, 1025 * time.Millisecond, 2050 * time.Millisecond}
			if !slices.Equal(starts, want) {
				t.Errorf("starts %v, want %v", starts, want)
			}
			if l.shared != nil {
				t.Error("the limiter kept a ledger it cannot use")
			}
			if got := log.matching("pacing this process alone"); len(got) != 1 || !strings.Contains(got[0], tc.want) {
				t.Errorf("debug lines %q, want one saying it paces alone, with %q", log.lines, tc.want)
			}
		})
	}
}

// A cancelled caller waiting for the lock ends with its cancellation, and
// the ledger stays in use.
func TestLedgerLockWaitIsCancellable(t *testing.T) {
	dir := t.TempDir()
	held := flock.New(filepath.Join(dir, ledgerLockName))
	if err := held.Lock(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = held.Unlock() }()
	l := sharedLimiter(nil, 3, time.Second, dir)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	if _, err := l.Wait(ctx); err == nil || ctx.Err() == nil {
		t.Fatalf("got %v", err)
	}
	if l.shared == nil {
		t.Error("a cancellation made the limiter give up its ledger")
	}
}

// tooMany is a 429 asking to wait d.
func tooMany(d time.Duration) *http.Response {
	return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {strconv.Itoa(int(d.Seconds()))}}}
}

// A 429 learned by one process holds the starts of every process sharing
// the ledger until its Retry-After has passed; a wait longer than the
// client honours, or a 503, holds nothing.
func TestLearned429HoldsEveryProcess(t *testing.T) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	dir := t.TempDir()
	a, b := sharedLimiter(c, 100, 10*time.Second, dir), sharedLimiter(c, 100, 10*time.Second, dir)
	alone := sharedLimiter(c, 100, 10*time.Second, t.TempDir())

	a.learn(context.Background(), slot{at: a.now()}, tooMany(time.Hour))
	a.learn(context.Background(), slot{at: a.now()}, &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"20"}}})
	if at, _, err := b.reserveNow(context.Background()); err != nil || !at.Equal(c.t) {
		t.Fatalf("held by a Retry-After it does not honour, or a 503: %v, %v", at, err)
	}

	start := c.t
	a.learn(context.Background(), slot{at: a.now()}, tooMany(20*time.Second))
	for name, l := range map[string]*windowLimiter{"the process that met the 429": a, "another process": b} {
		if at, _, err := l.reserveNow(context.Background()); err != nil || !at.Equal(start.Add(20*time.Second)) {
			t.Errorf("%s: next start %v (%v), want 20 s after the 429", name, at.Sub(start), err)
		}
	}
	if at, _, _ := alone.reserveNow(context.Background()); !at.Equal(start) {
		t.Errorf("a limiter with another ledger was held until %v", at.Sub(start))
	}
	// After the Retry-After, the ledger holds no block.
	c.t = start.Add(21 * time.Second)
	if at, _, _ := b.reserveNow(context.Background()); !at.Equal(c.t) {
		t.Errorf("held %v after the Retry-After had passed", at.Sub(c.t))
	}
}

// A request that was already waiting for its start when another process
// learned a 429 does not go before the Retry-After has passed: it asks
// again when it wakes.
func TestWaitingRequestHonoursALaterBlock(t *testing.T) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	dir := t.TempDir()
	a, b := sharedLimiter(c, 1, 10*time.Second, dir), sharedLimiter(c, 1, 10*time.Second, dir)
	if _, err := a.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := c.t
	// b's request waits a span for its slot; while it sleeps, a meets a
	// 429 asking for 30 s.
	learned := false
	b.sleep = func(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
		if !learned {
			learned = true
			a.learn(ctx, slot{at: a.now()}, tooMany(30*time.Second))
		}
		return c.sleep(ctx, d, wake)
	}
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := c.t.Sub(start); got < 30*time.Second {
		t.Errorf("the waiting request went %v after the 429, before its Retry-After of 30s", got)
	}
}

// With sharing off, or without pacing, no ledger is made.
func TestNoSharedPacingWritesNoLedger(t *testing.T) {
	dir := t.TempDir()
	for _, cfg := range []Config{
		{BaseURL: "https://acme.api.identitynow.com", AccessToken: "t", LedgerDir: dir, NoSharedPacing: true},
		{BaseURL: "https://acme.api.identitynow.com", AccessToken: "t", LedgerDir: dir, NoPacing: true},
	} {
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.limiter != nil && c.limiter.shared != nil {
			t.Errorf("%+v: a ledger", cfg)
		}
		if c.limiter != nil {
			if _, err := c.limiter.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files in the ledger folder: %v", entries)
	}
}

// Opening a ledger removes the folder's ledgers untouched for an hour,
// and nothing else.
func TestLedgerPruning(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	stale := ledgerName("http://127.0.0.1:2", "id", "", "v1", 10*time.Second)
	fresh := ledgerName("http://127.0.0.1:3", "id", "", "v1", 10*time.Second)
	for name, mtime := range map[string]time.Time{stale: old, fresh: time.Now(), "notes.txt": old, "0123.ledger": old} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(filepath.Join(dir, name), mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	l := sharedLimiter(nil, 10, 10*time.Second, dir)
	if _, _, err := l.reserveNow(context.Background()); err != nil || l.shared == nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"0123.ledger", filepath.Base(l.shared.path), fresh, ledgerLockName, "notes.txt"}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("left %v, want %v", names, want)
	}
}

// One budget is one tenant, client and API version: a trailing slash or
// the host's case does not split it; another client, token, version or
// tenant does.
func TestLedgerName(t *testing.T) {
	base := ledgerName("https://acme.api.identitynow.com", "id", "", "v1", 10*time.Second)
	if got := ledgerName("https://ACME.api.identitynow.com/", "id", "", "v1", 10*time.Second); got != base {
		t.Errorf("the same tenant has two ledgers: %s and %s", got, base)
	}
	for _, other := range []string{
		ledgerName("https://acme2.api.identitynow.com", "id", "", "v1", 10*time.Second),
		ledgerName("https://acme.api.identitynow.com", "id2", "", "v1", 10*time.Second),
		ledgerName("https://acme.api.identitynow.com", "", "token", "v1", 10*time.Second),
		ledgerName("https://acme.api.identitynow.com", "id", "", "beta", 10*time.Second),
		ledgerName("https://acme.api.identitynow.com", "id", "", "v1", time.Second),
	} {
		if other == base {
			t.Errorf("two budgets share the ledger %s", base)
		}
		if !isLedgerName(other) {
			t.Errorf("%s is not a ledger name", other)
		}
	}
}

// BenchmarkLedgerReserve is one reservation through the shared ledger: the
// lock, a read and a write of the file, with a window of 100 starts. The
// clock moves a hundredth of a window per reservation, so the ledger holds
// a full window and nothing waits.
func BenchmarkLedgerReserve(b *testing.B) {
	for _, shared := range []bool{true, false} {
		b.Run("shared="+strconv.FormatBool(shared), func(b *testing.B) {
			c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
			l := sharedLimiter(c, 100, 10*time.Second, b.TempDir())
			if !shared {
				l.shared = nil
			}
			b.ReportAllocs()
			for b.Loop() {
				c.t = c.t.Add(l.span() / 100)
				if _, _, err := l.reserveNow(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			if shared && l.shared == nil {
				b.Fatal("the ledger was given up")
			}
		})
	}
}
