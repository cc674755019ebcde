package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// sailpoint_access_token hands the provider's bearer token to what the
// provider does not cover (a script's request, another provider's
// configuration) as an ephemeral value: Terraform keeps it out of plan and
// state, and the provider out of its logs. It is the token the provider's
// own client holds (BearerToken): client credentials give one with an
// expiry, a configured access_token is handed out as it is.
//
// Terraform cannot give an open ephemeral resource a new value: Renew can
// only extend the life of what Open returned, and a bearer token's life
// cannot be extended. So Open asks Terraform to call Renew shortly before
// the token expires, and Renew fails, saying so: from then on Terraform
// refuses to read the token ("Ephemeral resource instance has expired")
// instead of handing out one the tenant is about to refuse.
type accessTokenResource struct {
	data *providerData
	now  func() time.Time
}

// NewAccessTokenEphemeralResource is sailpoint_access_token.
func NewAccessTokenEphemeralResource() ephemeral.EphemeralResource {
	return &accessTokenResource{now: time.Now}
}

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*accessTokenResource)(nil)
	_ ephemeral.EphemeralResourceWithRenew     = (*accessTokenResource)(nil)
)

type accessTokenModel struct {
	AccessToken types.String      `tfsdk:"access_token"`
	ExpiresAt   timetypes.RFC3339 `tfsdk:"expires_at"`
	BaseURL     types.String      `tfsdk:"base_url"`
}

// accessTokenPrivate is what Renew is told of the token: when it was
// handed out and when it expires, never the token.
type accessTokenPrivate struct {
	OpenedAt  time.Time `json:"opened_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

const accessTokenPrivateKey = "token"

func (r *accessTokenResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_token"
}

func (r *accessTokenResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A bearer token for the tenant, from the provider's credentials, for calling an ISC API the " +
			"provider does not cover: in a script's environment (a `local-exec` provisioner's `environment` takes " +
			"ephemeral values) or another provider's configuration. It is ephemeral (Terraform 1.10 and newer, OpenTofu 1.11 " +
			"and newer): Terraform keeps it out of plans and state, and the provider out of its logs. It is the token the " +
			"provider itself uses: with `client_id` and `client_secret` one from the client credentials grant, shared with " +
			"the provider's own requests (no extra token request while it is fresh); with `access_token`, that token as it " +
			"is. Terraform cannot replace an ephemeral value it holds, so shortly before `expires_at` the provider tells " +
			"Terraform the token has expired, and expressions that read it after that fail rather than pass on a token the " +
			"tenant would refuse.",
		Attributes: map[string]schema.Attribute{
			"access_token": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The bearer token: send it as `Authorization: Bearer <token>`. It has the scopes and " +
					"user levels of the provider's credentials.",
			},
			"expires_at": schema.StringAttribute{
				Computed:   true,
				CustomType: timetypes.RFC3339Type{},
				MarkdownDescription: "When the token expires, in RFC 3339 (UTC), as the tenant's token endpoint said " +
					"(`expires_in`). Null when the provider does not know: a configured `access_token`, or a token endpoint " +
					"that gave no `expires_in`.",
			},
			"base_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The tenant's API base URL the token is for: the provider's `base_url` (or `SAIL_BASE_URL`), such as `https://acme.api.identitynow.com`.",
			},
		},
	}
}

func (r *accessTokenResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *accessTokenResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if r.data == nil || r.data.client == nil {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
			return
		}
		resp.Diagnostics.AddError("SailPoint provider not configured", "The provider's configuration (base_url, "+
			"credentials or api_version) depends on values known only after apply, so there are no credentials to get a "+
			"token with yet. Give the provider values known at plan time: literals, variables, or the SAIL_* environment variables.")
		return
	}
	ctx = r.data.maskSecrets(ctx)
	tok, err := r.data.client.BearerToken(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(err, "an access token for sailpoint_access_token"))
		return
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, tok.Value)
	ctx = tflog.MaskMessageStrings(ctx, tok.Value)
	model := accessTokenModel{
		AccessToken: types.StringValue(tok.Value),
		ExpiresAt:   timetypes.NewRFC3339Null(),
		BaseURL:     types.StringValue(r.data.client.BaseURL()),
	}
	if !tok.Expiry.IsZero() {
		model.ExpiresAt = timetypes.NewRFC3339TimeValue(tok.Expiry.UTC().Truncate(time.Second))
		resp.RenewAt = renewAt(tok.Expiry, r.now())
		b, err := json.Marshal(accessTokenPrivate{OpenedAt: r.now(), ExpiresAt: tok.Expiry})
		if err == nil {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, accessTokenPrivateKey, b)...)
		}
	}
	tflog.Debug(ctx, "Opened sailpoint_access_token", map[string]any{"expires_at": model.ExpiresAt.ValueString(), "renew_at": resp.RenewAt})
	resp.Diagnostics.Append(resp.Result.Set(ctx, model)...)
}

// renewAt is when Terraform is asked to renew a token expiring at expiry,
// opened at now: a fifth of its remaining life early, at most a minute, as
// the client renews its own.
func renewAt(expiry, now time.Time) time.Time {
	return expiry.Add(-min(expiry.Sub(now)/5, time.Minute))
}

// Renew cannot renew: the token in Terraform's hands is fixed, and about to
// expire. The error ends its use, and says how to use a token in time.
func (r *accessTokenResource) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	var p accessTokenPrivate
	if b, _ := req.Private.GetKey(ctx, accessTokenPrivateKey); len(b) > 0 {
		_ = json.Unmarshal(b, &p)
	}
	when := "soon"
	if !p.ExpiresAt.IsZero() {
		when = fmt.Sprintf("at %s, %s after it was handed out", p.ExpiresAt.UTC().Format(time.RFC3339), p.ExpiresAt.Sub(p.OpenedAt).Round(time.Second))
	}
	resp.Diagnostics.AddError("SailPoint access token expired", fmt.Sprintf(
		"The token sailpoint_access_token handed out expires %s, while Terraform still holds it for something that has not "+
			"run or finished. A bearer token cannot be renewed, and Terraform cannot replace a value it already handed out, "+
			"so Terraform now refuses to read the token (\"Ephemeral resource instance has expired\") rather than pass on one "+
			"the tenant would refuse. Open the ephemeral resource close to what uses it, with depends_on on what must run "+
			"first (a long aggregation, say), and keep what uses it shorter than the token's life.", when))
}
