package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// SAIL_* variables configure the provider; a configured value wins.
func TestAccProvider_environment(t *testing.T) {
	ft := newTenant(t)
	t.Setenv(EnvBaseURL, ft.URL())
	t.Setenv(EnvClientID, faketenant.DefaultClientID)
	t.Setenv(EnvClientSecret, faketenant.DefaultClientSecret)
	t.Setenv(EnvAPIVersion, "v2024")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: ft.ResetLog,
				Config:    "provider \"sailpoint\" {}\n" + taskStatusBlock(faketenant.CompleteTaskID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("completion_status"), knownvalue.StringExact("SUCCESS")),
				},
				Check: func(*terraform.State) error { return lastGetPath(ft, "/v2024/task-status/"+faketenant.CompleteTaskID) },
			},
			{
				PreConfig: ft.ResetLog,
				Config:    "provider \"sailpoint\" {\n  api_version = \"beta\"\n}\n" + taskStatusBlock(faketenant.CompleteTaskID),
				Check:     func(*terraform.State) error { return lastGetPath(ft, "/beta/task-status/"+faketenant.CompleteTaskID) },
			},
		},
	})
}

func lastGetPath(ft *faketenant.Tenant, want string) error {
	var last string
	for _, r := range ft.Requests() {
		if faketenant.IsTaskGet(r) {
			last = r.Path
		}
	}
	if last != want {
		return fmt.Errorf("GET %q, want %q", last, want)
	}
	return nil
}

// A pipeline that already holds a token uses it as is.
func TestAccProvider_accessToken(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	token := fetchToken(t, ft)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: ft.ResetLog,
			Config:    fmt.Sprintf("provider \"sailpoint\" {\n  base_url = %q\n  access_token = %q\n}\n", ft.URL(), token) + taskStatusBlock(faketenant.FailedTaskID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("completion_status"), knownvalue.StringExact("ERROR")),
			},
			Check: func(*terraform.State) error {
				if n := ft.Count(faketenant.IsToken); n != 0 {
					return fmt.Errorf("%d token requests with an access token configured", n)
				}
				return nil
			},
		}},
	})
}

func fetchToken(t *testing.T, ft *faketenant.Tenant) string {
	t.Helper()
	cc := clientcredentials.Config{ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		TokenURL: ft.URL() + sailpoint.TokenPath, AuthStyle: oauth2.AuthStyleInParams}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// Configuration mistakes are caught with a message that names the fix,
// before any request.
func TestAccProvider_configErrors(t *testing.T) { //nolint:paralleltest // t.Setenv in a loop, which the linter does not see
	for _, env := range []string{EnvBaseURL, EnvClientID, EnvClientSecret, EnvAccessToken, EnvAPIVersion} {
		t.Setenv(env, "")
	}
	ft := newTenant(t)
	data := taskStatusBlock(faketenant.CompleteTaskID)
	steps := []resource.TestStep{
		{
			Config:      "provider \"sailpoint\" {\n  base_url = \"http://acme.api.identitynow.com\"\n  access_token = \"x\"\n}\n" + data,
			ExpectError: regexp.MustCompile(`(?s)Invalid SailPoint base URL.*plain http`),
		},
		{
			Config:      fmt.Sprintf("provider \"sailpoint\" {\n  base_url = %q\n}\n", ft.URL()) + data,
			ExpectError: regexp.MustCompile(`(?s)Missing SailPoint credentials.*client_id and client_secret.*access_token`),
		},
		{
			Config:      fmt.Sprintf("provider \"sailpoint\" {\n  base_url = %q\n  client_id = \"x\"\n}\n", ft.URL()) + data,
			ExpectError: regexp.MustCompile(`(?s)Missing SailPoint client secret.*` + EnvClientSecret),
		},
		{
			Config:      fmt.Sprintf("provider \"sailpoint\" {\n  base_url = %q\n  client_id = \"x\"\n  access_token = \"y\"\n}\n", ft.URL()) + data,
			ExpectError: regexp.MustCompile(`(?s)(Invalid Attribute Combination|Conflicting SailPoint credentials)`),
		},
		{
			Config:      "provider \"sailpoint\" {\n  access_token = \"y\"\n}\n" + data,
			ExpectError: regexp.MustCompile(`(?s)Missing SailPoint base URL.*` + EnvBaseURL),
		},
		{
			Config:      fmt.Sprintf("provider \"sailpoint\" {\n  base_url = %q\n  access_token = \"y\"\n  api_version = \"v3\"\n}\n", ft.URL()) + data,
			ExpectError: errorWith("Unsupported SailPoint API version", `"v3" is not supported; use one of v1, v2026, v2025, v2024`),
		},
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if n := len(ft.Requests()); n != 0 {
		t.Errorf("%d requests reached the tenant from invalid configurations", n)
	}
}

// Against a real tenant, only when asked: SAILPOINT_LIVE_TASK_ID and
// credentials in the SAIL_* variables.
func TestAccLive_taskStatus(t *testing.T) {
	t.Parallel()
	id := os.Getenv("SAILPOINT_LIVE_TASK_ID")
	if id == "" || os.Getenv(EnvBaseURL) == "" {
		t.Skip("set SAILPOINT_LIVE_TASK_ID, SAIL_BASE_URL and credentials to test against a real tenant")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: "provider \"sailpoint\" {}\n" + taskStatusBlock(id),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("unique_name"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("created"), knownvalue.NotNull()),
			},
		}},
	})
}

func TestAccProvider_badCredentials(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "sailpoint" {
  base_url      = %q
  client_id     = "wrong-id"
  client_secret = "wrong-secret-value"
}
`, ft.URL()) + taskStatusBlock(faketenant.CompleteTaskID),
			ExpectError: regexp.MustCompile(`(?s)SailPoint refused the client credentials.*HTTP 401.*invalid_client`),
		}},
	})
}

// A provider configuration known only after apply does not fail
// validation. Read during plan, the data source says what to do; with
// depends_on, Terraform reads it during apply and it works.
func TestAccProvider_unknownAtPlan(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	config := func(dependsOn string) string {
		return fmt.Sprintf(`
resource "terraform_data" "tenant" {
  input = %q
}
provider "sailpoint" {
  base_url      = terraform_data.tenant.output
  client_id     = %q
  client_secret = %q
}
`, ft.URL(), faketenant.DefaultClientID, faketenant.DefaultClientSecret) + taskStatusBlock(faketenant.CompleteTaskID, dependsOn)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(""),
				ExpectError: regexp.MustCompile(`(?s)SailPoint provider not configured.*depends_on`),
			},
			{
				Config:            config("depends_on = [terraform_data.tenant]"),
				ConfigStateChecks: []statecheck.StateCheck{expect("completion_status", str("SUCCESS"))},
			},
		},
	})
}

// ledgerFiles counts the rate-limit ledgers in dir.
func ledgerFiles(t *testing.T, dir string) int {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "*.ledger"))
	if err != nil {
		t.Fatal(err)
	}
	return len(matches)
}

// share_rate_limit = false keeps the pacing to the provider process: no
// ledger is written; by default the provider shares its budget through one.
func TestAccProvider_shareRateLimit(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	dir := t.TempDir()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(func() string { return dir }),
		Steps: []resource.TestStep{
			{
				Config: providerConfig(ft, "share_rate_limit = false") + taskStatusBlock(faketenant.CompleteTaskID),
				Check: func(*terraform.State) error {
					if n := ledgerFiles(t, dir); n != 0 {
						return fmt.Errorf("%d ledgers with share_rate_limit = false", n)
					}
					return nil
				},
			},
			{
				Config: providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID),
				Check: func(*terraform.State) error {
					if n := ledgerFiles(t, dir); n != 1 {
						return fmt.Errorf("%d ledgers with the default share_rate_limit, want 1", n)
					}
					return nil
				},
			},
		},
	})
}

// SAIL_SHARE_RATE_LIMIT=0 turns sharing off; a value that is not a
// boolean is refused on the argument, naming the variable.
func TestAccProvider_shareRateLimitEnvironment(t *testing.T) {
	ft := newTenant(t)
	dir := t.TempDir()
	t.Setenv(EnvShareRateLimit, "sometimes")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(func() string { return dir }),
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID),
				ExpectError: errorWith("Invalid "+EnvShareRateLimit, `SAIL_SHARE_RATE_LIMIT is "sometimes"; set it to true or false`),
			},
			{
				PreConfig: func() { t.Setenv(EnvShareRateLimit, "0") },
				Config:    providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID),
				Check: func(*terraform.State) error {
					if n := ledgerFiles(t, dir); n != 0 {
						return fmt.Errorf("%d ledgers with %s=0", n, EnvShareRateLimit)
					}
					return nil
				},
			},
		},
	})
}

// The argument wins over the environment; the environment says true or
// false as strconv.ParseBool reads it; nothing set means shared.
func TestShareRateLimitSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		arg     types.Bool
		env     string
		want    bool
		wantErr bool
	}{
		{types.BoolNull(), "", true, false},
		{types.BoolNull(), "false", false, false},
		{types.BoolNull(), "0", false, false},
		{types.BoolNull(), " TRUE ", true, false},
		{types.BoolNull(), "1", true, false},
		{types.BoolNull(), "off", false, true},
		{types.BoolValue(true), "false", true, false},
		{types.BoolValue(false), "", false, false},
		{types.BoolValue(false), "garbage", false, false},
		{types.BoolUnknown(), "0", false, false},
	} {
		got, err := shareRateLimit(tc.arg, tc.env)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("share_rate_limit %v, %s=%q: %v, %v; want %v (error %v)", tc.arg, EnvShareRateLimit, tc.env, got, err, tc.want, tc.wantErr)
		}
	}
}
