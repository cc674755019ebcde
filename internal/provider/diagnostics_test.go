package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
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

// A refused launch is worded for its operation, never as a read: no
// "read task statuses" for a 403, no 90-day retention for a 404.
func TestLaunchDiagnosticWords(t *testing.T) {
	t.Parallel()
	l := launch{op: entitlementAggregation, describe: `entitlement aggregation of source "s"`}
	forbidden := &sailpoint.APIError{Method: "POST", Path: "/sources/v1/s/load-entitlements", StatusCode: 403, Attempts: 1}
	d := launchErrorDiagnostic(forbidden, l, "v1")
	if text := d.Summary() + d.Detail(); strings.Contains(text, "read task statuses") || strings.Contains(text, "idn:task-management:read") ||
		!strings.Contains(text, "idn:entitlement:manage") || !strings.Contains(text, "ORG_ADMIN") {
		t.Errorf("403 on a launch: %s", text)
	}
	l = launch{op: identityProcessing, describe: "identity processing of 1 identities"}
	notFound := &sailpoint.APIError{Method: "POST", Path: "/identities/v1/process", StatusCode: 404, Attempts: 1}
	d = launchErrorDiagnostic(notFound, l, "v1")
	if text := d.Summary() + d.Detail(); strings.Contains(text, "90 days") || strings.Contains(text, "Task status not found") {
		t.Errorf("404 on a launch: %s", text)
	}
}

// The idle check's failure gives advice only where it helps: starting
// without the check does not help refused credentials, and does help a
// token that may not read the task list.
func TestIdleWaitAdvice(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ctx := context.Background()
	l := launch{op: accountAggregation, describe: `account aggregation of source "x"`, sourceID: faketenant.ActiveDirectorySourceID}
	rep := report{timeoutName: resourceTimeoutName, progress: logProgress{}}
	refused, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: "wrong", NoRetries: true, LedgerDir: testLedgerDir})
	if err != nil {
		t.Fatal(err)
	}
	if d := waitForIdleSource(ctx, refused, l, rep, time.Now(), &launchOutcome{}); d == nil || strings.Contains(d.Detail(), "wait_for_running_tasks") ||
		!strings.Contains(d.Summary(), "refused the client credentials") {
		t.Errorf("refused credentials: %v", d)
	}
	ft.Inject(faketenant.Fault{Path: "/task-status/v1", Status: 403,
		Body: `{"detailCode":"403 Forbidden","trackingId":"t","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"Forbidden"}],"causes":[]}`})
	client, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, NoRetries: true, LedgerDir: testLedgerDir})
	if err != nil {
		t.Fatal(err)
	}
	if d := waitForIdleSource(ctx, client, l, rep, time.Now(), &launchOutcome{}); d == nil || !strings.Contains(d.Detail(), "wait_for_running_tasks = false") {
		t.Errorf("a 403 on the task list: %v", d)
	}
}

// The warning for a task the tenant no longer returns names the resource
// type and the task in words.
func TestGoneTaskWarning(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.Inject(faketenant.Fault{Path: "/task-status/v1/65b2a6898d541bfe9e81500f34ec41ac", Status: 404,
		Body: `{"detailCode":"404 Not found","trackingId":"t","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"Not found"}],"causes":[]}`})
	client, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, LedgerDir: testLedgerDir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := accountAggregation.newResource()
	r.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: &providerData{client: client}}, &resource.ConfigureResponse{})
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	values, diags := nullValues(ctx, sresp.Schema.Type())
	if diags.HasError() {
		t.Fatal(diags)
	}
	values["task_id"] = types.StringValue("65b2a6898d541bfe9e81500f34ec41ac")
	state := tfsdk.State{Schema: sresp.Schema}
	if diags := setState(ctx, values, &state); diags.HasError() {
		t.Fatal(diags)
	}
	resp := resource.ReadResponse{State: state}
	r.Read(ctx, resource.ReadRequest{State: state}, &resp)
	if len(resp.Diagnostics.Warnings()) != 1 {
		t.Fatalf("diagnostics %v", resp.Diagnostics)
	}
	want := `The sailpoint_account_aggregation resource keeps task "65b2a6898d541bfe9e81500f34ec41ac" in state`
	if d := resp.Diagnostics.Warnings()[0].Detail(); !strings.Contains(d, want) {
		t.Errorf("warning %q, want %q", d, want)
	}
}

// A read that timed out waiting for the provider's own rate budget names
// that budget (rate_limit, share_rate_limit) and says nothing was sent, not
// that the tenant did not answer (issue 27, finding 7).
func TestBudgetWaitDiagnostic(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		RequestsPerWindow: 1, RateWindow: time.Hour, LedgerDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.GetTaskStatus(ctx, faketenant.CompleteTaskID)
	summary, detail := explain(err, `task "x"`)
	text := summary + "\n" + detail
	for _, want := range []string{"provider's own rate limit", "Nothing was sent to the tenant", "rate_limit (1 requests per 1h0m0s)", "share_rate_limit", "terraform -parallelism"} {
		if !strings.Contains(text, want) {
			t.Errorf("the diagnostic does not say %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"no answer from the tenant", "did not answer", "tenant's status"} {
		if strings.Contains(text, not) {
			t.Errorf("the diagnostic says %q:\n%s", not, text)
		}
	}
}

// A 404 from the token endpoint names the URL asked and says to check
// base_url, not to try again later (issue 27, finding 12).
func TestTokenEndpointNotFoundDiagnostic(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL() + "/v3", ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		NoRetries: true, LedgerDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
	summary, detail := explain(err, `task "x"`)
	text := summary + "\n" + detail
	for _, want := range []string{ft.URL() + "/v3/oauth/token", "HTTP 404", "check base_url", "without a path such as /v3"} {
		if !strings.Contains(text, want) {
			t.Errorf("the diagnostic does not say %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"try again later", faketenant.DefaultClientSecret} {
		if strings.Contains(text, not) {
			t.Errorf("the diagnostic says %q:\n%s", not, text)
		}
	}
}
