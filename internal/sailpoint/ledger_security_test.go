package sailpoint

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The ledger opens nothing through a symlink: another user who could put
// one in place of a ledger or of the lock must not get this user to write
// to the file it points to. The client paces alone instead, and says so.
func TestLedgerFollowsNoSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need a privilege on Windows")
	}
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, dir, victim string)
	}{
		{"the ledger", func(t *testing.T, dir, victim string) {
			if err := os.Symlink(victim, filepath.Join(dir, ledgerName("http://127.0.0.1:1", "id", "", "v1", time.Second))); err != nil {
				t.Fatal(err)
			}
		}},
		{"the lock", func(t *testing.T, dir, victim string) {
			if err := os.Symlink(victim, filepath.Join(dir, ledgerLockName)); err != nil {
				t.Fatal(err)
			}
		}},
		{"the folder", func(t *testing.T, dir, victim string) {
			// dir itself is a symlink to a folder holding the victim under
			// the ledger's name.
			target := t.TempDir()
			if err := os.Remove(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, filepath.Join(target, ledgerName("http://127.0.0.1:1", "id", "", "v1", time.Second))); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			victim := filepath.Join(t.TempDir(), "precious")
			content := []byte("a file of this user's that no ledger may touch\n")
			if err := os.WriteFile(victim, content, 0o600); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "rate-limit")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			tc.plant(t, dir, victim)
			log := &debugLog{}
			c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
			l := sharedLimiter(c, 3, time.Second, dir)
			l.logger = log
			for range 5 {
				if _, err := l.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			l.learn(context.Background(), slot{at: l.now()}, tooMany(time.Second))
			if got, err := os.ReadFile(victim); err != nil || !bytes.Equal(got, content) {
				t.Errorf("the file a symlink pointed to was changed: %q, %v", got, err)
			}
			if l.shared != nil {
				t.Error("the limiter kept a ledger reached through a symlink")
			}
			if got := log.matching("pacing this process alone"); len(got) != 1 {
				t.Errorf("debug lines %q, want one saying it paces alone", log.lines)
			}
		})
	}
}

// A folder that others may write to, or that another user owns, is not
// used: the client paces alone, says so in one debug line, and writes
// nothing there.
func TestLedgerRefusesAFolderOthersControl(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix owners and modes on Windows")
	}
	cases := map[string]func(t *testing.T, dir string){
		"writable by all": func(t *testing.T, dir string) {
			if err := os.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
		},
		"writable by the group": func(t *testing.T, dir string) {
			if err := os.Chmod(dir, 0o770); err != nil {
				t.Fatal(err)
			}
		},
	}
	if os.Geteuid() == 0 {
		// Only root can give a folder to another user.
		cases["another user's"] = func(t *testing.T, dir string) {
			if err := os.Chown(dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, plant := range cases {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rate-limit")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			plant(t, dir)
			log := &debugLog{}
			l := sharedLimiter(&fakeClock{t: time.Unix(1_700_000_000, 0)}, 3, time.Second, dir)
			l.logger = log
			for range 4 {
				if _, err := l.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if l.shared != nil {
				t.Error("the limiter kept a ledger in a folder others control")
			}
			if got := log.matching("pacing this process alone"); len(got) != 1 || !strings.Contains(got[0], dir) {
				t.Errorf("debug lines %q, want one saying it paces alone, naming the folder", log.lines)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files written to the folder: %v", entries)
			}
		})
	}
}

// The folders the ledger makes are 0700, its files 0600.
func TestLedgerPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes on Windows")
	}
	dir := filepath.Join(t.TempDir(), "terraform-provider-sailpoint", "rate-limit")
	l := sharedLimiter(nil, 3, time.Second, dir)
	if _, err := l.Wait(context.Background()); err != nil || l.shared == nil {
		t.Fatalf("%v, ledger %v", err, l.shared)
	}
	for _, path := range []string{filepath.Dir(dir), dir, filepath.Join(dir, ledgerLockName), l.shared.path} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if info.IsDir() {
			want = 0o700
		}
		if got := info.Mode().Perm(); got&^want != 0 {
			t.Errorf("%s has mode %04o, want at most %04o", path, got, want)
		}
	}
}

// A ledger is trusted only as far as a client could have written it: a
// start or a block further ahead than a span and the longest Retry-After
// honoured (10.25 s + 30 s) is not a wait to keep but a corrupt ledger,
// replaced; however many entries it holds. Within that bound, a block is
// honoured.
func TestLedgerBoundsWhatItTrusts(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	ahead := func(d time.Duration) int64 { return now.Add(d).UnixNano() }
	many := make([]int64, 20_000)
	for i := range many {
		many[i] = ahead(30*time.Minute + time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		name    string
		st      ledgerState
		corrupt bool
	}{
		{"a start 45 s ahead", ledgerState{starts: []int64{ahead(45 * time.Second)}}, true},
		{"a block 45 s ahead", ledgerState{blocked: ahead(45 * time.Second)}, true},
		{"20,000 starts half an hour ahead", ledgerState{starts: many}, true},
		{"a block 35 s ahead", ledgerState{blocked: ahead(35 * time.Second)}, false},
		{"a start a span ahead", ledgerState{starts: []int64{ahead(10250 * time.Millisecond)}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClock{t: now}
			l := sharedLimiter(c, 100, 10*time.Second, t.TempDir())
			log := &debugLog{}
			l.logger = log
			if err := os.MkdirAll(l.shared.dir, 0o700); err != nil {
				t.Fatal(err)
			}
			tc.st.written = now.UnixNano()
			if err := os.WriteFile(l.shared.path, encodeLedger(nil, tc.st), 0o600); err != nil {
				t.Fatal(err)
			}
			at, _, err := l.reserveNow(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			replaced := len(log.matching("Replaced a corrupt")) == 1
			if replaced != tc.corrupt {
				t.Errorf("replaced %t, want %t (debug lines %q)", replaced, tc.corrupt, log.lines)
			}
			if tc.corrupt && !at.Equal(now) {
				t.Errorf("held %v by a ledger it should not trust", at.Sub(now))
			}
			if !tc.corrupt && !at.After(now) {
				t.Errorf("a ledger within the bound was not honoured: start %v", at.Sub(now))
			}
		})
	}
}

// A clock set back does not stall the requests by as much: times written
// by the clock before are moved back by how far they lie ahead of the
// clock when next read, in the shared ledger and in the process's own
// record, so the pacing goes on. Set back 48 s a second after five starts,
// with room for ten, the next start goes at once; with room for five, it
// waits no more than the span (10.25 s; the second between the last start
// and the step counts as not passed), not 48 s more.
func TestPacingSurvivesAClockSetBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		n      int
		shared bool
		want   time.Duration
	}{
		{"shared, room left", 10, true, 0},
		{"shared, window full", 5, true, 10250 * time.Millisecond},
		{"alone, room left", 10, false, 0},
		{"alone, window full", 5, false, 10250 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
			log := &debugLog{}
			l := sharedLimiter(c, tc.n, 10*time.Second, t.TempDir())
			l.logger = log
			if !tc.shared {
				l.shared = nil
			}
			for range 5 {
				if _, err := l.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			c.t = c.t.Add(time.Second - 48*time.Second)
			before := c.t
			if _, err := l.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if waited := c.t.Sub(before); waited != tc.want {
				t.Errorf("waited %v after the clock was set back 48 s, want %v", waited, tc.want)
			}
			if tc.shared && (l.shared == nil || len(log.lines) != 0) {
				t.Errorf("the ledger was given up or replaced: %q", log.lines)
			}
		})
	}
}
