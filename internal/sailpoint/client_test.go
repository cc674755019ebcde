package sailpoint_test

import (
	"context"
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

// A base_url never echoes userinfo, and a bare "?" or "#" is
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
