package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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

// protoV6ProviderFactories serve the provider in-process to the real
// Terraform CLI that terraform-plugin-testing drives.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sailpoint": providerserver.NewProtocol6WithError(New("test")()),
}

var (
	specOnce sync.Once
	spec     *faketenant.SpecValidator
	specErr  error
)

// newTenant starts a fake tenant whose every answer is checked against the
// OpenAPI files; the test fails if one does not match.
func newTenant(t *testing.T) *faketenant.Tenant {
	t.Helper()
	specOnce.Do(func() { spec, specErr = faketenant.LoadSpec(faketenant.SpecDir()) })
	if specErr != nil {
		t.Fatal(specErr)
	}
	ft := faketenant.New().ValidateWith(spec).Start()
	t.Cleanup(func() {
		ft.Close()
		if p := ft.Problems(); len(p) > 0 {
			t.Errorf("the fake tenant answered outside the spec:\n%s", strings.Join(p, "\n"))
		}
	})
	return ft
}

// providerConfig is a provider block for a tenant; extra lines go inside it.
func providerConfig(ft *faketenant.Tenant, extra ...string) string {
	return fmt.Sprintf(`
provider "sailpoint" {
  base_url      = %q
  client_id     = %q
  client_secret = %q
  %s
}
`, ft.URL(), faketenant.DefaultClientID, faketenant.DefaultClientSecret, strings.Join(extra, "\n  "))
}

func dataOnly(id string) string {
	return fmt.Sprintf("data \"sailpoint_task_status\" \"test\" {\n  id = %q\n}\n", id)
}

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
				Config:    "provider \"sailpoint\" {}\n" + dataOnly(faketenant.CompleteTaskID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("completion_status"), knownvalue.StringExact("SUCCESS")),
				},
				Check: func(*terraform.State) error { return lastGetPath(ft, "/v2024/task-status/"+faketenant.CompleteTaskID) },
			},
			{
				PreConfig: ft.ResetLog,
				Config:    "provider \"sailpoint\" {\n  api_version = \"beta\"\n}\n" + dataOnly(faketenant.CompleteTaskID),
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
			Config:    fmt.Sprintf("provider \"sailpoint\" {\n  base_url = %q\n  access_token = %q\n}\n", ft.URL(), token) + dataOnly(faketenant.FailedTaskID),
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
	data := dataOnly(faketenant.CompleteTaskID)
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
			Config: "provider \"sailpoint\" {}\n" + dataOnly(id),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("unique_name"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.sailpoint_task_status.test", tfjsonpath.New("created"), knownvalue.NotNull()),
			},
		}},
	})
}

// errorWith matches an error holding each fragment in order; Terraform
// wraps long lines, so any run of spaces may be a line break.
func errorWith(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(f)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}
