package sailpoint_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The tenant's text is cleaned of control characters, and a
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
