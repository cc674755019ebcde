package sailpoint_test

import (
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The tenant's limit, scaled down to 20 requests a second: paced reads
// never meet a 429; unpaced ones meet bursts of them and still all succeed
// by waiting as Retry-After says. The client paces at half the tenant's
// rate: at this scale the scheduling delays of a loaded machine are a fair
// part of the window, and with a whole window of slack (10 requests) a
// request would have to be held up for about a second to break the
// tenant's limit. The limiter's exactness is tested on a fake clock
// (TestWindowLimiterSchedule, TestWindowLimiterNeverExceeds).
func TestPacingUnderTheTenantsLimit(t *testing.T) {
	for _, tc := range []struct {
		name        string
		perWindow   int
		wantLimited bool
	}{
		{"paced", 10, false},
		{"unpaced", -1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := startTenant(t)
			ft.EnforceRateLimit(20, time.Second)
			c, err := sailpoint.New(sailpoint.Config{
				BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
				RequestsPerWindow: tc.perWindow, NoPacing: tc.perWindow < 0, RateWindow: time.Second,
				RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 2 * time.Second, RetryMax: 8,
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, err := range concurrentReads(c, 40) {
				if err != nil {
					t.Fatalf("read %d: %v", i, err)
				}
			}
			limited := ft.Limited()
			t.Logf("40 concurrent reads: %d answered 429", limited)
			if (limited > 0) != tc.wantLimited {
				t.Errorf("%d answers were 429", limited)
			}
			if n := ft.Count(faketenant.IsToken); n != 1 {
				t.Errorf("%d token requests", n)
			}
		})
	}
}

// Token requests do not count against the API's limit: with a limit of 5
// an hour, five reads and their token go through at once.
func TestTokenRequestsAreNotPaced(t *testing.T) {
	ft := startTenant(t)
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		RequestsPerWindow: 5, RateWindow: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []error, 1)
	go func() { done <- concurrentReads(c, 5) }()
	select {
	case errs := <-done:
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	case <-time.After(time.Minute):
		t.Fatal("five reads under a limit of five waited: the token request was paced too")
	}
}
