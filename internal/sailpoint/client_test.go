package sailpoint_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// fast keeps retries quick; the logic under test is the same.
func fast(cfg sailpoint.Config) sailpoint.Config {
	cfg.RetryWaitMin = time.Millisecond
	cfg.RetryWaitMax = 5 * time.Millisecond
	cfg.NoPacing = true
	return cfg
}

func newClient(t *testing.T, cfg sailpoint.Config) *sailpoint.Client {
	t.Helper()
	c, err := sailpoint.New(fast(cfg))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func tenantClient(t *testing.T, ft *faketenant.Tenant, version string) *sailpoint.Client {
	return newClient(t, sailpoint.Config{
		BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, APIVersion: version,
	})
}

func startTenant(t *testing.T) *faketenant.Tenant {
	ft := faketenant.New().Start()
	t.Cleanup(ft.Close)
	return ft
}

// tokenServer answers the token endpoint and hands every other request to h.
func tokenServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	tokens := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == sailpoint.TokenPath {
			tokens.Add(1)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"tok-1","token_type":"bearer","expires_in":750}`)
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, tokens
}

func TestGetTaskStatusEveryVersion(t *testing.T) {
	ft := startTenant(t)
	for _, v := range sailpoint.APIVersions {
		ts, err := tenantClient(t, ft, v).GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if ts.ID != faketenant.CompleteTaskID || *ts.CompletionStatus != "SUCCESS" || ts.Target == nil || *ts.Target.Name != "Active Directory [source]" {
			t.Errorf("%s: decoded %+v", v, ts)
		}
	}
}

func TestDecodeKeepsNullsAndUnknowns(t *testing.T) {
	ft := startTenant(t)
	c := tenantClient(t, ft, "v1")
	ts, err := c.GetTaskStatus(context.Background(), faketenant.RunningNullsTaskID)
	if err != nil {
		t.Fatal(err)
	}
	if ts.ParentName != nil || ts.Target != nil || ts.Completed != nil || ts.CompletionStatus != nil || ts.Progress != nil {
		t.Errorf("nullable fields not nil: %+v", ts)
	}
	if ts.Messages[0].LocalizedText != nil || ts.Messages[0].Parameters != nil && string(ts.Messages[0].Parameters) != "null" {
		t.Errorf("message nulls: %+v", ts.Messages[0])
	}
	if ts.IsFinished() {
		t.Error("a queued task counts as finished")
	}
	ts, err = c.GetTaskStatus(context.Background(), faketenant.BeyondSpecTaskID)
	if err != nil {
		t.Fatalf("a task beyond the spec failed to decode: %v", err)
	}
	if *ts.CompletionStatus != "PARTIAL_SUCCESS" || *ts.Type != "CLOUD_ACCOUNT_AGGREGATION" || *ts.Messages[0].Type != "NOTICE" {
		t.Errorf("unknown enum values not kept: %+v", ts)
	}
}

// Every status the spec lists for GET /task-status/{id}, with the bodies
// it documents, becomes an APIError carrying what the tenant said.
func TestErrorStatuses(t *testing.T) {
	dto := `{"detailCode":"%s","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"%s"}],"causes":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"a cause"}]}`
	for _, tc := range []struct {
		status       int
		body         string
		wantMessages []string
		wantTracking bool
	}{
		{400, fmt.Sprintf(dto, "400.1 Bad Request Content", "The request was syntactically correct but its content is semantically invalid."), []string{"The request was syntactically correct but its content is semantically invalid.", "a cause"}, true},
		{401, `{"error":"JWT validation failed: JWT is expired"}`, []string{"JWT validation failed: JWT is expired"}, false},
		{403, ``, nil, false},
		{404, ``, nil, false},
		{404, fmt.Sprintf(dto, "404 Not found", "The server did not find a current representation for the target resource."), []string{"The server did not find a current representation for the target resource.", "a cause"}, true},
		{429, `{"message":" Rate Limit Exceeded "}`, []string{"Rate Limit Exceeded"}, false},
		{500, fmt.Sprintf(dto, "500.0 Internal Fault", "An internal fault occurred."), []string{"An internal fault occurred.", "a cause"}, true},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 429 {
					w.Header().Set("Retry-After", "0")
				}
				if tc.body != "" {
					w.Header().Set("Content-Type", "application/json")
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			c := newClient(t, sailpoint.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret", RetryMax: 2})
			_, err := c.GetTaskStatus(context.Background(), "abc")
			var apiErr *sailpoint.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("got %T %v", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Path != "/task-status/v1/abc" {
				t.Errorf("status %d path %s", apiErr.StatusCode, apiErr.Path)
			}
			if strings.Join(apiErr.Messages, "|") != strings.Join(tc.wantMessages, "|") {
				t.Errorf("messages %q, want %q", apiErr.Messages, tc.wantMessages)
			}
			if got := apiErr.TrackingID != ""; got != tc.wantTracking {
				t.Errorf("trackingId %q", apiErr.TrackingID)
			}
			retried := tc.status == 429 || tc.status == 500
			if retried && apiErr.Attempts != 3 || !retried && apiErr.Attempts != 1 && tc.status != 401 {
				t.Errorf("attempts %d", apiErr.Attempts)
			}
			if tc.status == 404 && !sailpoint.IsNotFound(err) {
				t.Error("IsNotFound is false for a 404")
			}
		})
	}
}

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

func TestMalformedBodies(t *testing.T) {
	for _, tc := range []struct {
		name, body, contentType string
		want                    any
	}{
		{"truncated", `{"id":"abc","completionStatus":"SUC`, "application/json", &sailpoint.DecodeError{}},
		{"empty", ``, "application/json", &sailpoint.DecodeError{}},
		{"html", `<html><body>Bad gateway</body></html>`, "text/html", &sailpoint.DecodeError{}},
		{"trailing garbage", `{"id":"abc"} {"id":"def"}`, "application/json", &sailpoint.DecodeError{}},
		{"wrong type", `{"id":"abc","messages":"none"}`, "application/json", &sailpoint.DecodeError{}},
		{"too large", `{"id":"abc","description":"` + strings.Repeat("x", 2048) + `"}`, "application/json", &sailpoint.BodyTooLargeError{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				fmt.Fprint(w, tc.body)
			})
			c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", MaxBodyBytes: 1024})
			_, err := c.GetTaskStatus(context.Background(), "abc")
			switch tc.want.(type) {
			case *sailpoint.DecodeError:
				var de *sailpoint.DecodeError
				if !errors.As(err, &de) || de.ContentType != tc.contentType {
					t.Fatalf("got %T %v", err, err)
				}
			case *sailpoint.BodyTooLargeError:
				var be *sailpoint.BodyTooLargeError
				if !errors.As(err, &be) || be.Limit != 1024 {
					t.Fatalf("got %T %v", err, err)
				}
			}
		})
	}
}

// Twenty concurrent reads share one token request.
func TestOneTokenForConcurrentReads(t *testing.T) {
	ft := startTenant(t)
	c := tenantClient(t, ft, "v2025")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetTaskStatus(context.Background(), faketenant.FailedTaskID)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := ft.Count(faketenant.IsToken); n != 1 {
		t.Errorf("%d token requests for 20 reads, want 1", n)
	}
	if n := ft.Count(faketenant.IsTaskGet); n != 20 {
		t.Errorf("%d GETs, want 20", n)
	}
}

// A token the tenant refuses (expired early, revoked) is replaced once and
// the call retried once.
func TestRefusedTokenIsRefreshedOnce(t *testing.T) {
	ft := startTenant(t)
	c := tenantClient(t, ft, "v1")
	if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
		t.Fatal(err)
	}
	ft.ExpireTokens()
	if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
		t.Fatalf("not refreshed: %v", err)
	}
	if n := ft.Count(faketenant.IsToken); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	// A tenant that keeps refusing gets one retry, not a loop.
	ft.Inject(faketenant.Fault{ExpireToken: true, Times: -1})
	_, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Fatalf("got %v", err)
	}
	if n := ft.Count(faketenant.IsToken); n != 3 {
		t.Errorf("%d token requests, want 3", n)
	}
}

func TestBadCredentialsNeverEchoed(t *testing.T) {
	ft := startTenant(t)
	const secret = "s3cr3t-value-that-must-not-leak"
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: "unknown-client", ClientSecret: secret})
	_, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	var te *sailpoint.TokenError
	if !errors.As(err, &te) || te.StatusCode != 401 || te.Code != "invalid_client" {
		t.Fatalf("got %T %v", err, err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("the error holds the secret: %v", err)
	}
	if n := ft.Count(faketenant.IsTaskGet); n != 0 {
		t.Errorf("%d GETs without a token", n)
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

func TestRedirectToAnotherHostRefused(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Error("the token was sent to another host")
		}
		fmt.Fprint(w, `{"id":"abc"}`)
	}))
	defer other.Close()
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+r.URL.Path, http.StatusFound)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static-token"})
	_, err := c.GetTaskStatus(context.Background(), "abc")
	if err == nil || !strings.Contains(err.Error(), "refusing a redirect") {
		t.Fatalf("got %v", err)
	}
}

func TestValidateTaskID(t *testing.T) {
	for _, bad := range []string{"", " ", "\t", " abc", "abc ", "a/b", "a?b", "a#b", "a%2Fb", "..", "a..b", "a\x00b", "a\nb", "a\x7fb", "\xff"} {
		if sailpoint.ValidateTaskID(bad) == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	for _, good := range []string{"2c91808a7813090a01781412a1110a30", "id12345", "a.b", "a b", "ünïcode"} {
		if err := sailpoint.ValidateTaskID(good); err != nil {
			t.Errorf("refused %q: %v", good, err)
		}
	}
	if got := sailpoint.TaskStatusPath("v1", "a b"); got != "/task-status/v1/a%20b" {
		t.Errorf("path %q", got)
	}
	if got := sailpoint.TaskStatusPath("beta", "x"); got != "/beta/task-status/x" {
		t.Errorf("path %q", got)
	}
}

func TestBadIDMakesNoRequest(t *testing.T) {
	ft := startTenant(t)
	_, err := tenantClient(t, ft, "v1").GetTaskStatus(context.Background(), "../../oauth/token")
	if err == nil || len(ft.Requests()) != 0 {
		t.Fatalf("err %v, %d requests", err, len(ft.Requests()))
	}
}

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  sailpoint.Config
		want string
	}{
		{sailpoint.Config{BaseURL: "http://acme.api.identitynow.com", AccessToken: "t"}, "plain http"},
		{sailpoint.Config{BaseURL: "ftp://acme", AccessToken: "t"}, "scheme"},
		{sailpoint.Config{BaseURL: "acme.api.identitynow.com", AccessToken: "t"}, "no host"},
		{sailpoint.Config{BaseURL: "https://user:pw@acme.api.identitynow.com", AccessToken: "t"}, "credentials"},
		{sailpoint.Config{BaseURL: "https://acme.api.identitynow.com"}, "no credentials"},
		{sailpoint.Config{BaseURL: "https://acme.api.identitynow.com", ClientID: "id"}, "no credentials"},
		{sailpoint.Config{BaseURL: "https://acme.api.identitynow.com", ClientID: "id", ClientSecret: "s", AccessToken: "t"}, "both"},
		{sailpoint.Config{BaseURL: "https://acme.api.identitynow.com", AccessToken: "t", APIVersion: "v3"}, "not supported"},
	} {
		_, err := sailpoint.New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.cfg, err, tc.want)
		}
	}
	for _, ok := range []string{"https://acme.api.identitynow.com", "https://acme.api.identitynow.com/", "http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:9", "http://localhost:1"} {
		if err := sailpoint.ValidateBaseURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestListTaskStatusesPages(t *testing.T) {
	ft := startTenant(t)
	for i := range 620 {
		ft.PutTask([]byte(fmt.Sprintf(`{"id":"bulk-%03d","created":"2026-11-20T00:00:00Z","completionStatus":"SUCCESS","target":{"id":"src"}}`, i)))
	}
	c := tenantClient(t, ft, "beta")
	for _, tc := range []struct {
		limit     int
		filters   string
		wantCount int
		wantPages []string
	}{
		{600, `sourceId eq "src"`, 600, []string{"250@0", "250@250", "100@500"}},
		{0, `sourceId eq "src"`, 250, []string{"250@0"}},
		{10, "", 10, []string{"10@0"}},
		{1000, `sourceId eq "src"`, 620, []string{"250@0", "250@250", "250@500"}},
		{500, `sourceId eq "src"`, 500, []string{"250@0", "250@250"}},
		{100, `sourceId eq "none"`, 0, []string{"100@0"}},
	} {
		ft.ResetLog()
		tasks, err := c.ListTaskStatuses(context.Background(), sailpoint.ListOptions{Limit: tc.limit, Filters: tc.filters, Sorters: "created"})
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != tc.wantCount || tasks == nil {
			t.Errorf("limit %d: %d tasks, want %d", tc.limit, len(tasks), tc.wantCount)
		}
		var pages []string
		for _, r := range ft.Requests() {
			if faketenant.IsToken(r) {
				continue
			}
			if r.Path != "/beta/task-status" || r.Query.Get("filters") != tc.filters || r.Query.Get("sorters") != "created" {
				t.Errorf("request %s %v", r.Path, r.Query)
			}
			pages = append(pages, r.Query.Get("limit")+"@"+r.Query.Get("offset"))
		}
		if strings.Join(pages, " ") != strings.Join(tc.wantPages, " ") {
			t.Errorf("limit %d: pages %v, want %v", tc.limit, pages, tc.wantPages)
		}
	}
	_, err := c.ListTaskStatuses(context.Background(), sailpoint.ListOptions{Filters: `launcher eq "x"`})
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.TrackingID == "" || !strings.Contains(apiErr.Message(), "launcher") {
		t.Fatalf("bad filter: %v", err)
	}
}

// concurrentReads reads a task n times at once and returns the errors.
func concurrentReads(c *sailpoint.Client, n int) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
		}()
	}
	wg.Wait()
	return errs
}

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

// A token that expires during a long wait is replaced before it is sent.
func TestTokenRenewedDuringLongWait(t *testing.T) {
	ft := startTenant(t)
	ft.TokenLifetime = 2 * time.Second
	ft.Now = time.Now // real time, so tokens really expire
	running := []byte(`{"id":"long","created":"2026-11-28T10:00:00Z","completionStatus":null}`)
	done := []byte(`{"id":"long","created":"2026-11-28T10:00:00Z","completed":"2026-11-28T10:05:00Z","completionStatus":"SUCCESS"}`)
	ft.PutTaskSequence("long", running, running, running, running, running, done)
	c := tenantClient(t, ft, "v1")
	w := sailpoint.Waiter{MinInterval: 500 * time.Millisecond, MaxInterval: 1500 * time.Millisecond, NoJitter: true}
	if _, err := c.WaitForTaskStatus(context.Background(), "long", w); err != nil {
		t.Fatal(err)
	}
	if n := ft.Count(faketenant.IsToken); n < 2 {
		t.Errorf("%d token requests over a wait longer than a token's life", n)
	}
	if n := ft.Count(func(r faketenant.Request) bool { return r.Status == 401 }); n != 0 {
		t.Errorf("%d answers were 401: an expired token was sent", n)
	}
}

// One client keeps its connections: sequential reads reuse one, and over
// TLS the tenant's HTTP/2 is used, so concurrent reads share it too.
func TestConnectionReuseAndHTTP2(t *testing.T) {
	doc := faketenant.FixtureJSON(faketenant.CompleteTaskID)
	var conns atomic.Int32
	var protos sync.Map
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protos.Store(r.Proto, true)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == sailpoint.TokenPath {
			fmt.Fprint(w, `{"access_token":"tok","token_type":"bearer","expires_in":750}`)
			return
		}
		w.Write(doc)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	// The pooled transport New uses by default, trusting the test server.
	transport := cleanhttp.DefaultPooledTransport()
	transport.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret", HTTPClient: &http.Client{Transport: transport}})
	for range 10 {
		if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
			t.Fatal(err)
		}
	}
	for i, err := range concurrentReads(c, 20) {
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if _, ok := protos.Load("HTTP/2.0"); !ok {
		t.Errorf("HTTP/2 was not used")
	}
	if _, ok := protos.Load("HTTP/1.1"); ok {
		t.Errorf("some requests fell back to HTTP/1.1")
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 31 requests, want 1", n)
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
