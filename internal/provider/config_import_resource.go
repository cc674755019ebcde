package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	rtimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The sailpoint_config_import resource: an SP-Config import as a launch
// resource. Its identity is the document's objects and the options
// (objects_sha256 and the options shape the import); the lifecycle is a
// launch's: one POST, the wait, the gate; Ctrl-C keeps the job and the
// next apply resumes it; import adopts a job by id; destroy forgets.

// NewConfigImportResource is the sailpoint_config_import resource.
func NewConfigImportResource() resource.Resource { return &configImportResource{} }

type configImportResource struct {
	data *providerData
}

var (
	_ resource.ResourceWithConfigure        = (*configImportResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*configImportResource)(nil)
	_ resource.ResourceWithImportState      = (*configImportResource)(nil)
	_ resource.ResourceWithConfigValidators = (*configImportResource)(nil)
)

// configImportState is what the resource keeps besides its arguments.
type configImportState struct {
	ID                types.String      `tfsdk:"id"`
	JobID             types.String      `tfsdk:"job_id"`
	Status            types.String      `tfsdk:"status"`
	Message           types.String      `tfsdk:"message"`
	Created           timetypes.RFC3339 `tfsdk:"created"`
	Completed         timetypes.RFC3339 `tfsdk:"completed"`
	Expiration        timetypes.RFC3339 `tfsdk:"expiration"`
	BackupExportJobID types.String      `tfsdk:"backup_export_job_id"`
	Results           types.Map         `tfsdk:"results"`
	ObjectsSHA256     types.String      `tfsdk:"objects_sha256"`
	Triggers          types.Map         `tfsdk:"triggers"`
	PreviewOnPlan     types.Bool        `tfsdk:"preview_on_plan"`
	Timeouts          rtimeouts.Value   `tfsdk:"timeouts"`
}

// configImportShaping are the arguments whose change starts a new import:
// the objects, the options, the triggers. The document's path or text with
// the same objects, and how to wait or gate, update in place.
var configImportShaping = []string{"objects_sha256", "include_types", "exclude_types", "object_options", "default_references",
	"exclude_backup", "preview", "triggers"}

func (r *configImportResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config_import"
}

func (r *configImportResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *configImportResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("file"), path.MatchRoot("content"))}
}

// configImportTypesValidator takes the import types the spec lists.
func configImportTypesValidator() validator.Set {
	return setvalidator.ValueStringsAre(stringvalidator.OneOf(sailpoint.ConfigImportTypes...))
}

const configImportEndpoint = "`POST /sp-config/v1/import`, or `/{version}/sp-config/import`"

func (r *configImportResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedString := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	computedTime := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: desc}
	}
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The import job's id, the same as `job_id`.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"job_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The id of the import job the tenant started (`jobId`).",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"status":               computedString("The job's status: `NOT_STARTED`, `IN_PROGRESS`, `COMPLETE`, `CANCELLED`, `FAILED`, as last read."),
		"message":              computedString("The job's message, null when it gave none."),
		"created":              computedTime("When the job was created."),
		"completed":            computedTime("When the job ended; null while it runs."),
		"expiration":           computedTime("Until when the job's results (and the backup) can be downloaded."),
		"backup_export_job_id": computedString("The id of the export job that backed up the tenant's objects before the import (`exportJobId`); null with `exclude_backup` or for a preview. Restore from its document (see the guide)."),
		"objects_sha256": schema.StringAttribute{Computed: true, MarkdownDescription: "The identity of the document's objects: " +
			"the same objects in another order, formatting or export give the same value (the guide states the rule). A change of it starts a new import."},
		"results": schema.MapNestedAttribute{
			Computed: true,
			MarkdownDescription: "What the import did, per object type (`TRANSFORM`, `RULE`, ...), from its results, downloaded once " +
				"when the job ended: `infos`, `warnings` and `errors`, each with `key`, `text` and `details` (JSON text), and `imported_objects`.",
			PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			NestedObject:  configResultNestedObject(),
		},
		"triggers": schema.MapAttribute{Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Arbitrary values that start a new import when any of them changes."},
		"preview_on_plan": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "When the plan would start an import, run one preview import during the plan and show its results as a " +
				"plan warning: per object type how many objects would be imported, and every warning and error. A preview with an error " +
				"fails the plan. A preview changes nothing in the tenant; a plan that starts no import runs none. Defaults to `false`."},
		"timeouts": createTimeoutsAttribute(ctx),
	}
	for name, a := range configImportResourceAttributes() {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Imports an SP-Config document into the tenant when created (" + configImportEndpoint + "): " +
			"configuration objects (transforms, rules, sources, identity profiles...) exported from another tenant. Waits for the " +
			"import job, downloads its results and fails the apply unless it ended `COMPLETE` with no object error (and, with " +
			"`fail_on_warnings`, no warning). What starts a new import is the document's objects and the options, not its bytes. " +
			"Needs a personal access token with `sp:config:manage` of an `ORG_ADMIN`. Destroying it calls nothing: an import " +
			"cannot be undone; restore from `backup_export_job_id`.",
		Attributes: attrs,
	}
}

// Values is the resource's values read as its models.
func configImportValues(ctx context.Context, values attrs) (configImportArgs, configImportState, diag.Diagnostics) {
	var args configImportArgs
	var state configImportState
	diags := values.decode(ctx, &args)
	diags.Append(values.decode(ctx, &state)...)
	return args, state, diags
}

// ModifyPlan plans an import by its document's objects: objects_sha256 is
// computed from file or content. A change of it, of an option or of the
// triggers replaces the resource (a new import); anything else updates in
// place. With preview_on_plan, a plan that would start an import previews
// it.
func (r *configImportResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if d := configImport.versionProblem(r.data); d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	var planObj types.Object
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planObj)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan := attrs(planObj.Attributes())
	_, planned, diags := configImportValues(ctx, plan)
	resp.Diagnostics.Append(diags...)
	// The document is read from the configuration as Terraform sends it.
	var cfgObj types.Object
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfgObj)...)
	var args configImportArgs
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(attrs(cfgObj.Attributes()).decode(ctx, &args)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	doc, diags := readConfigDocument(args, true)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned.ObjectsSHA256 = types.StringUnknown()
	if doc != nil {
		planned.ObjectsSHA256 = types.StringValue(doc.parsed.ObjectsSHA256)
		opts, d := importOptions(ctx, args)
		resp.Diagnostics.Append(d...)
		if d := optionsProblem(opts, doc.parsed); d != nil && !args.IncludeTypes.IsUnknown() && !args.ExcludeTypes.IsUnknown() && !args.ObjectOptions.IsUnknown() {
			resp.Diagnostics.Append(d)
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(plan.encode(&planned)...)
	startsImport := req.State.Raw.IsNull()
	if !startsImport {
		var stateObj types.Object
		resp.Diagnostics.Append(req.State.Get(ctx, &stateObj)...)
		if resp.Diagnostics.HasError() {
			return
		}
		startsImport = r.planChange(ctx, plan, attrs(stateObj.Attributes()), readLifecycle(ctx, req.Private), resp)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if startsImport && planned.PreviewOnPlan.ValueBool() && r.data != nil && r.data.client != nil {
		if doc == nil || args.IncludeTypes.IsUnknown() || args.ExcludeTypes.IsUnknown() || args.ObjectOptions.IsUnknown() ||
			args.DefaultReferences.IsUnknown() || args.ExcludeBackup.IsUnknown() {
			resp.Diagnostics.AddWarning("No SP-Config import preview at plan", "The document or an option is known only at apply, "+
				"so the import cannot be previewed now. It is gated at apply as usual.")
		} else {
			timeout, d := planned.Timeouts.Create(ctx, defaultLaunchTimeout)
			resp.Diagnostics.Append(d...)
			resp.Diagnostics.Append(previewAtPlan(r.data.maskSecrets(ctx), r.data, args, timeout)...)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setPlan(ctx, plan, &resp.Plan)...)
}

// planChange plans an existing import: a replacement (a new import, true),
// an update, or nothing.
func (r *configImportResource) planChange(ctx context.Context, plan, state attrs, life lifecycle, resp *resource.ModifyPlanResponse) bool {
	var planned configImportState
	resp.Diagnostics.Append(plan.decode(ctx, &planned)...)
	if !life.Adopted {
		for _, name := range configImportShaping {
			if !equal(plan[name], state[name]) {
				resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
			}
		}
		if life.Gate == gateFailed {
			planned.JobID = types.StringUnknown()
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("job_id"))
		}
		if len(resp.RequiresReplace) > 0 {
			resp.Diagnostics.Append(plan.encode(&planned)...)
			return true
		}
	}
	changed := false
	for name := range plan {
		switch name {
		case "id", "job_id", "status", "message", "created", "completed", "expiration", "backup_export_job_id", "results", "objects_sha256",
			// The same objects from another path or another text: kept, not
			// read again.
			"file", "content":
		default:
			changed = changed || !equal(plan[name], state[name])
		}
	}
	if changed || life.Gate != gatePassed || life.Adopted {
		for _, name := range []string{"status", "message", "completed", "expiration", "backup_export_job_id"} {
			plan[name] = unknownOf(plan[name])
		}
		plan["results"] = types.MapUnknown(configResultType)
		tflog.Debug(ctx, "Planning an update: the import job in state is waited for and gated again, nothing is started")
		return false
	}
	resp.Diagnostics.Append(plan.encode(&planned)...)
	return false
}

// unknownOf is an unknown value of v's type.
func unknownOf(v attr.Value) attr.Value {
	switch v.(type) {
	case timetypes.RFC3339:
		return timetypes.NewRFC3339Unknown()
	case types.String:
		return types.StringUnknown()
	}
	return v
}

func (r *configImportResource) report(ctx context.Context, state configImportState) (report, diag.Diagnostics) {
	timeout, diags := state.Timeouts.Create(ctx, defaultLaunchTimeout)
	return report{timeout: timeout, timeoutName: resourceTimeoutName, taskKept: "its id is kept in state",
		resumable: true, progress: logProgress{}}, diags
}

func (r *configImportResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var obj types.Object
	ctx, ok := begin(ctx, r.data, "resource", req.Plan, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	values := attrs(obj.Attributes())
	args, state, diags := configImportValues(ctx, values)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	l, doc, diags := prepareConfigImport(ctx, args, args.Preview.ValueBool(), state.ObjectsSHA256)
	resp.Diagnostics.Append(diags...)
	rep, d := r.report(ctx, state)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.ObjectsSHA256 = types.StringValue(doc.parsed.ObjectsSHA256)
	rep.afterTimeout = " The resource is tainted, so the next apply starts a new import. To wait for this job instead, " +
		"run `terraform untaint` on the resource and apply again."
	ctx, cancel := context.WithTimeout(ctx, rep.timeout)
	defer cancel()
	out, diags := runLaunch(ctx, r.data, l, rep)
	resp.Diagnostics.Append(diags...)
	if out.launch == nil {
		return // nothing was started
	}
	state.ID, state.JobID = types.StringValue(out.launch.TaskID), types.StringValue(out.launch.TaskID)
	resp.Diagnostics.Append(state.setJob(out.configJob, out.configResults, true)...)
	resp.Diagnostics.Append(values.encode(&state)...)
	resp.Diagnostics.Append(afterCreate(out).save(ctx, resp.Private)...)
	resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
}

// setJob puts a job's status (and, when it has them, its results) in the
// state; nil leaves what a job that was never read has: nulls.
func (s *configImportState) setJob(job *sailpoint.ConfigJob, results *sailpoint.ConfigImportResults, withResults bool) diag.Diagnostics {
	var diags diag.Diagnostics
	s.Status, s.Message = types.StringNull(), types.StringNull()
	s.Created, s.Completed, s.Expiration = timetypes.NewRFC3339Null(), timetypes.NewRFC3339Null(), timetypes.NewRFC3339Null()
	if job != nil {
		s.Status = types.StringValue(job.Status)
		s.Message = types.StringPointerValue(job.Message)
		s.Created, s.Completed, s.Expiration = tenantTime(job.Created), tenantTime(job.Completed), tenantTime(job.Expiration)
	}
	if withResults {
		s.BackupExportJobID = types.StringNull()
		if results != nil {
			s.BackupExportJobID = types.StringPointerValue(results.ExportJobID)
		}
		var d diag.Diagnostics
		s.Results, d = configResultsValue(results)
		diags.Append(d...)
	}
	return diags
}

// Read re-reads the job's status; its results do not change once it ended,
// and are not downloaded again. A job the tenant no longer returns keeps its
// last values with a warning.
func (r *configImportResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var obj types.Object
	ctx, ok := begin(ctx, r.data, "resource", req.State, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	values := attrs(obj.Attributes())
	var state configImportState
	resp.Diagnostics.Append(values.decode(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.JobID.ValueString()
	job, err := r.data.client.GetConfigImportStatus(ctx, id)
	switch {
	case sailpoint.IsNotFound(err):
		resp.Diagnostics.AddWarning(fmt.Sprintf("SP-Config import job %q is no longer returned by the tenant", id), fmt.Sprintf(
			"The sailpoint_config_import resource keeps job %q in state with the values last read. Nothing is imported again unless "+
				"the document's objects, an option or a trigger changes.", id))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("SP-Config import job %q", id)))
		return
	}
	resp.Diagnostics.Append(state.setJob(job, nil, false)...)
	resp.Diagnostics.Append(values.encode(&state)...)
	resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
}

// Update imports nothing: it waits for the job in state (a wait Ctrl-C
// stopped, a job adopted by import) and gates it with the settings
// planned, or takes over arguments that start nothing.
func (r *configImportResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var planObj, stateObj types.Object
	ctx, ok := begin(ctx, r.data, "resource", req.Plan, &planObj, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(req.State.Get(ctx, &stateObj)...)
	if resp.Diagnostics.HasError() {
		return
	}
	values, priorValues := attrs(planObj.Attributes()), attrs(stateObj.Attributes())
	args, planned, diags := configImportValues(ctx, values)
	resp.Diagnostics.Append(diags...)
	var prior configImportState
	resp.Diagnostics.Append(priorValues.decode(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned.ID, planned.JobID = prior.ID, prior.JobID
	if planned.ObjectsSHA256.IsUnknown() {
		planned.ObjectsSHA256 = prior.ObjectsSHA256
		if doc, _ := readConfigDocument(args, true); doc != nil {
			planned.ObjectsSHA256 = types.StringValue(doc.parsed.ObjectsSHA256)
		}
	}
	life := readLifecycle(ctx, req.Private)
	if life.Gate == gatePassed && !life.Adopted {
		// Only settings changed: the job was gated already.
		planned.Status, planned.Message, planned.Created, planned.Completed, planned.Expiration = prior.Status, prior.Message, prior.Created, prior.Completed, prior.Expiration
		planned.BackupExportJobID, planned.Results = prior.BackupExportJobID, prior.Results
		resp.Diagnostics.Append(values.encode(&planned)...)
		resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
		return
	}
	rep, d := r.report(ctx, planned)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	rep.afterTimeout = " The next apply replaces the resource and starts a new import. To wait for this job instead, remove " +
		"the resource from state (`terraform state rm`) and import the job by its id."
	l := configImportLaunch(args, args.Preview.ValueBool())
	ctx, cancel := context.WithTimeout(ctx, rep.timeout)
	defer cancel()
	out, diags := resumeLaunch(ctx, r.data, l, rep, prior.JobID.ValueString(), time.Time{})
	resp.Diagnostics.Append(diags...)
	if out.configJob != nil {
		resp.Diagnostics.Append(planned.setJob(out.configJob, out.configResults, out.configResults != nil)...)
	}
	if out.configJob == nil || out.configResults == nil {
		if out.configJob == nil {
			planned.Status, planned.Message, planned.Created, planned.Completed, planned.Expiration = prior.Status, prior.Message, prior.Created, prior.Completed, prior.Expiration
		}
		planned.BackupExportJobID, planned.Results = prior.BackupExportJobID, prior.Results
	}
	resp.Diagnostics.Append(values.encode(&planned)...)
	resp.Diagnostics.Append(afterUpdate(out, resp.Diagnostics).save(ctx, resp.Private)...)
	resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
}

// Delete imports nothing back and calls nothing: an import cannot be
// undone (restore from the backup export).
func (r *configImportResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Debug(ctx, "Forgetting the SP-Config import; the tenant is not called")
}

// ImportState adopts an import job by its id: it is read (a 404 is an
// error, as is an export job), and the first apply after it waits for it,
// downloads its results and gates it, importing nothing.
func (r *configImportResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !requireClient(r.data, "resource", &resp.Diagnostics) {
		return
	}
	ctx = r.data.maskSecrets(ctx)
	id := req.ID
	job, err := r.data.client.GetConfigImportStatus(ctx, id)
	switch {
	case sailpoint.IsNotFound(err):
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot import SP-Config job %q: not found", id), fmt.Sprintf(
			"The tenant has no SP-Config import job %q. Check the id (the jobId the import answered), and that it belongs to the tenant in base_url.", id))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("SP-Config import job %q", id)))
		return
	case job.Type != nil && !strings.EqualFold(*job.Type, sailpoint.ConfigJobTypeImport):
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot import SP-Config job %q: it is an %s job", id, sailpoint.CleanText(*job.Type)),
			"A sailpoint_config_import adopts an import job only.")
		return
	}
	values, diags := nullValues(ctx, resp.State.Schema.Type())
	resp.Diagnostics.Append(diags...)
	var state configImportState
	resp.Diagnostics.Append(values.decode(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.ID, state.JobID = types.StringValue(id), types.StringValue(id)
	state.PreviewOnPlan = types.BoolValue(false)
	resp.Diagnostics.Append(state.setJob(job, nil, true)...)
	resp.Diagnostics.Append(values.encode(&state)...)
	for name, v := range map[string]attr.Value{"exclude_backup": types.BoolValue(false), "preview": types.BoolValue(false), "fail_on_warnings": types.BoolValue(false)} {
		values[name] = v
	}
	resp.Diagnostics.Append(lifecycle{Gate: gatePending, Adopted: true}.save(ctx, resp.Private)...)
	resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
}

// configResultNestedObject is the schema of one object type's results.
func configResultNestedObject() schema.NestedAttributeObject {
	message := schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
		"key":     schema.StringAttribute{Computed: true, MarkdownDescription: "The message's key, such as `IMPORT_PREVIEW`."},
		"text":    schema.StringAttribute{Computed: true, MarkdownDescription: "The message's text."},
		"details": schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{}, MarkdownDescription: "The message's details as JSON text; null when it has none."},
	}}
	messages := func(desc string) schema.ListNestedAttribute {
		return schema.ListNestedAttribute{Computed: true, NestedObject: message, MarkdownDescription: desc}
	}
	return schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
		"infos":    messages("Informational messages; a preview's say which objects would be imported (`IMPORT_PREVIEW`)."),
		"warnings": messages("Warnings."),
		"errors":   messages("Errors: any fails the apply."),
		"imported_objects": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The objects created or updated.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"type": schema.StringAttribute{Computed: true, MarkdownDescription: "The object's type."},
				"id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The object's id in this tenant."},
				"name": schema.StringAttribute{Computed: true, MarkdownDescription: "The object's name."},
			}}},
	}}
}
