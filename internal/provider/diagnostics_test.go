package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The words follow the request: its method, what was read, and
// the configured pacing.
func TestDiagnosticWords(t *testing.T) {
	t.Parallel()
	post := &sailpoint.APIError{Method: "POST", Path: "/beta/sources/x/load-accounts", StatusCode: 500, Attempts: 1}
	if s, d := explain(post, `source "x"`); !strings.Contains(d, "Launching source") || !strings.Contains(d, "POST /beta/sources") || strings.Contains(d, "GET") {
		t.Errorf("%s: %s", s, d)
	}
	cut := &sailpoint.TransportError{Method: "GET", Path: "/p", Attempts: 4, Elapsed: 3 * time.Second, Err: errors.New("unexpected EOF")}
	if _, d := explain(cut, "x"); !strings.Contains(d, "after 4 attempt(s) in 3s") {
		t.Errorf("%s", d)
	}
	notFound := &sailpoint.APIError{Method: "GET", Path: "/task-status/v1", StatusCode: 404, Attempts: 1}
	d := listErrorDiagnostic(notFound, sailpoint.ListOptions{})
	if strings.Contains(d.Detail(), "has no the task list") || strings.Contains(d.Detail(), "Check the id") || !strings.Contains(d.Detail(), "api_version") {
		t.Errorf("%s: %s", d.Summary(), d.Detail())
	}
	limited := &sailpoint.APIError{Method: "GET", Path: "/p", StatusCode: 429, Attempts: 3, RequestsPerWindow: 40, RateWindow: 10 * time.Second}
	if _, d := explain(limited, "x"); !strings.Contains(d, "40 requests per 10s") || strings.Contains(d, "100 requests") {
		t.Errorf("%s", d)
	}
}
