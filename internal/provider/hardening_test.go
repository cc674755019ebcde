package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Blips inside a wait (a 502 that outlasts the retries,
// a proxy's HTML 200) are logged and the wait goes on; a 404 ends it.
func TestAccHardening_waitOutlastsBlips(t *testing.T) {
	ft := newTenant(t)
	ft.PutTaskSequence("flaky", taskDoc(t, "flaky", runningChanges), taskDoc(t, "flaky", nil))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					ft.Inject(faketenant.Fault{Status: 502, Times: 2})
					ft.Inject(faketenant.Fault{Status: 200, Body: "<html>maintenance</html>", ContentType: "text/html"})
				},
				Config:            providerConfig(ft, "max_retries = 0") + taskStatusBlock("flaky", waitForSuccess...),
				ConfigStateChecks: []statecheck.StateCheck{expect("completion_status", str("SUCCESS"))},
			},
			{
				Config:      providerConfig(ft, "max_retries = 0") + taskStatusBlock("2c91808a0000000000000000deadbeef", waitForSuccess...),
				ExpectError: errorWith("Task status not found", "HTTP 404"),
			},
		},
	})
}

// A Retry-After of an hour ends the read at once, saying so; the
// list has timeouts.read too.
func TestAccHardening_boundedWaits(t *testing.T) {
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					ft.Inject(faketenant.Fault{Times: -1, Status: 429, Header: map[string]string{"Retry-After": "3600"}, Body: `{"message":"Rate Limit Exceeded"}`})
				},
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID),
				ExpectError: errorWith("SailPoint asked to wait too long", "asked to wait 1h0m0s", `(Retry-After "3600")`, "30s"),
			},
			{
				PreConfig: func() {
					ft.ClearFaults()
					ft.Inject(faketenant.Fault{Path: "/task-status", SlowOnly: true, Delay: time.Minute, Times: -1})
				},
				Config:      providerConfig(ft) + taskStatusesBlock("  timeouts = {\n    read = \"2s\"\n  }"),
				ExpectError: errorWith("Timed out reading the task list", "within timeouts.read (2s)"),
			},
		},
	})
}

// The tenant's text reaches a diagnostic without control or
// invisible characters.
func TestTenantTextCleanInDiagnostics(t *testing.T) {
	evil := "\x1b[2J\x1b]0;pwned\x07Account\u202e skipped\r\nFAKE: ok"
	ts := &sailpoint.TaskStatus{ID: "t", UniqueName: &evil, CompletionStatus: ptrTo("ERROR\x1b[0m"), Completed: ptrTo("2026-11-28T10:00:00Z"),
		Messages: []sailpoint.TaskStatusMessage{{Type: ptrTo("ERROR"), LocalizedText: &sailpoint.LocalizedMessage{Message: &evil}}}}
	d := expectationDiagnostic("t", ts, []string{"SUCCESS"})
	for _, text := range []string{d.Summary(), d.Detail()} {
		if strings.ContainsAny(text, "\x1b\x07\r\u202e") || strings.Contains(text, "\nFAKE") {
			t.Errorf("raw tenant text in the diagnostic: %q", text)
		}
	}
	if !strings.Contains(d.Detail(), "Account skipped") {
		t.Errorf("the message was lost: %q", d.Detail())
	}
}

// A wait that ends while the status is set but completed is not
// says so, with both.
func TestWaitDiagnosticNamesStatusWithoutCompleted(t *testing.T) {
	last := &sailpoint.TaskStatus{ID: "t", CompletionStatus: ptrTo("ERROR")}
	d := waitDiagnostic(&sailpoint.WaitError{TaskID: "t", Last: last, Polls: 3, Err: context.DeadlineExceeded}, time.Minute)
	if !strings.Contains(d.Detail(), `completion_status "ERROR", completed null`) {
		t.Errorf("detail %q", d.Detail())
	}
}

// The words follow the request: its method, what was read, and
// the configured pacing.
func TestDiagnosticWords(t *testing.T) {
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
