package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The sailpoint_config_import action: the same import as the resource,
// each time Terraform 1.14+ invokes it, its progress in the console.

// NewConfigImportAction is the sailpoint_config_import action.
func NewConfigImportAction() action.Action { return &configImportAction{} }

type configImportAction struct {
	data *providerData
	// now is the progress messages' clock; nil is time.Now.
	now func() time.Time
}

var (
	_ action.ActionWithConfigure        = (*configImportAction)(nil)
	_ action.ActionWithModifyPlan       = (*configImportAction)(nil)
	_ action.ActionWithConfigValidators = (*configImportAction)(nil)
)

func (a *configImportAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config_import"
}

func (a *configImportAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (a *configImportAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{actionvalidator.ExactlyOneOf(path.MatchRoot("file"), path.MatchRoot("content"))}
}

// ModifyPlan refuses at plan an API version without SP-Config (every
// version has it today) and a document that is not one.
func (a *configImportAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if d := configImport.versionProblem(a.data); d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	var obj types.Object
	resp.Diagnostics.Append(req.Config.Get(ctx, &obj)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var args configImportArgs
	resp.Diagnostics.Append(attrs(obj.Attributes()).decode(ctx, &args)...)
	if resp.Diagnostics.HasError() {
		return
	}
	doc, diags := readConfigDocument(args, true)
	resp.Diagnostics.Append(diags...)
	if doc != nil && !args.ObjectOptions.IsUnknown() && !args.IncludeTypes.IsUnknown() && !args.ExcludeTypes.IsUnknown() {
		opts, d := importOptions(ctx, args)
		resp.Diagnostics.Append(d...)
		if d := optionsProblem(opts, doc.parsed); d != nil {
			resp.Diagnostics.Append(d)
		}
	}
}

func (a *configImportAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := map[string]aschema.Attribute{"timeout": actionTimeoutAttribute()}
	for name, arg := range configImportActionAttributes() {
		attrs[name] = arg
	}
	resp.Schema = aschema.Schema{
		MarkdownDescription: "Imports an SP-Config document into the tenant each time it is invoked (" + configImportEndpoint + "), " +
			"shows the job's status while it runs and, at the end, per object type how many objects were imported with their warnings " +
			"and errors, and fails unless the job ended `COMPLETE` with no object error. Needs a personal access token with " +
			"`sp:config:manage` of an `ORG_ADMIN`. " + actionsNeedTerraform114,
		Attributes: attrs,
	}
}

func (a *configImportAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var obj types.Object
	ctx, ok := begin(ctx, a.data, "action", req.Config, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	cfg := attrs(obj.Attributes())
	var args configImportArgs
	var own actionArgs
	resp.Diagnostics.Append(cfg.decode(ctx, &args)...)
	resp.Diagnostics.Append(cfg.decode(ctx, &own)...)
	if resp.Diagnostics.HasError() {
		return
	}
	l, _, diags := prepareConfigImport(ctx, args, args.Preview.ValueBool(), types.StringNull())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	rep, _ := actionReport(own, "read its status with GET /sp-config/v1/import/{id} by that id", a.now, resp, l.describe)
	ctx, cancel := context.WithTimeout(ctx, rep.timeout)
	defer cancel()
	_, diags = runLaunch(ctx, a.data, l, rep)
	resp.Diagnostics.Append(diags...)
}
