package sailpoint

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A token still valid is kept while its renewal fails
// inside the refresh margin, and the failed renewal is not repeated by
// every caller for a short while.
func TestValidTokenKeptWhileRenewalFails(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if posts.Add(1) > 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"first","token_type":"bearer","expires_in":100}`)
	}))
	defer srv.Close()
	c := newClientCredentials(srv.URL, "id", "secret", srv.Client(), time.Minute)
	now := time.Now()
	c.now = func() time.Time { return now }
	ctx := context.Background()
	if tok, err := c.Token(ctx); err != nil || tok != "first" {
		t.Fatalf("%q %v", tok, err)
	}
	// Inside the refresh margin (the last 20 s of 100): renewal is due.
	now = now.Add(90 * time.Second)
	for range 5 {
		if tok, err := c.Token(ctx); err != nil || tok != "first" {
			t.Fatalf("the valid token was dropped: %q %v", tok, err)
		}
	}
	if n := posts.Load(); n != 2 {
		t.Errorf("%d token requests, want 2: the failed renewal is shared for a while", n)
	}
	// After the failure's shelf life, renewal is tried again.
	now = now.Add(failureTTL)
	c.Token(ctx)
	if n := posts.Load(); n != 3 {
		t.Errorf("%d token requests, want 3", n)
	}
	// Once the token has expired, the failure is the answer.
	now = now.Add(time.Minute)
	if tok, err := c.Token(ctx); err == nil {
		t.Fatalf("an expired token was handed out: %q", tok)
	}
}
