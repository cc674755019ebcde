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

// A token that expires during a long wait is replaced before it is sent.
func TestTokenRenewedDuringLongWait(t *testing.T) {
	ft := startTenant(t)
	// Real time, so tokens really expire: a 4 s token is renewed 0.8 s
	// before its end, slack enough for a loaded machine, and the 6 s wait
	// outlives it.
	ft.TokenLifetime = 4 * time.Second
	ft.Now = time.Now
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

// Bad credentials cost one token request per client (one run),
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

// Concurrent reads during a token-endpoint outage share one retry
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

// A token with a negative expires_in is used until the tenant
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

// BearerToken hands out the token the client itself sends, with the
// expiry the token endpoint gave it: one token request for it and the API
// calls around it. A configured access token has no known expiry and costs
// no request; refused credentials are a *TokenError.
func TestBearerToken(t *testing.T) {
	ft := startTenant(t)
	ft.TokenLifetime = 600 * time.Second
	c := tenantClient(t, ft, "v1")
	ctx := context.Background()
	before := time.Now()
	tok, err := c.BearerToken(ctx)
	after := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	if issued := ft.IssuedTokens(); len(issued) != 1 || issued[0] != tok.Value {
		t.Fatalf("token %.16s..., issued %d", tok.Value, len(issued))
	}
	if tok.Expiry.Before(before.Add(ft.TokenLifetime)) || tok.Expiry.After(after.Add(ft.TokenLifetime)) {
		t.Errorf("expiry %s, want expires_in (600 s) after the request, between %s and %s", tok.Expiry, before.Add(ft.TokenLifetime), after.Add(ft.TokenLifetime))
	}
	if _, err := c.GetTaskStatus(ctx, faketenant.CompleteTaskID); err != nil {
		t.Fatal(err)
	}
	again, err := c.BearerToken(ctx)
	if err != nil || again != tok {
		t.Fatalf("a second call: %v, the same token: %v", err, again == tok)
	}
	reqs := ft.Requests()
	if n := ft.Count(faketenant.IsToken); n != 1 || reqs[len(reqs)-1].Bearer != tok.Value {
		t.Errorf("%d token requests (want 1); the API call sent the same token: %v", n, reqs[len(reqs)-1].Bearer == tok.Value)
	}

	static := newClient(t, sailpoint.Config{BaseURL: ft.URL(), AccessToken: "a-token-held-already"})
	if tok, err := static.BearerToken(ctx); err != nil || tok.Value != "a-token-held-already" || !tok.Expiry.IsZero() {
		t.Errorf("a configured access token: %+v, %v; want it as is, with no expiry", tok, err)
	}
	if n := ft.Count(faketenant.IsToken); n != 1 {
		t.Errorf("%d token requests, want still 1", n)
	}

	refused := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: "unknown-client", ClientSecret: "wrong"})
	var te *sailpoint.TokenError
	if tok, err := refused.BearerToken(ctx); !errors.As(err, &te) || te.StatusCode != http.StatusUnauthorized || tok.Value != "" {
		t.Errorf("refused credentials: %+v, %v; want a TokenError 401 and no token", tok, err)
	}
}

// A token endpoint that is not there (a base_url with a path, such as
// /v3) is named in the error, with no secret (issue 27, finding 12).
func TestTokenEndpointNotFoundNamesTheURL(t *testing.T) {
	ft := startTenant(t)
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL() + "/v3", ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret})
	_, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	var te *sailpoint.TokenError
	if !errors.As(err, &te) || te.StatusCode != http.StatusNotFound || te.URL != ft.URL()+"/v3"+sailpoint.TokenPath {
		t.Fatalf("got %T %v", err, err)
	}
	if !strings.Contains(err.Error(), ft.URL()+"/v3/oauth/token: HTTP 404") || strings.Contains(err.Error(), faketenant.DefaultClientSecret) {
		t.Errorf("%q", err)
	}
	if sailpoint.IsTransient(err) {
		t.Error("a missing token endpoint is not going to clear")
	}
}
