package provider

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// The example of sailpoint_access_token, as a pipeline runs it: a script
// (local-exec) calls the tenant with the token and is let in. The token is
// in neither the plan nor the state (terraform show -json of each, the
// state file), nor in any output or the TF_LOG=trace log of the plan and
// the apply.
func TestAccAccessToken_scriptAuthenticatesAndNothingLeaks(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	have, openTofu := cliVersion(t, tf)
	if !openTofu && have.LessThan(version.Must(version.NewVersion("1.10.0"))) ||
		openTofu && have.LessThan(version.Must(version.NewVersion("1.11.0"))) {
		t.Skipf("%s (%s) has no ephemeral resources: they came with Terraform 1.10 and OpenTofu 1.11", cliName(have, openTofu), tf)
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("the example's script calls curl, which is not on PATH")
	}
	example, err := os.ReadFile("../../examples/ephemeral-resources/sailpoint_access_token/ephemeral-resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	ft := newTenant(t)
	dir, env := cliWorkspace(t, ft, string(example))
	// The example calls an API the fake tenant does not serve; this one
	// it does, and it answers 401 to a token it did not issue.
	env = append(env, "TF_VAR_api_path=/task-status/v1?limit=1", "TF_LOG=trace", "TF_LOG_PATH="+filepath.Join(dir, "trace.log"))

	var outputs strings.Builder
	run := func(args ...string) string {
		out, err := cliRun(t, tf, dir, env, args...)
		outputs.WriteString(out)
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	run("plan", "-input=false", "-no-color", "-out=tfplan")
	plan := run("show", "-json", "tfplan")
	run("apply", "-input=false", "-no-color", "tfplan")
	state := run("show", "-json")

	var script []faketenant.Request
	for _, r := range ft.Requests() {
		if strings.HasPrefix(r.Header.Get("User-Agent"), "curl/") {
			script = append(script, r)
		}
	}
	tokens := ft.IssuedTokens()
	if len(script) != 1 || script[0].Path != "/task-status/v1" || script[0].Status != http.StatusOK || !slices.Contains(tokens, script[0].Bearer) {
		t.Fatalf("the script's requests: %+v; want one GET /task-status/v1 let in with a token the tenant issued", script)
	}
	if _, err := os.Stat(filepath.Join(dir, "response.json")); err != nil {
		t.Errorf("the script saved no answer: %v", err)
	}

	files := map[string]string{"terraform show -json tfplan": plan, "terraform show -json": state, "the outputs": outputs.String()}
	for _, name := range []string{"terraform.tfstate", "trace.log"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	for _, want := range []string{"sailpoint_access_token", "SailPoint API exchange", "http_path=/oauth/token"} {
		if !strings.Contains(files["trace.log"], want) {
			t.Fatalf("the trace log (%d bytes) lacks %q: searching it would prove nothing", len(files["trace.log"]), want)
		}
	}
	for name, text := range files {
		for _, tok := range append(tokens, faketenant.DefaultClientSecret) {
			if strings.Contains(text, tok) {
				t.Errorf("%s holds a token or the secret (%.14s...)", name, tok)
			}
		}
	}
}

// Open hands out the client's token with its expiry and asks to be
// renewed a minute before it (a fifth of a 750 s life is more); Renew
// cannot replace the token and fails, naming the expiry, so Terraform
// stops handing it out. A configured access token comes as it is, with no
// expiry and no renewal.
func TestAccAccessToken_openAndRenew(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ctx := context.Background()

	srv, err := providerserver.NewProtocol6WithError(testProvider(testLedgerDir))()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	configure := func(settings map[string]string) {
		t.Helper()
		typ := schemas.Provider.ValueType()
		obj, ok := typ.(tftypes.Object)
		if !ok {
			t.Fatalf("the provider schema is a %T", typ)
		}
		values := map[string]tftypes.Value{}
		for name, at := range obj.AttributeTypes {
			values[name] = tftypes.NewValue(at, nil)
			if v, ok := settings[name]; ok {
				values[name] = tftypes.NewValue(tftypes.String, v)
			}
		}
		values["share_rate_limit"] = tftypes.NewValue(tftypes.Bool, false)
		config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("configuring: %v %+v", err, resp.Diagnostics)
		}
	}
	typ := schemas.EphemeralResourceSchemas["sailpoint_access_token"].ValueType()
	open := func() (*tfprotov6.OpenEphemeralResourceResponse, map[string]tftypes.Value) {
		t.Helper()
		config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
			"access_token": tftypes.NewValue(tftypes.String, nil),
			"expires_at":   tftypes.NewValue(tftypes.String, nil),
			"base_url":     tftypes.NewValue(tftypes.String, nil),
		}))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: "sailpoint_access_token", Config: &config})
		if err != nil || len(resp.Diagnostics) > 0 || resp.Result == nil {
			t.Fatalf("opening: %v %+v", err, resp)
		}
		v, err := resp.Result.Unmarshal(typ)
		if err != nil {
			t.Fatal(err)
		}
		var result map[string]tftypes.Value
		if err := v.As(&result); err != nil {
			t.Fatal(err)
		}
		return resp, result
	}
	str := func(v tftypes.Value) string {
		var s string
		_ = v.As(&s)
		return s
	}

	configure(map[string]string{"base_url": ft.URL(), "client_id": faketenant.DefaultClientID, "client_secret": faketenant.DefaultClientSecret})
	resp, result := open()
	token, baseURL := str(result["access_token"]), str(result["base_url"])
	expires, err := time.Parse(time.RFC3339, str(result["expires_at"]))
	if err != nil || !slices.Contains(ft.IssuedTokens(), token) || baseURL != ft.URL() {
		t.Fatalf("opened: expires_at %v (%v), an issued token: %v, base_url %q", result["expires_at"], err, slices.Contains(ft.IssuedTokens(), token), baseURL)
	}
	if resp.RenewAt.IsZero() || resp.RenewAt.Before(expires.Add(-time.Minute)) || !resp.RenewAt.Before(expires.Add(-59*time.Second)) {
		t.Errorf("renew at %v, want a minute before %s", resp.RenewAt, expires)
	}
	if strings.Contains(string(resp.Private), token) {
		t.Error("the private data handed to Terraform holds the token")
	}
	renewed, err := srv.RenewEphemeralResource(ctx, &tfprotov6.RenewEphemeralResourceRequest{TypeName: "sailpoint_access_token", Private: resp.Private})
	if err != nil || len(renewed.Diagnostics) != 1 || renewed.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError || !renewed.RenewAt.IsZero() {
		t.Fatalf("renewing: %v %+v; want one error and no next renewal", err, renewed)
	}
	if d := renewed.Diagnostics[0]; d.Summary != "SailPoint access token expired" ||
		!strings.Contains(d.Detail, "expires at "+expires.Format(time.RFC3339)) || !strings.Contains(d.Detail, "depends_on") || strings.Contains(d.Detail, token) {
		t.Errorf("the renewal's error: %s: %s", d.Summary, d.Detail)
	}

	configure(map[string]string{"base_url": ft.URL(), "access_token": "a-token-the-pipeline-holds"})
	resp, result = open()
	if str(result["access_token"]) != "a-token-the-pipeline-holds" || !result["expires_at"].IsNull() || !resp.RenewAt.IsZero() {
		t.Errorf("a configured access token: %v, expires_at %v, renew at %v; want it as is, with no expiry and no renewal", str(result["access_token"]) == "a-token-the-pipeline-holds", result["expires_at"], resp.RenewAt)
	}
}

// renewAt asks for the renewal a fifth of the remaining life before the
// expiry, at most a minute.
func TestAccessTokenRenewAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ life, early time.Duration }{
		{750 * time.Second, time.Minute}, {100 * time.Second, 20 * time.Second}, {0, 0},
	} {
		if got := renewAt(now.Add(tc.life), now); !got.Equal(now.Add(tc.life - tc.early)) {
			t.Errorf("life %s: renew at %s, want %s before the expiry", tc.life, got, tc.early)
		}
	}
}
