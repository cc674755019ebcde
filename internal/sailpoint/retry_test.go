package sailpoint_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func TestRetriesUntilSuccess(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault faketenant.Fault
	}{
		{"500", faketenant.Fault{Status: 500, Body: `{"detailCode":"500.0 Internal Fault","trackingId":"t","messages":[]}`, Times: 3}},
		{"502", faketenant.Fault{Status: 502, Times: 2}},
		{"503 with Retry-After", faketenant.Fault{Status: 503, Header: map[string]string{"Retry-After": "0"}, Times: 2}},
		{"504", faketenant.Fault{Status: 504, Times: 1}},
		{"429 seconds", faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Rate Limit Exceeded"}`, Times: 3}},
		{"429 HTTP date", faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": time.Now().Add(-time.Second).UTC().Format(http.TimeFormat)}, Times: 2}},
		{"connection reset", faketenant.Fault{Reset: true, Times: 2}},
		{"token endpoint 503", faketenant.Fault{Path: faketenant.TokenPath, Status: 503, Times: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := startTenant(t)
			ft.Inject(tc.fault)
			ts, err := tenantClient(t, ft, "v1").GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
			if err != nil {
				t.Fatalf("not retried: %v", err)
			}
			if ts.ID != faketenant.CompleteTaskID {
				t.Fatalf("decoded %+v", ts)
			}
		})
	}
}

func TestGivesUpWithTenantDetails(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Times: -1, Status: 500, Body: `{"detailCode":"500.0 Internal Fault","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"An internal fault occurred."}]}`})
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, RetryMax: 3})
	_, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Attempts != 4 || apiErr.TrackingID != "b21b1f7ce4da4d639f2c62a57171b427" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "An internal fault occurred.") || !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("message %q", err)
	}
	if n := ft.Count(faketenant.IsTaskGet); n != 4 {
		t.Errorf("%d GETs, want 4 (1 + RetryMax)", n)
	}
}

// Cancelling the context ends a long Retry-After wait at once.
func TestCancelStopsWaiting(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Times: -1, Status: 429, Header: map[string]string{"Retry-After": "3600"}, Body: `{"message":"Rate Limit Exceeded"}`})
	// A client that honours an hour's Retry-After, to be stopped mid-wait.
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		RetryWaitMax: 2 * time.Hour, NoPacing: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.GetTaskStatus(ctx, faketenant.CompleteTaskID)
		done <- err
	}()
	for ft.Count(faketenant.IsTaskGet) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the client kept waiting after its context was cancelled")
	}
}

func TestBackoffHonoursRetryAfter(t *testing.T) {
	resp := func(status int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h}
	}
	minW, maxW := time.Second, 30*time.Second
	if got := sailpoint.Backoff(minW, maxW, 0, resp(429, "7")); got != 7*time.Second {
		t.Errorf("429 Retry-After 7: %v", got)
	}
	date := time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	if got := sailpoint.Backoff(minW, maxW, 0, resp(503, date)); got < 15*time.Second || got > 20*time.Second {
		t.Errorf("503 Retry-After date: %v", got)
	}
	for attempt := range 8 {
		got := sailpoint.Backoff(minW, maxW, attempt, resp(500, ""))
		if got < minW/2 || got > maxW {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, got, minW/2, maxW)
		}
	}
}

// A connection refused is retried, then reported with the attempts made.
func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := newClient(t, sailpoint.Config{BaseURL: url, AccessToken: "static", RetryMax: 2})
	_, err := c.GetTaskStatus(context.Background(), "abc")
	var te *sailpoint.TransportError
	if !errors.As(err, &te) || te.Attempts != 3 || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("got %v", err)
	}
}

// An answer slower than the per-request timeout is abandoned and retried;
// one that is always slow ends in a timeout error.
func TestSlowAnswers(t *testing.T) {
	ft := startTenant(t)
	cfg := sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		RequestTimeout: 100 * time.Millisecond, RetryMax: 2}
	ft.Inject(faketenant.Fault{Path: "/task-status", SlowOnly: true, Delay: 5 * time.Second})
	if _, err := newClient(t, cfg).GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
		t.Fatalf("a slow answer was not retried: %v", err)
	}
	ft.Inject(faketenant.Fault{Path: "/task-status", SlowOnly: true, Delay: 5 * time.Second, Times: -1})
	_, err := newClient(t, cfg).GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	var te *sailpoint.TransportError
	var netErr net.Error
	if !errors.As(err, &te) || te.Attempts != 3 || !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Fatalf("got %v", err)
	}
}

// A Retry-After past the longest wait the client
// honours (RetryWaitMax, 30 s by default) ends the call at once with a 429
// that says how long the tenant asked for; one near 2^63 does not overflow
// into an immediate retry storm.
func TestRetryAfterPastTheBoundGivesUpAtOnce(t *testing.T) {
	for _, ra := range []string{"3600", "9223372036854775807", "99999999999999999999999"} {
		t.Run(ra, func(t *testing.T) {
			c, gets := rateLimitedTenant(t, ra)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := c.GetTaskStatus(ctx, "abc")
			var apiErr *sailpoint.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.RetryAfterRefused == nil {
				t.Fatalf("got %T %v", err, err)
			}
			if r := apiErr.RetryAfterRefused; r.Asked < time.Hour || r.Limit != sailpoint.DefaultRetryWaitMax {
				t.Errorf("refusal %+v", r)
			}
			if n := gets.Load(); n != 1 || apiErr.Attempts != 1 {
				t.Errorf("%d GETs, %d attempts; want 1", n, apiErr.Attempts)
			}
			if !strings.Contains(err.Error(), "asked to wait") {
				t.Errorf("message %q", err)
			}
		})
	}
}

// rateLimitedTenant answers every API call 429 with retryAfter, and counts
// them; its client keeps the default bounds and does not pace itself.
func rateLimitedTenant(t *testing.T, retryAfter string) (*sailpoint.Client, *atomic.Int32) {
	var calls atomic.Int32
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", retryAfter)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message":"Rate Limit Exceeded"}`)
	})
	c, err := sailpoint.New(sailpoint.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret", NoPacing: true})
	if err != nil {
		t.Fatal(err)
	}
	return c, &calls
}

// The token endpoint follows the same Retry-After bound, and the token
// lock is not held for an hour.
func TestTokenEndpointRetryAfterPastTheBound(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Path: faketenant.TokenPath, Status: 429, Header: map[string]string{"Retry-After": "3600"}, Times: -1})
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, NoPacing: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = c.GetTaskStatus(ctx, faketenant.CompleteTaskID)
	var te *sailpoint.TokenError
	if !errors.As(err, &te) || te.StatusCode != 429 || te.RetryAfterRefused == nil || te.RetryAfterRefused.Asked != time.Hour {
		t.Fatalf("got %T %v", err, err)
	}
	if n := ft.Count(faketenant.IsToken); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}

// Backoff never waits past its maximum, never negative,
// ignores an unreadable Retry-After, and does not panic when the minimum
// is more than twice the maximum.
func TestBackoffBounds(t *testing.T) {
	resp := func(ra string) *http.Response {
		return &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {ra}}}
	}
	for _, ra := range []string{"9223372036854775807", "99999999999999999999999", "-5", "soon", "1.5", ""} {
		for attempt := range 5 {
			got := sailpoint.Backoff(time.Second, 30*time.Second, attempt, resp(ra))
			if got < 0 || got > 30*time.Second {
				t.Errorf("Retry-After %q attempt %d: %v", ra, attempt, got)
			}
		}
	}
	if got := sailpoint.Backoff(time.Second, 30*time.Second, 0, resp("soon")); got > 2*time.Second {
		t.Errorf("an unreadable Retry-After waited %v, not the first backoff", got)
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("backoff panicked: %v", p)
			}
		}()
		if got := sailpoint.Backoff(10*time.Second, 2*time.Second, 1, nil); got > 2*time.Second {
			t.Errorf("min > max: %v", got)
		}
	}()
}

// cutOffServer answers every GET with a body shorter than its
// Content-Length, the first cut times (cut < 0: always).
func cutOffServer(t *testing.T, cut int) (*httptest.Server, *atomic.Int32) {
	doc := faketenant.FixtureJSON(faketenant.CompleteTaskID)
	var gets atomic.Int32
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := gets.Add(1)
		if cut >= 0 && int(n) > cut {
			w.Header().Set("Content-Type", "application/json")
			w.Write(doc)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(doc))
		buf.Write(doc[:len(doc)/2])
		buf.Flush()
	})
	return srv, &gets
}

// A body cut off mid-way is retried like any transport
// failure; when it never comes whole, the error gives the real attempts.
func TestCutOffBodyIsRetried(t *testing.T) {
	srv, gets := cutOffServer(t, 2)
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", RetryMax: 3})
	if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
		t.Fatalf("a cut-off body was not retried: %v", err)
	}
	if n := gets.Load(); n != 3 {
		t.Errorf("%d GETs, want 3", n)
	}

	srv, gets = cutOffServer(t, -1)
	c = newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", RetryMax: 2})
	_, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	var te *sailpoint.TransportError
	if !errors.As(err, &te) || te.Attempts != 3 || te.Elapsed <= 0 || !strings.Contains(err.Error(), "after 3 attempt(s)") {
		t.Fatalf("got %v", err)
	}
	if n := gets.Load(); n != 3 {
		t.Errorf("%d GETs, want 3", n)
	}
}

// Zero retries means the default; none is said with NoRetries.
func TestRetryCountConfig(t *testing.T) {
	for _, tc := range []struct {
		retryMax  int
		noRetries bool
		wantGETs  int
	}{
		{0, false, 1 + sailpoint.DefaultRetryMax},
		{2, false, 3},
		{0, true, 1},
		{3, true, 1},
	} {
		t.Run(fmt.Sprintf("RetryMax=%d,NoRetries=%t", tc.retryMax, tc.noRetries), func(t *testing.T) {
			ft := startTenant(t)
			ft.Inject(faketenant.Fault{Times: -1, Status: 503})
			c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), AccessToken: "static", RetryMax: tc.retryMax, NoRetries: tc.noRetries})
			if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err == nil {
				t.Fatal("a 503 on every attempt was not an error")
			}
			if n := ft.Count(faketenant.IsTaskGet); n != tc.wantGETs {
				t.Errorf("%d GETs, want %d", n, tc.wantGETs)
			}
		})
	}
}

// A throttled read waits within its deadline instead of failing after
// max_retries: twelve 429s, then the answer, with max_retries 2. Without a
// deadline its 429s count among max_retries, as other failures do.
func TestThrottledReadWaitsWithinItsDeadline(t *testing.T) {
	throttle := faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Rate Limit Exceeded"}`, Times: 12}
	ft := startTenant(t)
	ft.Inject(throttle)
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, RetryMax: 2})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.GetTaskStatus(ctx, faketenant.CompleteTaskID); err != nil {
		t.Fatalf("a throttled read with a minute left failed: %v", err)
	}
	if n := ft.Count(faketenant.IsTaskGet); n != 13 {
		t.Errorf("%d GETs, want 13", n)
	}

	ft = startTenant(t)
	ft.Inject(throttle)
	c = newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, RetryMax: 2})
	_, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Attempts != 3 {
		t.Fatalf("without a deadline: got %v, want the 429 after 3 attempts", err)
	}
}

// Failures other than 429 keep max_retries, deadline or not.
func TestOtherFailuresKeepMaxRetries(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Times: -1, Status: 503})
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, RetryMax: 2})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var apiErr *sailpoint.APIError
	if _, err := c.GetTaskStatus(ctx, faketenant.CompleteTaskID); !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Attempts != 3 {
		t.Fatalf("got %v, want the 503 after 3 attempts", err)
	}
	if n := ft.Count(faketenant.IsTaskGet); n != 3 {
		t.Errorf("%d GETs, want 3", n)
	}
}

// A read the tenant throttles until its deadline ends with an error that
// says so: how many answers were 429, and the tenant's words; it is
// transient (a wait reads again), and no launch it ended started. With a
// Retry-After the client gives up when the next attempt cannot come in
// time; without one, the deadline comes during the backoff.
func TestThrottledUntilTheDeadline(t *testing.T) {
	for name, header := range map[string]map[string]string{"Retry-After": {"Retry-After": "1"}, "no Retry-After": nil} {
		t.Run(name, func(t *testing.T) {
			ft := startTenant(t)
			ft.Inject(faketenant.Fault{Times: -1, Status: 429, Header: header, Body: `{"message":"Rate Limit Exceeded"}`})
			c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), AccessToken: "static", RetryMax: 1, NoPacing: true,
				RetryWaitMin: 500 * time.Millisecond, RetryWaitMax: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
			defer cancel()
			_, err = c.GetTaskStatus(ctx, faketenant.CompleteTaskID)
			var throttled *sailpoint.ThrottledError
			if !errors.As(err, &throttled) {
				t.Fatalf("got %T %v, want a ThrottledError", err, err)
			}
			gets := ft.Count(faketenant.IsTaskGet)
			if throttled.Throttled != gets || throttled.Attempts != gets || gets < 2 {
				t.Errorf("%d of %d answers 429 in the error, %d GETs: want every GET, more than max_retries allow", throttled.Throttled, throttled.Attempts, gets)
			}
			var apiErr *sailpoint.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
				t.Errorf("the last answer, %v, is not the 429", apiErr)
			}
			for _, want := range []string{fmt.Sprintf("%d of %d answers were HTTP 429", gets, gets), "deadline", "Rate Limit Exceeded"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q does not say %q", err, want)
				}
			}
			if !sailpoint.IsTransient(err) || sailpoint.MayHaveStarted(err) {
				t.Errorf("transient %t, may have started %t", sailpoint.IsTransient(err), sailpoint.MayHaveStarted(err))
			}
		})
	}
}

// A deadline that comes while an attempt waits for its answer, after
// 429s, is the tenant not answering in time, not throttling.
func TestDeadlineInFlightAfter429sIsATimeout(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Rate Limit Exceeded"}`, Times: 2})
	ft.Inject(faketenant.Fault{Path: "/task-status", SlowOnly: true, Delay: time.Minute, Times: -1})
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), AccessToken: "static", NoPacing: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err = c.GetTaskStatus(ctx, faketenant.CompleteTaskID)
	var te *sailpoint.TransportError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) || errors.As(err, new(*sailpoint.ThrottledError)) {
		t.Fatalf("got %T %v, want a timeout", err, err)
	}
}
