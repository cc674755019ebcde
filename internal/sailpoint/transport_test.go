package sailpoint_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

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
