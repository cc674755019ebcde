// Package provider is the Terraform provider for SailPoint Identity Security
// Cloud. It holds framework code only: the API client is internal/sailpoint.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Environment variables read when an argument is not set, the same the
// SailPoint CLI and SDKs read.
const (
	EnvBaseURL      = "SAIL_BASE_URL"
	EnvClientID     = "SAIL_CLIENT_ID"
	EnvClientSecret = "SAIL_CLIENT_SECRET"
	EnvAccessToken  = "SAIL_ACCESS_TOKEN"
	EnvAPIVersion   = "SAIL_API_VERSION"
	// EnvShareRateLimit is the provider's own: false or 0 keeps the rate
	// limit to one provider process.
	EnvShareRateLimit = "SAIL_SHARE_RATE_LIMIT"
)

var (
	_ provider.Provider                       = (*sailpointProvider)(nil)
	_ provider.ProviderWithActions            = (*sailpointProvider)(nil)
	_ provider.ProviderWithListResources      = (*sailpointProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*sailpointProvider)(nil)
)

type sailpointProvider struct {
	version string
	// ledgerDir holds the shared rate-limit ledgers; "" is the user's
	// cache folder. The tests set a folder of their own.
	ledgerDir string
	// operations are shown as resources and actions; nil is operations.
	// A test adds one of its own.
	operations []operation
}

func (p *sailpointProvider) launches() []operation {
	if p.operations != nil {
		return p.operations
	}
	return operations
}

// New returns a factory for the provider at a version (set by ldflags).
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &sailpointProvider{version: version}
	}
}

type providerModel struct {
	BaseURL        types.String         `tfsdk:"base_url"`
	ClientID       types.String         `tfsdk:"client_id"`
	ClientSecret   types.String         `tfsdk:"client_secret"`
	AccessToken    types.String         `tfsdk:"access_token"`
	APIVersion     types.String         `tfsdk:"api_version"`
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
	MaxRetries     types.Int64          `tfsdk:"max_retries"`
	RateLimit      types.Int64          `tfsdk:"rate_limit"`
	ShareRateLimit types.Bool           `tfsdk:"share_rate_limit"`
}

// providerData is what Configure hands to data sources.
type providerData struct {
	client *sailpoint.Client
	// sources lets one launch at a time work on a source.
	sources sourceTurns
	// secrets are masked from every log line a data source writes.
	secrets []string
}

func (p *sailpointProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sailpoint"
	resp.Version = p.version
}

func (p *sailpointProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Starts tasks in SailPoint Identity Security Cloud (ISC), such as aggregations and identity " +
			"processing, and reads task statuses, so a pipeline can wait for a task and gate on how it finished: with a " +
			"resource or an action that starts the task, or with the `sailpoint_task_status` data source for a task started " +
			"elsewhere. Authenticate with client credentials (an API client or a personal access token) or with an access " +
			"token you already hold.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				MarkdownDescription: "The tenant's API base URL, such as `https://acme.api.identitynow.com`. Falls back to " +
					"`" + EnvBaseURL + "`. Must be `https`; plain `http` is accepted only for loopback hosts " +
					"(`127.0.0.0/8`, `::1`, `localhost`).",
				Optional:   true,
				Validators: []validator.String{baseURLValidator},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The client id of an API client or personal access token. Falls back to `" + EnvClientID + "`.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("access_token")),
				},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The client secret that goes with `client_id`. Falls back to `" + EnvClientSecret + "`. " +
					"Never stored in state or written to logs.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("access_token")),
				},
			},
			"access_token": schema.StringAttribute{
				MarkdownDescription: "A bearer token used as is, for pipelines that already hold one, instead of " +
					"`client_id` and `client_secret`. Falls back to `" + EnvAccessToken + "`. The provider cannot " +
					"refresh it: it must stay valid for the whole run.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"api_version": schema.StringAttribute{
				MarkdownDescription: "Which API version to call: `v1` (the default, `/task-status/v1/{id}`), or one of the " +
					"older collection versions `v2026`, `v2025`, `v2024`, `beta` (`/{version}/task-status/{id}`). " +
					"Falls back to `" + EnvAPIVersion + "`.",
				Optional:   true,
				Validators: []validator.String{apiVersionValidator},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one HTTP request may take before it is abandoned and retried, as a "+
					"Go duration such as `\"30s\"`. Defaults to `%s`. A wait for a task is bounded by the data sources' "+
					"`timeouts.read`, the resources' `timeouts.create` and the actions' `timeout`, not by this.", sailpoint.DefaultRequestTimeout),
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{minDuration(time.Second, "Request timeout")},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a connection error or a `5xx`, "+
					"from 0 to 10. Defaults to %d. Backoff is exponential with jitter, from 1 s to 30 s, and follows the "+
					"tenant's `Retry-After`. A `429` is waited out for as long as the operation's timeout allows "+
					"(`timeouts.read`, `timeouts.create`, an action's `timeout`); 0 retries nothing.", sailpoint.DefaultRetryMax),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 10)},
			},
			"rate_limit": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The tenant's rate limit for this client and API version, in requests per "+
					"10 seconds. Defaults to %d, ISC's limit. All reads of the provider share one limiter that never "+
					"starts more than this in any 10 seconds: the first ones go at once, later ones wait only as long "+
					"as the limit requires, so large plans do not meet `429`s. With `share_rate_limit` (the default) the "+
					"limit holds for all provider processes on this machine together. A `429` that still comes (other "+
					"machines or tools using the same client) is honoured, and lowers the pace until requests go through "+
					"again. Runners that share one client at once can each set it to their share (100 divided by the runners).", sailpoint.DefaultRequestsPerWindow),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 100000)},
			},
			"share_rate_limit": schema.BoolAttribute{
				MarkdownDescription: "Whether every provider process on this machine that calls the same tenant with the same " +
					"client (or access token) and API version shares one `rate_limit`. Defaults to `true`; falls back to `" +
					EnvShareRateLimit + "` (`false` or `0` turns it off). ISC counts requests per client and API version, " +
					"not per process: a `terraform plan` followed at once by `terraform apply`, or several workspaces run " +
					"at once, would each start with a full budget and together meet `429`s. Shared, their recent request " +
					"times are kept in a small file in the user's cache folder (times only, under a hashed name, no secret), " +
					"updated under a file lock, and a `429` one of them meets holds the others until its `Retry-After` has " +
					"passed. When that folder cannot be used the provider paces its own requests alone, and says so in the " +
					"debug log. It cannot see other machines, the SailPoint UI or scripts using the same client: give each " +
					"pipeline its own API client, or lower `rate_limit`.",
				Optional: true,
			},
		},
	}
}

// setting is an argument's value, or its environment variable's when the
// argument is null. unknown is true when the value is known only after apply.
func setting(v types.String, env string) (value string, unknown bool) {
	if v.IsUnknown() {
		return "", true
	}
	if !v.IsNull() {
		return v.ValueString(), false
	}
	return os.Getenv(env), false
}

func (p *sailpointProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	anyUnknown := false
	value := func(v types.String, env string) string {
		s, unknown := setting(v, env)
		anyUnknown = anyUnknown || unknown
		return s
	}
	baseURL := value(cfg.BaseURL, EnvBaseURL)
	clientID := value(cfg.ClientID, EnvClientID)
	clientSecret := value(cfg.ClientSecret, EnvClientSecret)
	accessToken := value(cfg.AccessToken, EnvAccessToken)
	apiVersion := value(cfg.APIVersion, EnvAPIVersion)
	ctx = tflog.MaskAllFieldValuesStrings(ctx, nonEmpty(clientSecret, accessToken)...)
	ctx = tflog.MaskMessageStrings(ctx, nonEmpty(clientSecret, accessToken)...)

	if anyUnknown {
		// Data sources and resources that depend on this configuration are
		// read once it is known; do not fail a plan over it.
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		tflog.Debug(ctx, "SailPoint provider configuration is not yet known; not configuring a client")
		return
	}

	userAgent := fmt.Sprintf("terraform-provider-sailpoint/%s (+https://registry.terraform.io/providers/isc-community/sailpoint)", p.version)
	if req.TerraformVersion != "" {
		userAgent += " Terraform/" + req.TerraformVersion
	}
	clientCfg := sailpoint.Config{
		BaseURL:           baseURL,
		ClientID:          clientID,
		ClientSecret:      clientSecret,
		AccessToken:       accessToken,
		APIVersion:        apiVersion,
		UserAgent:         userAgent,
		Logger:            tflogLogger{},
		RequestsPerWindow: int(cfg.RateLimit.ValueInt64()),
	}
	if d, diags := cfg.RequestTimeout.ValueGoDuration(); !cfg.RequestTimeout.IsNull() && !diags.HasError() {
		clientCfg.RequestTimeout = d
	}
	if !cfg.MaxRetries.IsNull() {
		clientCfg.RetryMax = int(cfg.MaxRetries.ValueInt64())
		clientCfg.NoRetries = clientCfg.RetryMax == 0
	}
	share, err := shareRateLimit(cfg.ShareRateLimit, os.Getenv(EnvShareRateLimit))
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("share_rate_limit"), "Invalid "+EnvShareRateLimit, err.Error()+".")
		return
	}
	clientCfg.NoSharedPacing, clientCfg.LedgerDir = !share, p.ledgerDir
	client, err := sailpoint.New(clientCfg)
	if err != nil {
		resp.Diagnostics.Append(configDiagnostics(err)...)
		return
	}
	auth := "client_credentials"
	if accessToken != "" {
		auth = "access_token"
	}
	tflog.Debug(ctx, "SailPoint provider configured", map[string]any{
		"base_url":         baseURL,
		"api_version":      client.APIVersion(),
		"auth":             auth,
		"share_rate_limit": share,
	})
	data := &providerData{client: client, secrets: nonEmpty(clientSecret, accessToken)}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
	resp.EphemeralResourceData = data
}

// shareRateLimit is share_rate_limit, or the environment's value when it
// is not set (or not known yet), true by default.
func shareRateLimit(v types.Bool, env string) (bool, error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), nil
	}
	if strings.TrimSpace(env) == "" {
		return true, nil
	}
	share, err := strconv.ParseBool(strings.TrimSpace(env))
	if err != nil {
		return false, fmt.Errorf("%s is %q; set it to true or false (or 1 or 0), or set share_rate_limit in the provider block", EnvShareRateLimit, env)
	}
	return share, nil
}

// configDiagnostics explains, on the argument at fault, each problem the
// client found in the merged configuration (arguments, then the
// environment): the client owns the rules, the provider says where the
// values come from.
func configDiagnostics(err error) diag.Diagnostics {
	var diags diag.Diagnostics
	problems := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		problems = joined.Unwrap()
	}
	for _, problem := range problems {
		var ce *sailpoint.ConfigError
		if !errors.As(problem, &ce) {
			diags.AddError("Invalid SailPoint provider configuration", capitalize(problem.Error())+".")
			continue
		}
		switch {
		case ce.Field == "BaseURL" && ce.Reason == sailpoint.ReasonMissing:
			diags.AddAttributeError(path.Root("base_url"), "Missing SailPoint base URL",
				"Set base_url in the provider block or the "+EnvBaseURL+" environment variable to your tenant's API URL, such as https://acme.api.identitynow.com.")
		case ce.Field == "BaseURL":
			diags.AddAttributeError(path.Root("base_url"), "Invalid SailPoint base URL", baseURLDetail(ce.Err))
		case ce.Field == "APIVersion":
			diags.AddAttributeError(path.Root("api_version"), "Unsupported SailPoint API version", apiVersionDetail(ce.Err))
		case ce.Reason == sailpoint.ReasonConflict:
			diags.AddAttributeError(path.Root("access_token"), "Conflicting SailPoint credentials",
				"Both an access token and client credentials are set (in the provider block or the "+EnvAccessToken+", "+
					EnvClientID+" and "+EnvClientSecret+" environment variables). Set either access_token, or client_id and client_secret.")
		case ce.Reason == sailpoint.ReasonNoCredentials:
			diags.AddAttributeError(path.Root("client_id"), "Missing SailPoint credentials",
				"Set client_id and client_secret (or "+EnvClientID+" and "+EnvClientSecret+") to an API client or personal "+
					"access token with the idn:task-management:read scope, or set access_token (or "+EnvAccessToken+").")
		case ce.Field == "ClientID":
			diags.AddAttributeError(path.Root("client_id"), "Missing SailPoint client id",
				"client_secret is set but client_id is not. Set client_id or "+EnvClientID+".")
		case ce.Field == "ClientSecret":
			diags.AddAttributeError(path.Root("client_secret"), "Missing SailPoint client secret",
				"client_id is set but client_secret is not. Set client_secret or "+EnvClientSecret+".")
		default:
			diags.AddError("Invalid SailPoint provider configuration", capitalize(ce.Error())+".")
		}
	}
	return diags
}

func (p *sailpointProvider) Resources(context.Context) []func() resource.Resource {
	out := make([]func() resource.Resource, 0, len(p.launches())+1)
	for _, op := range p.launches() {
		out = append(out, op.newResource)
	}
	return append(out, NewConfigImportResource)
}

// Actions are listed only to Terraform 1.14 and newer; older CLIs and
// OpenTofu do not ask for them.
func (p *sailpointProvider) Actions(context.Context) []func() action.Action {
	out := make([]func() action.Action, 0, len(p.launches())+1)
	for _, op := range p.launches() {
		out = append(out, op.newAction)
	}
	return append(out, NewConfigImportAction, NewClearPendingTaskAction)
}

// ListResources are one per launch resource, for terraform query: listed
// only to Terraform 1.14 and newer.
func (p *sailpointProvider) ListResources(context.Context) []func() list.ListResource {
	out := make([]func() list.ListResource, len(p.launches()))
	for i, op := range p.launches() {
		out[i] = op.newListResource
	}
	return out
}

// EphemeralResources are asked for by Terraform 1.10 and newer (OpenTofu
// 1.11); older CLIs never see them.
func (p *sailpointProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewAccessTokenEphemeralResource}
}

func (p *sailpointProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewTaskStatusDataSource,
		NewTaskStatusesDataSource,
		NewConfigExportDataSource,
	}
}

// tflogLogger writes the client's exchange lines through tflog, so they
// follow TF_LOG and the masking set on the context.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

// configuredData takes what Configure handed out; nil means the provider's
// configuration was not known yet.
func configuredData(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", v))
		return nil
	}
	return data
}

// source is a configuration, plan or state to read a model from.
type source interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// begin starts every call that talks to the tenant: it reads src into
// target, checks the provider has a client, and returns a context whose log
// lines never show the provider's secrets. false means stop: diags says why.
func begin(ctx context.Context, data *providerData, kind string, src source, target any, diags *diag.Diagnostics) (context.Context, bool) {
	diags.Append(src.Get(ctx, target)...)
	if diags.HasError() || !requireClient(data, kind, diags) {
		return ctx, false
	}
	return data.maskSecrets(ctx), true
}

// requireClient reports whether the provider has a client, and explains
// why not when it has none; kind is "data source", "resource" or "action".
func requireClient(data *providerData, kind string, diags *diag.Diagnostics) bool {
	if data != nil && data.client != nil {
		return true
	}
	if kind == "data source" {
		diags.AddError("SailPoint provider not configured",
			"The provider's configuration (base_url, credentials or api_version) depends on values known only after apply, "+
				"and Terraform reads this data source while planning. Add depends_on = [<the resource those values come from>] "+
				"to the data source, so Terraform reads it during apply, or give the provider values known at plan time.")
		return false
	}
	diags.AddError("SailPoint provider not configured", fmt.Sprintf(
		"The provider's configuration (base_url, credentials or api_version) was not known when Terraform called this %s, "+
			"so nothing was started. Give the provider values known before the apply, or apply the resources they come from first "+
			"(terraform apply -target=...).", kind))
	return false
}

// maskSecrets hides the configured secrets from every log line written
// with ctx, whatever field or message they might end up in.
func (d *providerData) maskSecrets(ctx context.Context) context.Context {
	ctx = tflog.MaskAllFieldValuesStrings(ctx, d.secrets...)
	return tflog.MaskMessageStrings(ctx, d.secrets...)
}
