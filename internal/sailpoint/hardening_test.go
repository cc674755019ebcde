package sailpoint_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Issue 12, point 1: a Retry-After past the longest wait the client
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

// Point 1 on the token endpoint: same rule, and the token lock is not held
// for an hour.
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

// Point 1 and 7: backoff never waits past its maximum, never negative,
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

// Point 2 and 5: answers past the bounds, and answers that are not the one
// document asked for, are refused before decoding.
func TestAnswersCheckedBeforeDecoding(t *testing.T) {
	nested := strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2000)
	for _, tc := range []struct {
		name, body string
		limit      bool
		want       string
	}{
		{"huge exponent", `{"id":"abc","percentComplete":1e10000000}`, true, "float64's range"},
		{"long number", `{"id":"abc","percentComplete":` + strings.Repeat("1", 41) + `}`, true, "41 characters"},
		{"deep nesting", `{"id":"abc","attributes":` + nested + `}`, true, "too deep"},
		{"many elements", `{"id":"abc","messages":[` + strings.TrimSuffix(strings.Repeat("{},", 100000), ",") + `]}`, true, "too many elements"},
		{"many values", `{"id":"abc","attributes":{` + manyKeys(30000) + `}}`, true, "too many values"},
		{"null", `null`, false, "the answer is null, not a JSON object"},
		{"array", `[]`, false, "not a JSON object"},
		{"trailing ]", `{"id":"abc"}]`, false, "invalid character ']'"},
		{"trailing }", `{"id":"abc"}}`, false, "invalid character '}'"},
		{"duplicate key", `{"id":"abc","completionStatus":"ERROR","completionstatus":"SUCCESS"}`, false, "appears twice"},
		{"exact duplicate", `{"id":"abc","attributes":{"a":1,"a":2}}`, false, "appears twice"},
		{"other task", `{"id":"def","completionStatus":"SUCCESS","completed":"2026-11-28T10:00:00Z"}`, false, "about task \"def\", not \"abc\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, tc.body)
			})
			c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
			start := time.Now()
			_, err := c.GetTaskStatus(context.Background(), "abc")
			var de *sailpoint.DecodeError
			var le *sailpoint.LimitError
			if !errors.As(err, &de) || errors.As(err, &le) != tc.limit || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %T %v, want a DecodeError with %q (limit %v)", err, err, tc.want, tc.limit)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("refusing took %v", d)
			}
		})
	}
}

func manyKeys(n int) string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf(`"k%d":%d`, i, i)
	}
	return strings.Join(keys, ",")
}

// Point 5 and 8: a list answer of null is refused, and called a list.
func TestListAnswerChecked(t *testing.T) {
	for _, body := range []string{`null`, `{"id":"abc"}`, `[{"id":"abc"}]]`} {
		srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		})
		c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
		tasks, err := c.ListTaskStatuses(context.Background(), sailpoint.ListOptions{})
		var de *sailpoint.DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), "not a valid list of TaskStatus") || strings.Contains(err.Error(), "TaskStatus JSON document") {
			t.Errorf("%s: got %d tasks, %v", body, len(tasks), err)
		}
	}
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

// Point 4 and 8: a body cut off mid-way is retried like any transport
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

// Point 3: bad credentials cost one token request per client (one run),
// however many reads ask, at once or one after another.
func TestBadCredentialsCostOneTokenRequest(t *testing.T) {
	ft := startTenant(t)
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: "wrong"})
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
			var te *sailpoint.TokenError
			if !errors.As(err, &te) || te.StatusCode != 401 {
				t.Errorf("got %v", err)
			}
		}()
	}
	wg.Wait()
	if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err == nil {
		t.Fatal("a later read succeeded with bad credentials")
	}
	if n := ft.Count(faketenant.IsToken); n != 1 {
		t.Errorf("%d token requests for 51 reads with bad credentials, want 1", n)
	}
}

// Point 3: concurrent reads during a token-endpoint outage share one retry
// cycle instead of running one each, in turn.
func TestTokenOutageSharedByConcurrentReads(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Path: faketenant.TokenPath, Status: 503, Times: -1})
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, RetryMax: 3})
	for i, err := range concurrentReads(c, 10) {
		var te *sailpoint.TokenError
		if !errors.As(err, &te) || te.StatusCode != 503 {
			t.Errorf("read %d: %v", i, err)
		}
	}
	if n := ft.Count(faketenant.IsToken); n != 4 {
		t.Errorf("%d token requests for 10 concurrent reads, want 4 (one cycle of 1 + RetryMax)", n)
	}
}

// Point 6: the tenant's text is cleaned of control characters, and a
// token endpoint that echoes the secret does not get it into the error.
func TestTenantTextCleaned(t *testing.T) {
	e := sailpoint.NewAPIErrorForTest("GET", "/p", 500, []byte(`{"trackingId":"t\u001b[2J","messages":[{"text":"\u001b[31mred\u001b[0m\nline\u202eevil\u200b"}]}`))
	if msg := e.Error(); strings.ContainsAny(msg, "\x1b\n\u202e\u200b") || !strings.Contains(msg, "[31mred[0m line") {
		t.Errorf("message %q", msg)
	}
	const secret = "s3cr3t-echoed-by-the-endpoint"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"invalid_client","error_description":"bad secret %s\u001b]0;owned\u0007"}`, secret)
	}))
	defer srv.Close()
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: secret})
	_, err := c.GetTaskStatus(context.Background(), "abc")
	if err == nil || strings.Contains(err.Error(), secret) || strings.ContainsAny(err.Error(), "\x1b\x07") || !strings.Contains(err.Error(), "bad secret ***") {
		t.Errorf("got %q", err)
	}
	if got := sailpoint.CleanText(strings.Repeat("x", 5000)); len([]rune(got)) != 1001 {
		t.Errorf("a long text kept %d characters", len([]rune(got)))
	}
}

// Point 6 and 7: base_url never echoes userinfo, and a bare "?" or "#" is
// refused.
func TestBaseURLHardened(t *testing.T) {
	for _, raw := range []string{"https://user:hunter2@acme.example", "https://hunter2@acme.example/", "https://user:hunter2@acme example", "http://user:hunter2@acme.example"} {
		err := sailpoint.ValidateBaseURL(raw)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v", raw, err)
		}
	}
	for _, raw := range []string{"https://acme.example?", "https://acme.example/#", "https://acme.example/?#"} {
		if err := sailpoint.ValidateBaseURL(raw); err == nil {
			t.Errorf("accepted %q", raw)
		}
	}
}

// Point 7: ids that name no task or hide characters are refused.
func TestTaskIDHardened(t *testing.T) {
	for _, bad := range []string{".", "abc\u202edef", "abc\u200b", "\ufeffabc", "a\u2066b"} {
		if sailpoint.ValidateTaskID(bad) == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// Point 7: a token with a negative expires_in is used until the tenant
// refuses it, not replaced before every request.
func TestNegativeExpiresIn(t *testing.T) {
	var tokens atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == sailpoint.TokenPath {
			tokens.Add(1)
			fmt.Fprint(w, `{"access_token":"tok","token_type":"bearer","expires_in":-60}`)
			return
		}
		fmt.Fprint(w, `{"id":"abc"}`)
	}))
	defer srv.Close()
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret"})
	for range 5 {
		if _, err := c.GetTaskStatus(context.Background(), "abc"); err != nil {
			t.Fatal(err)
		}
	}
	if n := tokens.Load(); n != 1 {
		t.Errorf("%d token requests for 5 reads, want 1", n)
	}
}

// Point 4: inside a wait, transient failures are reported and the wait
// goes on (pausing at least as long as the tenant asked); permanent ones
// end it.
func TestWaitOutlastsTransientErrors(t *testing.T) {
	transient := []error{
		&sailpoint.TransportError{Method: "GET", Path: "/p", Attempts: 6, Err: errors.New("connection reset")},
		&sailpoint.DecodeError{Method: "GET", Path: "/p", StatusCode: 200, ContentType: "text/html", Err: errors.New("invalid character '<'")},
		&sailpoint.APIError{Method: "GET", Path: "/p", StatusCode: 503, Attempts: 6},
		&sailpoint.APIError{Method: "GET", Path: "/p", StatusCode: 429, RetryAfterRefused: &sailpoint.RetryAfterRefusal{Asked: time.Hour, Limit: 30 * time.Second}},
		&sailpoint.TokenError{StatusCode: 502},
	}
	reads := 0
	clock := &instant{}
	var reported []error
	w := sailpoint.Waiter{NoJitter: true, OnError: func(_ context.Context, _ int, err error, _ time.Duration) { reported = append(reported, err) }}.WithFakeClock(clock.after, nil)
	ts, err := w.Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) {
		reads++
		if reads <= len(transient) {
			return nil, transient[reads-1]
		}
		return status("2026-11-28T10:00:00Z", "SUCCESS"), nil
	})
	if err != nil || ts == nil {
		t.Fatalf("the wait ended on a transient error: %v", err)
	}
	if len(reported) != len(transient) {
		t.Errorf("%d errors reported, want %d", len(reported), len(transient))
	}
	if clock.pauses[3] != time.Hour {
		t.Errorf("after a Retry-After of an hour the wait paused %v", clock.pauses[3])
	}

	for _, permanent := range []error{
		&sailpoint.APIError{StatusCode: 404},
		&sailpoint.APIError{StatusCode: 403},
		&sailpoint.APIError{StatusCode: 401},
		&sailpoint.TokenError{StatusCode: 401, Code: "invalid_client"},
		&sailpoint.DecodeError{Err: &sailpoint.LimitError{What: "x", Limit: "y"}},
		&sailpoint.DecodeError{Err: sailpoint.ErrWrongTask},
		&sailpoint.BodyTooLargeError{},
	} {
		reads = 0
		_, err := w.Wait(context.Background(), "t", func(context.Context) (*sailpoint.TaskStatus, error) {
			reads++
			return nil, permanent
		})
		if !errors.Is(err, permanent) || reads != 1 {
			t.Errorf("%T %v: %d reads, got %v", permanent, permanent, reads, err)
		}
	}

	// A wait that runs out of time says what the last read met.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = sailpoint.Waiter{MinInterval: time.Millisecond, MaxInterval: time.Millisecond}.Wait(ctx, "t", func(context.Context) (*sailpoint.TaskStatus, error) {
		return nil, transient[0]
	})
	var we *sailpoint.WaitError
	if !errors.As(err, &we) || !errors.Is(we.LastErr, transient[0]) || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("got %v", err)
	}
}

// Point 1 on a launch: the bound applies to a POST too; it is not resent.
func TestLaunchRetryAfterPastTheBound(t *testing.T) {
	c, posts := rateLimitedTenant(t, "3600")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := c.StartIdentityProcessing(ctx, []string{"2c9180835d2e5168015d32f890ca1581"})
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.Method != http.MethodPost || apiErr.RetryAfterRefused == nil || posts.Load() != 1 {
		t.Fatalf("%d POSTs, got %v", posts.Load(), err)
	}
}
