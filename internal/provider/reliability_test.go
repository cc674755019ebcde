package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// An answer slower than request_timeout is abandoned, retried, and ends
// in a timeout error within the bounds the settings give.
func TestAccReliability_slowTenant(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.Inject(faketenant.Fault{Path: "/task-status", SlowOnly: true, Delay: time.Minute, Times: -1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerConfig(ft, `request_timeout = "1s"`, "max_retries = 1") + taskStatusBlock(faketenant.CompleteTaskID),
			ExpectError: errorWith("SailPoint request timed out", fmt.Sprintf("/task-status/v1/%s", faketenant.CompleteTaskID), "after 2 attempt(s)", "raise request_timeout"),
		}},
	})
}

// 5xx answers that clear are invisible; ones that never clear end with the
// status, trackingId and message.
func TestAccReliability_serverErrors(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	dto := `{"detailCode":"500.0 Internal Fault","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"An internal fault occurred."}]}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					ft.Inject(faketenant.Fault{Status: 502})
					ft.Inject(faketenant.Fault{Status: 503, Header: map[string]string{"Retry-After": "1"}})
					ft.Inject(faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": time.Now().Add(time.Second).UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")}, Body: `{"message":" Rate Limit Exceeded "}`})
				},
				Config:            providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID),
				ConfigStateChecks: []statecheck.StateCheck{expect("completion_status", str("SUCCESS"))},
			},
			{
				PreConfig:   func() { ft.ClearFaults(); ft.Inject(faketenant.Fault{Times: -1, Status: 500, Body: dto}) },
				Config:      providerConfig(ft, "max_retries = 2") + taskStatusBlock(faketenant.CompleteTaskID),
				ExpectError: errorWith("SailPoint API error", "HTTP 500 Internal Server Error (after 3 attempts)", "An internal fault occurred.", "trackingId: b21b1f7ce4da4d639f2c62a57171b427"),
			},
			{
				PreConfig: func() {
					ft.ClearFaults()
					ft.Inject(faketenant.Fault{Times: -1, Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":" Rate Limit Exceeded "}`})
				},
				// 429s are waited out within the read's time, past
				// max_retries; the text names the pacing actually configured,
				// as the 429s lowered it, and what to do.
				Config: providerConfig(ft, "max_retries = 1", "rate_limit = 7") + taskStatusBlock(faketenant.CompleteTaskID, `timeouts = { read = "10s" }`),
				ExpectError: errorWith("SailPoint kept throttling the request until the time ran out", "GET /task-status/v1/", "HTTP 429",
					"Rate Limit Exceeded", "from rate_limit's 7 to", "its own API client"),
			},
			{
				PreConfig: func() {
					ft.ClearFaults()
					ft.Inject(faketenant.Fault{Times: -1, Status: 200, Body: "<html>maintenance</html>", ContentType: "text/html"})
				},
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID),
				ExpectError: errorWith("Unreadable answer from SailPoint", "text/html", "<html>maintenance</html>"),
			},
		},
	})
}

// Nothing secret reaches state, plan output, or the logs of a trace-level
// run: not the client secret, not a token the tenant issued. The logs must
// hold the HTTP exchange lines, or the search proves nothing. The secret
// comes in as a pipeline passes it (a sensitive variable, or SAIL_*), since
// the test harness itself logs the configuration text it runs.
func TestAccReliability_noSecretsAtTrace(t *testing.T) {
	ft := newTenant(t)
	const secret = "s3cr3t-client-secret-for-the-trace-test"
	ft.AddClient("trace-client", secret)
	dir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", filepath.Join(dir, "terraform.log"))
	t.Setenv("TF_ACC_LOG_PATH", filepath.Join(dir, "provider.log"))
	statePath := filepath.Join(dir, "state.json")
	t.Setenv("TF_VAR_client_secret", secret)
	config := fmt.Sprintf(`
variable "client_secret" {
  type      = string
  sensitive = true
}
provider "sailpoint" {
  base_url      = %q
  client_id     = "trace-client"
  client_secret = var.client_secret
}
output "status" {
  value = data.sailpoint_task_status.test.completion_status
}
# A launch too: its POST and wait go through the same logging.
resource "sailpoint_identity_processing" "trace" {
  identity_ids  = ["2c9180835d2e5168015d32f890ca1581"]
  poll_interval = "1s"
}
`, ft.URL()) + taskStatusBlock(faketenant.CompleteTaskID, "wait_for_completion = true", `expected_completion_statuses = ["SUCCESS"]`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					return os.WriteFile(statePath, []byte(fmt.Sprintf("%#v", s)), 0o600)
				},
			},
			{
				// An error path too, with the secret from SAIL_CLIENT_SECRET:
				// the tenant refuses the credentials.
				PreConfig:   func() { t.Setenv(EnvClientSecret, secret+"-wrong") },
				Config:      strings.Replace(config, "client_secret = var.client_secret", "", 1),
				ExpectError: errorWith("SailPoint refused the client credentials"),
			},
		},
	})
	tokens := ft.IssuedTokens()
	if len(tokens) == 0 {
		t.Fatal("no token was issued, so the search proves nothing")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	text := all.String()
	for _, want := range []string{"SailPoint API exchange", "http_status=200", "http_path=/oauth/token", "http_path=/task-status/v1/" + faketenant.CompleteTaskID, "http_method=POST", "http_path=/identities/v1/process"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the trace logs (%d bytes in %d files) lack %q: the search would prove nothing", len(text), len(files), want)
		}
	}
	for _, s := range append([]string{secret, secret + "-wrong"}, tokens...) {
		if strings.Contains(text, s) {
			t.Errorf("a secret (%.8s...) appears in the state or trace logs", s)
		}
	}
	t.Logf("searched %d bytes of state and trace logs in %d files", len(text), len(files))
}

// A single read that outlives timeouts.read says so, not "request timed out".
func TestAccReliability_readTimeout(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.Inject(faketenant.Fault{Path: "/task-status", SlowOnly: true, Delay: time.Minute, Times: -1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, "timeouts = {\n    read = \"2s\"\n  }"),
			ExpectError: errorWith(fmt.Sprintf("Timed out reading task %q", faketenant.CompleteTaskID), "within timeouts.read (2s)"),
		}},
	})
}

// Blips inside a wait (a 502 that outlasts the retries,
// a proxy's HTML 200) are logged and the wait goes on; a 404 ends it.
func TestAccReliability_waitOutlastsBlips(t *testing.T) {
	t.Parallel()
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
func TestAccReliability_boundedWaits(t *testing.T) {
	t.Parallel()
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

// A read that runs out of time waiting for the provider's own budget,
// through the CLI: the diagnostic names rate_limit and share_rate_limit,
// and says nothing was sent (issue 27, finding 7: it said "no answer from
// the tenant after 0 attempt(s) ... check the tenant's status"). Of three
// reads under rate_limit = 2, one waits a window for its turn, more than
// its timeouts.read.
func TestAccReliability_ownBudgetTimesOut(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft, "rate_limit = 2") + fmt.Sprintf(`
data "sailpoint_task_status" "test" {
  count    = 3
  id       = %q
  timeouts = { read = "5s" }
}
`, faketenant.CompleteTaskID),
			ExpectError: errorWith("Timed out waiting for the provider's own rate limit", "not sent", "Nothing was sent to the tenant",
				"rate_limit (2 requests per 10s)", "share_rate_limit"),
		}},
	})
	if n := ft.Count(faketenant.IsTaskGet); n != 2 {
		t.Errorf("%d GETs, want the 2 rate_limit allows", n)
	}
}

// A base_url with a path, /v3 as in the API's documentation, through the
// CLI: the token endpoint's 404 names the URL asked and says to check
// base_url (issue 27, finding 12: it said "try again later").
func TestAccReliability_baseURLWithAPath(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	config := strings.Replace(providerConfig(ft, "max_retries = 0"), fmt.Sprintf("%q", ft.URL()), fmt.Sprintf("%q", ft.URL()+"/v3"), 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config + taskStatusBlock(faketenant.CompleteTaskID),
			ExpectError: errorWith("SailPoint token endpoint not found", ft.URL()+"/v3/oauth/token", "HTTP 404", "check base_url", "without a path such as /v3"),
		}},
	})
}
