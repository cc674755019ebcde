package sailpoint_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// debugLines records the client's debug lines.
type debugLines struct {
	mu    sync.Mutex
	lines []string
}

func (d *debugLines) Debug(_ context.Context, msg string, fields map[string]any) {
	b, _ := json.Marshal(fields)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lines = append(d.lines, msg+" "+string(b))
}

func (d *debugLines) count(fragment string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, l := range d.lines {
		if strings.Contains(l, fragment) {
			n++
		}
	}
	return n
}

// sharedClient is a paced client of ft whose ledgers are kept in dir.
func sharedClient(t *testing.T, ft *faketenant.Tenant, dir string, cfg sailpoint.Config) *sailpoint.Client {
	t.Helper()
	cfg.BaseURL, cfg.LedgerDir = ft.URL(), dir
	if cfg.AccessToken == "" {
		cfg.ClientID, cfg.ClientSecret = faketenant.DefaultClientID, faketenant.DefaultClientSecret
	}
	c, err := sailpoint.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Three clients, as three provider processes, against a tenant allowing
// 20 requests a second: each paced alone at 10 a second they send 30 at
// once and meet 429s; sharing one ledger they meet none. As in
// TestPacingUnderTheTenantsLimit, the budget is half the tenant's, so
// only a request held up for about a second could break its limit.
func TestSharedPacingUnderTheTenantsLimit(t *testing.T) {
	for _, tc := range []struct {
		name        string
		alone       bool
		wantLimited bool
	}{
		{"shared", false, false},
		{"alone", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := startTenant(t)
			ft.EnforceRateLimit(20, time.Second)
			dir := t.TempDir()
			var wg sync.WaitGroup
			errs := make(chan error, 3*20)
			for range 3 {
				c := sharedClient(t, ft, dir, sailpoint.Config{
					RequestsPerWindow: 10, RateWindow: time.Second, NoSharedPacing: tc.alone,
					RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 2 * time.Second, RetryMax: 8,
				})
				wg.Go(func() {
					for _, err := range concurrentReads(c, 20) {
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			limited := ft.Limited()
			t.Logf("3 clients x 20 concurrent reads: %d answered 429", limited)
			if (limited > 0) != tc.wantLimited {
				t.Errorf("%d answers were 429", limited)
			}
		})
	}
}

// The ledger holds times only: neither the client secret, nor the client
// id, nor the token (fetched or given) is in a file name or a file.
func TestSharedLedgerHoldsNoSecret(t *testing.T) {
	ft := startTenant(t)
	dir := t.TempDir()
	credentials := sharedClient(t, ft, dir, sailpoint.Config{})
	fetched, err := credentials.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A pipeline's token, given as is: the tenant's own serves.
	static := sharedClient(t, ft, dir, sailpoint.Config{AccessToken: fetched})
	for _, c := range []*sailpoint.Client{credentials, static} {
		if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
			t.Fatal(err)
		}
		if c.LedgerPath() == "" {
			t.Fatal("no ledger")
		}
	}
	secrets := []string{faketenant.DefaultClientSecret, faketenant.DefaultClientID, fetched}
	files := 0
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if strings.Contains(d.Name(), s) || strings.Contains(string(data), s) {
				t.Errorf("%s holds %q", d.Name(), s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != 3 { // a ledger per client, and the folder's lock
		t.Errorf("%d files in the ledger folder, want 3", files)
	}
}

// A corrupt ledger costs no read: it is replaced, with one debug line,
// and stays shared.
func TestSharedPacingCorruptLedgerDoesNotFailARead(t *testing.T) {
	ft := startTenant(t)
	log := &debugLines{}
	c := sharedClient(t, ft, t.TempDir(), sailpoint.Config{Logger: log})
	path := c.LedgerPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("SPRL but not a ledger at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
			t.Fatal(err)
		}
	}
	if n := log.count("Replaced a corrupt SailPoint rate-limit ledger"); n != 1 {
		t.Errorf("%d debug lines about the corrupt ledger, want 1: %q", n, log.lines)
	}
	if c.LedgerPath() == "" {
		t.Error("the client gave up its ledger")
	}
}

// A ledger folder that cannot be made costs no read: the client paces
// alone, and says so once.
func TestSharedPacingUnwritableLedgerDoesNotFailARead(t *testing.T) {
	ft := startTenant(t)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	log := &debugLines{}
	c := sharedClient(t, ft, filepath.Join(file, "ledgers"), sailpoint.Config{Logger: log})
	for _, err := range concurrentReads(c, 5) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := log.count("pacing this process alone"); n != 1 {
		t.Errorf("%d debug lines about pacing alone, want 1: %q", n, log.lines)
	}
	if c.LedgerPath() != "" {
		t.Error("the client kept a ledger it cannot use")
	}
}

// A 429 that comes anyway is learned: every client sharing the ledger
// holds its next start until the Retry-After has passed; a client pacing
// alone is not held by another's 429.
func TestSharedPacingLearnsA429(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": "30"}, Body: `{"message":"Rate Limit Exceeded"}`})
	dir := t.TempDir()
	met := sharedClient(t, ft, dir, sailpoint.Config{NoRetries: true})
	other := sharedClient(t, ft, dir, sailpoint.Config{})
	alone := sharedClient(t, ft, dir, sailpoint.Config{NoSharedPacing: true})

	_, err := met.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
		t.Fatalf("got %v, want the 429", err)
	}
	// Wide margins: the block ends 30 s after the 429; the test takes far
	// less than 10 s to get here.
	learnedBy := time.Now().Add(20 * time.Second)
	for name, c := range map[string]*sailpoint.Client{"the client that met it": met, "another client": other} {
		at, err := c.ReserveStart(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if at.Before(learnedBy) {
			t.Errorf("%s may start %v from now, before the Retry-After", name, time.Until(at).Round(time.Second))
		}
	}
	if at, err := alone.ReserveStart(context.Background()); err != nil || time.Until(at) > 5*time.Second {
		t.Errorf("a client pacing alone was held %v by another's 429 (%v)", time.Until(at).Round(time.Second), err)
	}
}

// A read whose turn under the provider's own budget comes after its
// deadline is not sent, and its error says so: the budget, not the
// tenant, kept it (issue 27, finding 7: it said "no answer from the
// tenant after 0 attempt(s)").
func TestBudgetWaitIsNotATenantTimeout(t *testing.T) {
	ft := startTenant(t)
	c := sharedClient(t, ft, t.TempDir(), sailpoint.Config{RequestsPerWindow: 1, RateWindow: time.Hour})
	if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.GetTaskStatus(ctx, faketenant.CompleteTaskID)
	var budget *sailpoint.BudgetWaitError
	if !errors.As(err, &budget) {
		t.Fatalf("got %T %v, want a BudgetWaitError", err, err)
	}
	if budget.RequestsPerWindow != 1 || budget.RateWindow != time.Hour || !budget.Shared || budget.NextIn < 59*time.Minute || budget.Method != "GET" {
		t.Errorf("%+v", budget)
	}
	for _, want := range []string{"not sent", "the provider's own rate budget", "1 requests per 1h0m0s", "shared by the provider processes of this machine"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "no answer from the tenant") || sailpoint.MayHaveStarted(err) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%q reads as a tenant that did not answer", err)
	}
	if ctx.Err() != nil {
		t.Error("the read waited for a deadline it could not make")
	}
	if n := ft.Count(faketenant.IsTaskGet); n != 1 {
		t.Errorf("%d GETs, want 1", n)
	}
}

// A retry whose turn comes after the deadline says which attempt was not
// sent, and the first was.
func TestBudgetWaitOfARetry(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Status: 503})
	c := sharedClient(t, ft, t.TempDir(), sailpoint.Config{RequestsPerWindow: 1, RateWindow: time.Hour, RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.GetTaskStatus(ctx, faketenant.CompleteTaskID)
	var budget *sailpoint.BudgetWaitError
	if !errors.As(err, &budget) || budget.Attempts != 1 || !strings.Contains(err.Error(), "attempt 2 not sent") {
		t.Fatalf("got %T %v, want the budget error of the second attempt", err, err)
	}
	if n := ft.Count(faketenant.IsTaskGet); n != 1 {
		t.Errorf("%d GETs, want 1", n)
	}
}
