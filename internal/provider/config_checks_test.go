package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Every problem the client finds in a merged configuration lands on the
// argument at fault, with a summary and the environment variable to fix;
// several problems are all reported at once.
func TestConfigDiagnostics(t *testing.T) {
	t.Parallel()
	const url = "https://acme.api.identitynow.com"
	type want struct{ attr, summary, fragment string }
	for _, tc := range []struct {
		name string
		cfg  sailpoint.Config
		want []want
	}{
		{"nothing", sailpoint.Config{}, []want{
			{"base_url", "Missing SailPoint base URL", EnvBaseURL},
			{"client_id", "Missing SailPoint credentials", EnvAccessToken},
		}},
		{"plain http", sailpoint.Config{BaseURL: "http://acme.api.identitynow.com", AccessToken: "t"}, []want{
			{"base_url", "Invalid SailPoint base URL", "plain http"},
		}},
		{"version", sailpoint.Config{BaseURL: url, AccessToken: "t", APIVersion: "v3"}, []want{
			{"api_version", "Unsupported SailPoint API version", `"v3" is not supported; use one of v1, v2026, v2025, v2024, beta (api_version or ` + EnvAPIVersion + `)`},
		}},
		{"both", sailpoint.Config{BaseURL: url, ClientID: "i", AccessToken: "t"}, []want{
			{"access_token", "Conflicting SailPoint credentials", EnvClientID},
		}},
		{"no id", sailpoint.Config{BaseURL: url, ClientSecret: "s"}, []want{
			{"client_id", "Missing SailPoint client id", EnvClientID},
		}},
		{"no secret", sailpoint.Config{BaseURL: url, ClientID: "i"}, []want{
			{"client_secret", "Missing SailPoint client secret", EnvClientSecret},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := sailpoint.New(tc.cfg)
			if err == nil {
				t.Fatal("accepted")
			}
			diags := configDiagnostics(err)
			if len(diags) != len(tc.want) {
				t.Fatalf("%d diagnostics, want %d: %v", len(diags), len(tc.want), diags)
			}
			for i, w := range tc.want {
				d, ok := diags[i].(diag.DiagnosticWithPath)
				if !ok || !d.Path().Equal(path.Root(w.attr)) || d.Summary() != w.summary || !strings.Contains(d.Detail(), w.fragment) {
					t.Errorf("diagnostic %d: %v, want %+v", i, diags[i], w)
				}
			}
		})
	}
}

// The schema's checks are the client's rules, and say what kind of value
// they refused.
func TestSchemaChecksUseTheClientsRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		check     stringCheck
		bad, want string
		good      string
	}{
		{taskIDValidator, "a/b", `The task id "a/b" contains`, "2c91808a7813090a01781412a1110a30"},
		{idValidator("source id", sailpoint.ValidateSourceID), "a/b", `The source id "a/b" contains`, "2c9180835d191a86015d28455b4a2329"},
		{idValidator("identity id", func(id string) error { return sailpoint.ValidateIdentityIDs([]string{id}) }), " x", `The identity id " x" has leading or trailing white space`, "ef38f94347e94562b5bb8424a56397d8"},
		{apiVersionValidator, "v3", `API version "v3" is not supported; use one of v1, v2026, v2025, v2024, beta (api_version or ` + EnvAPIVersion + `).`, "beta"},
		{baseURLValidator, "http://acme.api.identitynow.com", "The base URL \"http://acme.api.identitynow.com\" uses plain http", "http://127.0.0.1:8080"},
	} {
		if got := tc.check.check(tc.bad); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q: %q, want it to start with %q", tc.bad, got, tc.want)
		}
		if got := tc.check.check(tc.good); got != "" {
			t.Errorf("%q refused: %s", tc.good, got)
		}
	}
}
