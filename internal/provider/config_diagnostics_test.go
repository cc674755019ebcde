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
