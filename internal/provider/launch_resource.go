package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	rtimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A launch resource starts one task when it is created and gates on it.
// Every launch resource is this one type with its operation as a value:
// the operation says what to start, this says how the resource lives.
//
//   - Plan: a change of what shapes the task (operation.shaping: its
//     arguments, the source, the file's content, triggers) replaces the
//     resource; a change of how to wait updates it in place.
//   - Create: one POST (after the source's turn and idle check), the wait,
//     the gate. Once a task is started its id is kept whatever happens.
//   - Ctrl-C: the wait stops at once; the resource is saved with its task,
//     untainted, and the next plan shows an update that resumes the wait.
//   - Timeout or failed gate: an error; the next apply starts a new task.
//   - Import: adopts a task by id; the first apply waits for it and gates.
//   - Update: starts nothing; waits for the task in state if it has not
//     passed the gate, and gates it with the new settings.
//   - Refresh re-reads the task; destroy forgets it and calls nothing.
type launchResource struct {
	op   operation
	data *providerData
}

func newLaunchResource(op operation) resource.Resource { return &launchResource{op: op} }

var (
	_ resource.ResourceWithConfigure   = (*launchResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*launchResource)(nil)
	_ resource.ResourceWithImportState = (*launchResource)(nil)
	_ resource.ResourceWithIdentity    = (*launchResource)(nil)
)

func (r *launchResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.op.typeName
}

func (r *launchResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *launchResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	task, err := taskResourceAttribute("The task as `sailpoint_task_status` shows it, every TaskStatus field, as last read: " +
		"when the apply finished, or at the last refresh. Null when the task could not be read.")
	if err != nil {
		resp.Diagnostics.AddError("Provider schema error", "Building the task attribute: "+err.Error()+". This is a bug in the provider; please report it.")
		return
	}
	task.PlanModifiers = []planmodifier.Object{objectplanmodifier.UseStateForUnknown()}
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The id of the task this resource started, the same as `task_id`.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"triggers": schema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Arbitrary values that start a new task when any of them changes, like `terraform_data`'s " +
				"`triggers_replace`: for instance the hash of a source's configuration, or " +
				"`formatdate(\"YYYY-MM-DD\", plantimestamp())` to run again once a day (`timestamp()` alone would start a task on every apply).",
		},
		"timeouts": createTimeoutsAttribute(ctx),
		"task_id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The id of the task the tenant started; read it with `sailpoint_task_status` too.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"completion_status": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "How the task finished: `SUCCESS`, `WARNING`, `ERROR`, `TERMINATED`, `TEMPERROR`, or null " +
				"while it has not finished. The same as `task.completion_status`.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"task": task,
		"task_ids": schema.ListAttribute{
			Computed:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Every task this resource started, oldest first: more than one when `retry_on_statuses` " +
				"started the task again. The last is `task_id`.",
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		},
	}
	if r.op.file != noFile {
		attrs["file_sha256"] = schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "SHA-256 of the uploaded file's content, hex encoded; null without `file`. The content, " +
				"not the path, decides whether a task starts: the same bytes under another path update in place.",
		}
	}
	for name, a := range r.op.resourceArguments() {
		attrs[name] = a.resourceAttribute()
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.op.resourceDescription, Attributes: attrs}
}

// resourceArguments are every argument of the operation's resource: the
// gate's and the operation's.
func (op operation) resourceArguments() map[string]argument {
	out := op.allArguments()
	maps.Copy(out, gateArguments())
	return out
}

// A launch resource's identity is the id of its task: the one Terraform
// 1.12 and newer import by (import blocks with identity), and the one a
// list resource finds. Older CLIs import by the same id as a string.
func (r *launchResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description: "The id of the task the resource started or adopted (`task_id`), such as " +
					"`2c91808a7813090a01781412a1110a30`.",
			},
		},
	}
}

// launchIdentity is a launch resource's identity.
type launchIdentity struct {
	ID types.String `tfsdk:"id"`
}

// setIdentity records the task's id as the resource's identity.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, taskID types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, launchIdentity{ID: taskID})
}

// The gate's state, kept in private state: whether the task in state has
// passed the gate, and whether the resource adopted it by import.
const (
	gatePassed  = "passed"  // finished as expected, or read once without waiting
	gatePending = "pending" // not gated yet: an interrupted wait, or an import
	gateFailed  = "failed"  // an update's gate failed: the next plan replaces
)

const lifecycleKey = "lifecycle"

type lifecycle struct {
	Gate    string `json:"gate"`
	Adopted bool   `json:"adopted,omitempty"`
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// afterCreate is the gate's state after a create that started a job:
// pending when the wait was stopped or ran out (after terraform untaint,
// the next apply resumes), passed otherwise (a failed gate taints).
func afterCreate(out launchOutcome) lifecycle {
	if out.interrupted || out.timedOut {
		return lifecycle{Gate: gatePending}
	}
	return lifecycle{Gate: gatePassed}
}

// afterUpdate is the gate's state after an update that waited for the job
// in state: pending when Terraform stopped the wait, failed when the
// update ended in error (the next plan replaces), passed otherwise.
func afterUpdate(out launchOutcome, diags diag.Diagnostics) lifecycle {
	switch {
	case out.interrupted:
		return lifecycle{Gate: gatePending}
	case diags.HasError():
		return lifecycle{Gate: gateFailed}
	}
	return lifecycle{Gate: gatePassed}
}

// readLifecycle reads the gate's state; none (a resource created by an
// older provider) is a task that passed.
func readLifecycle(ctx context.Context, p privateGetter) lifecycle {
	l := lifecycle{Gate: gatePassed}
	if p == nil {
		return l
	}
	if b, _ := p.GetKey(ctx, lifecycleKey); len(b) > 0 {
		_ = json.Unmarshal(b, &l)
	}
	return l
}

func (l lifecycle) save(ctx context.Context, p privateSetter) diag.Diagnostics {
	if p == nil {
		return nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not save the resource's private state", err.Error()+". This is a bug in the provider; please report it.")
		return diags
	}
	return p.SetKey(ctx, lifecycleKey, b)
}

// launchState is what every launch resource keeps besides its arguments.
type launchState struct {
	ID               types.String    `tfsdk:"id"`
	TaskID           types.String    `tfsdk:"task_id"`
	TaskIDs          types.List      `tfsdk:"task_ids"`
	CompletionStatus types.String    `tfsdk:"completion_status"`
	Task             types.Object    `tfsdk:"task"`
	Triggers         types.Map       `tfsdk:"triggers"`
	Timeouts         rtimeouts.Value `tfsdk:"timeouts"`
}

// fileState is the file of an operation that uploads one, and the hash of
// its content the plan holds.
type fileState struct {
	File       types.String `tfsdk:"file"`
	FileSHA256 types.String `tfsdk:"file_sha256"`
}

// setTask puts a status read into the state; nil leaves the task null.
func (s *launchState) setTask(ts *sailpoint.TaskStatus) diag.Diagnostics {
	if ts == nil {
		s.Task = types.ObjectNull(taskStatusType().AttrTypes)
		s.CompletionStatus = types.StringNull()
		return nil
	}
	task, diags := newTaskStatusValue(ts)
	s.Task = task
	s.CompletionStatus = types.StringPointerValue(ts.CompletionStatus)
	return diags
}

// setTaskIDs records the tasks started, the last one as the resource's.
func (s *launchState) setTaskIDs(ctx context.Context, ids []string) diag.Diagnostics {
	s.ID = types.StringValue(ids[len(ids)-1])
	s.TaskID = s.ID
	list, diags := types.ListValueFrom(ctx, types.StringType, ids)
	s.TaskIDs = list
	return diags
}

// fillTaskIDs lists the resource's task in task_ids where a state written
// before task_ids existed has none.
func (s *launchState) fillTaskIDs(ctx context.Context) diag.Diagnostics {
	if !s.TaskIDs.IsNull() && !s.TaskIDs.IsUnknown() || s.TaskID.IsNull() || s.TaskID.IsUnknown() {
		return nil
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, []string{s.TaskID.ValueString()})
	s.TaskIDs = list
	return diags
}

// ModifyPlan says what an apply will do. A file is planned by its
// content: its SHA-256 is part of the plan. A change of what shapes the
// task replaces the resource (unless it adopted its task by import: then
// the configured arguments are taken over); any other change, or a task
// that has not passed the gate, is an update that waits for and gates the
// task in state.
func (r *launchResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if d := r.op.versionProblem(r.data); d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	var planObj types.Object
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planObj)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan := attrs(planObj.Attributes())
	if r.op.file != noFile {
		var f fileState
		resp.Diagnostics.Append(plan.decode(ctx, &f)...)
		if resp.Diagnostics.HasError() {
			return
		}
		sum, diags := plannedFileHash(ctx, f.File)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		var state launchState
		resp.Diagnostics.Append(plan.decode(ctx, &state)...)
		if state.Triggers.IsUnknown() || slices.ContainsFunc(slices.Collect(maps.Values(state.Triggers.Elements())), attr.Value.IsUnknown) {
			// What the triggers name runs in this apply, and may write the
			// file: its content is known when it is uploaded.
			sum = types.StringUnknown()
		}
		f.FileSHA256 = sum
		resp.Diagnostics.Append(plan.encode(&f)...)
	}
	if !req.State.Raw.IsNull() {
		var stateObj types.Object
		resp.Diagnostics.Append(req.State.Get(ctx, &stateObj)...)
		if resp.Diagnostics.HasError() {
			return
		}
		r.planChange(ctx, plan, attrs(stateObj.Attributes()), readLifecycle(ctx, req.Private), resp)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(setPlan(ctx, plan, &resp.Plan)...)
}

// planChange plans an existing resource: a replacement, an update, or nothing.
func (r *launchResource) planChange(ctx context.Context, plan, state attrs, life lifecycle, resp *resource.ModifyPlanResponse) {
	var planned, prior launchState
	resp.Diagnostics.Append(plan.decode(ctx, &planned)...)
	resp.Diagnostics.Append(state.decode(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if life.Adopted {
		if problem := r.adoptionProblem(ctx, prior, plan); problem != "" {
			resp.Diagnostics.AddError("The imported task is not this resource's", problem+
				" Import the id of a task of this operation on the configured source, or change source_id.")
			return
		}
	} else {
		for _, name := range r.op.shaping() {
			if !equal(plan[name], state[name]) {
				resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
			}
		}
		if life.Gate == gateFailed {
			// The task failed its gate in an update: as after a failed
			// create, the next apply starts a new one.
			planned.TaskID = types.StringUnknown()
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("task_id"))
		}
		if len(resp.RequiresReplace) > 0 {
			resp.Diagnostics.Append(plan.encode(&planned)...)
			return
		}
	}
	changed := false
	for name := range plan {
		switch name {
		case "id", "task_id", "task_ids", "completion_status", "task", "file_sha256":
		default:
			changed = changed || !equal(plan[name], state[name])
		}
	}
	if changed || life.Gate != gatePassed || life.Adopted {
		// The update reads the task again: what it finds is known after apply.
		planned.Task = types.ObjectUnknown(taskStatusType().AttrTypes)
		planned.CompletionStatus = types.StringUnknown()
		tflog.Debug(ctx, "Planning an update: the task in state is waited for and gated again, nothing is started",
			map[string]any{"gate": life.Gate, "adopted": life.Adopted})
	}
	resp.Diagnostics.Append(plan.encode(&planned)...)
}

func equal(a, b attr.Value) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(b)
}

// adoptionProblem says why the task in state, adopted by import, is not
// one this resource's configuration would have started ("" when it could
// be, or when the configuration is not known yet): for an operation on a
// source, the configured source_id against the task's target.id.
func (r *launchResource) adoptionProblem(ctx context.Context, prior launchState, config attrs) string {
	if !r.op.source {
		return ""
	}
	var src sourceArgs
	if config.decode(ctx, &src).HasError() || src.SourceID.IsUnknown() || src.SourceID.IsNull() {
		return ""
	}
	sourceID := src.SourceID.ValueString()
	id := prior.TaskID.ValueString()
	if prior.Task.IsNull() || prior.Task.IsUnknown() {
		return fmt.Sprintf("Task %q could not be read, so its source cannot be compared with source_id %q.", id, sourceID)
	}
	target, _ := prior.Task.Attributes()["target"].(types.Object)
	if target.IsNull() || target.IsUnknown() {
		return fmt.Sprintf("Task %q has no target (task.target is null): it does not work on a source, so it is not this resource's task on source %q.", id, sourceID)
	}
	targetID := attrs(target.Attributes()).str("id")
	if targetID.ValueString() != sourceID {
		return fmt.Sprintf("Task %q works on source %q (task.target.id), not on source_id %q.", id, targetID.ValueString(), sourceID)
	}
	return ""
}

func (r *launchResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var obj types.Object
	ctx, ok := begin(ctx, r.data, "resource", req.Plan, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	values := attrs(obj.Attributes())
	var state launchState
	var f fileState
	resp.Diagnostics.Append(values.decode(ctx, &state)...)
	if r.op.file != noFile {
		resp.Diagnostics.Append(values.decode(ctx, &f)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	l, sum, diags := r.op.prepare(ctx, values, resourceForm, f.FileSHA256)
	resp.Diagnostics.Append(diags...)
	rep, d := r.report(ctx, state)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.op.file != noFile && sum != "" {
		f.FileSHA256 = types.StringValue(sum)
		resp.Diagnostics.Append(values.encode(&f)...)
	}
	rep.afterTimeout = " The resource is tainted, so the next apply starts a new task. To wait for this task instead, " +
		"run `terraform untaint` on the resource and apply again."

	ctx, cancel := context.WithTimeout(ctx, rep.timeout)
	defer cancel()
	out, diags := runLaunch(ctx, r.data, l, rep)
	resp.Diagnostics.Append(clearedWarnings(l.describe, out.cleared)...)
	resp.Diagnostics.Append(diags...)
	if out.launch == nil {
		return // nothing was started: nothing to keep
	}
	// From here on the task exists: keep its id in state whatever the
	// diagnostics say. An error taints the resource, so the next apply
	// starts a new task, as it should after a failed gate; an interrupted
	// wait is only a warning, so the next apply resumes it instead.
	resp.Diagnostics.Append(state.setTaskIDs(ctx, out.taskIDs)...)
	resp.Diagnostics.Append(state.setTask(out.task)...)
	resp.Diagnostics.Append(values.encode(&state)...)
	resp.Diagnostics.Append(afterCreate(out).save(ctx, resp.Private)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.TaskID)...)
	resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
}

// report is how the resource reports a launch: through the log, bounded by
// timeouts.create, resumable after Ctrl-C.
func (r *launchResource) report(ctx context.Context, state launchState) (report, diag.Diagnostics) {
	timeout, diags := state.Timeouts.Create(ctx, defaultLaunchTimeout)
	return report{timeout: timeout, timeoutName: resourceTimeoutName, taskKept: "its id is kept in state",
		resumable: true, progress: logProgress{}}, diags
}

// Read re-reads the task. A task the tenant no longer returns (ISC keeps
// them 90 days) keeps its last values: dropping the resource would start
// the task again on the next apply.
func (r *launchResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var obj types.Object
	ctx, ok := begin(ctx, r.data, "resource", req.State, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	values := attrs(obj.Attributes())
	var state launchState
	resp.Diagnostics.Append(values.decode(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A resource created before identities has none yet.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.TaskID)...)
	id := state.TaskID.ValueString()
	resp.Diagnostics.Append(state.fillTaskIDs(ctx)...)
	ts, err := r.data.client.GetTaskStatus(ctx, id)
	switch {
	case sailpoint.IsNotFound(err):
		resp.Diagnostics.AddWarning(fmt.Sprintf("Task %q is no longer returned by the tenant", id), fmt.Sprintf(
			"The sailpoint_%s resource keeps task %q in state with the values last read. ISC returns tasks for 90 days; "+
				"this one is older, or was removed. Nothing is started again unless an argument or a trigger changes.", r.op.typeName, id))
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("task %q", id)))
		return
	default:
		resp.Diagnostics.Append(state.setTask(ts)...)
	}
	resp.Diagnostics.Append(values.encode(&state)...)
	resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
}

// Update starts nothing. It waits for the task in state (a wait Ctrl-C
// stopped, an imported task), or reads it again, and gates it with the
// settings planned.
func (r *launchResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
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
	var planned, prior launchState
	resp.Diagnostics.Append(values.decode(ctx, &planned)...)
	resp.Diagnostics.Append(priorValues.decode(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned.ID, planned.TaskID, planned.TaskIDs = prior.ID, prior.TaskID, prior.TaskIDs
	resp.Diagnostics.Append(planned.fillTaskIDs(ctx)...)
	if r.op.file != noFile {
		var plannedFile, priorFile fileState
		resp.Diagnostics.Append(values.decode(ctx, &plannedFile)...)
		resp.Diagnostics.Append(priorValues.decode(ctx, &priorFile)...)
		switch {
		case !priorFile.FileSHA256.IsNull():
			plannedFile.FileSHA256 = priorFile.FileSHA256 // the same content: else the plan replaced the resource
		case plannedFile.FileSHA256.IsUnknown():
			// Adopted by import, and the file was not there at plan: its
			// hash now, so the next plan compares the file with it.
			sum, diags := plannedFileHash(ctx, plannedFile.File)
			resp.Diagnostics.Append(diags...)
			if sum.IsUnknown() {
				sum = types.StringNull()
			}
			plannedFile.FileSHA256 = sum
		}
		// Else adopted by import: the plan hashed the file, and that hash
		// is the resource's from now on.
		resp.Diagnostics.Append(values.encode(&plannedFile)...)
	}
	life := readLifecycle(ctx, req.Private)
	if life.Adopted {
		if problem := r.adoptionProblem(ctx, prior, values); problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root("source_id"), "The imported task is not this resource's", problem)
			return
		}
	}
	taskID := prior.TaskID.ValueString()
	// An update uploads nothing: the file is not read again.
	settings := maps.Clone(values)
	if r.op.file != noFile {
		settings["file"] = types.StringNull()
	}
	l, _, diags := r.op.prepare(ctx, settings, resourceForm, types.StringNull())
	resp.Diagnostics.Append(diags...)
	rep, d := r.report(ctx, planned)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	rep.afterTimeout = " The next apply replaces the resource and starts a new task. To wait for this task instead, remove " +
		"the resource from state (`terraform state rm`) and import the task by its id."
	var graceFrom time.Time
	if prior.Task.IsNull() {
		graceFrom = time.Now() // never read yet: it may not be readable at once
	}

	ctx, cancel := context.WithTimeout(ctx, rep.timeout)
	defer cancel()
	out, diags := resumeLaunch(ctx, r.data, l, rep, taskID, graceFrom)
	resp.Diagnostics.Append(diags...)
	if out.task != nil {
		resp.Diagnostics.Append(planned.setTask(out.task)...)
	} else {
		planned.Task, planned.CompletionStatus = prior.Task, prior.CompletionStatus
	}
	resp.Diagnostics.Append(values.encode(&planned)...)
	resp.Diagnostics.Append(afterUpdate(out, resp.Diagnostics).save(ctx, resp.Private)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, planned.TaskID)...)
	resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
}

// Delete starts nothing and calls nothing: a task cannot be undone, so
// destroying the resource only forgets it.
func (r *launchResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Debug(ctx, "Forgetting the launch resource; the tenant is not called")
}

// ImportState adopts a task by its id (terraform import, import blocks
// with id) or its identity (import blocks with identity, Terraform 1.12+):
// the task is read, and the first apply after the import takes over the
// configured arguments in place, waits for the task and gates it. Whether
// it is this resource's task is checked at plan, where the configuration
// is known.
func (r *launchResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !requireClient(r.data, "resource", &resp.Diagnostics) {
		return
	}
	ctx = r.data.maskSecrets(ctx)
	id := req.ID
	if id == "" && req.Identity != nil {
		var identity launchIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = identity.ID.ValueString()
	}
	if err := sailpoint.ValidateTaskID(id); err != nil {
		resp.Diagnostics.AddError("Invalid task id to import", capitalize(err.Error())+
			". Import a task by the id the tenant gave it, such as 2c91808a7813090a01781412a1110a30.")
		return
	}
	ts, err := r.data.client.GetTaskStatus(ctx, id)
	switch {
	case sailpoint.IsNotFound(err):
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot import task %q: not found", id), fmt.Sprintf(
			"The tenant has no task %q to adopt as a sailpoint_%s. Check the id, and that it belongs to the tenant in base_url: "+
				"ISC returns tasks for 90 days.", id, r.op.typeName))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("task %q", id)))
		return
	}
	if problem := r.kindProblem(ts); problem != "" {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot import task %q: it is not a task of this kind", id), problem)
		return
	}
	values, diags := r.op.adoptedState(ctx, resp.State.Schema.Type(), id, ts)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(lifecycle{Gate: gatePending, Adopted: true}.save(ctx, resp.Private)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, types.StringValue(id))...)
	resp.Diagnostics.Append(setState(ctx, values, &resp.State)...)
}

// kindProblem says why a task is not one this resource's operation starts
// ("" when it may be): its name is another launch's (sailpoint.TaskOf).
// The spec names no task of identity processing or the resets, so a task
// of an unknown name is taken as it is.
func (r *launchResource) kindProblem(ts *sailpoint.TaskStatus) string {
	other := sailpoint.TaskOf(ts)
	if other == nil || other == r.op.declared {
		return ""
	}
	into := ""
	for _, op := range operations {
		if op.declared == other {
			into = fmt.Sprintf(" Import it into a sailpoint_%s instead.", op.typeName)
		}
	}
	return fmt.Sprintf("Task %q is named %q: it is %s's task, not %s's. A sailpoint_%s adopts only a task it could have started.%s",
		ts.ID, sailpoint.CleanText(ts.KindName()), withArticle(other.Name), withArticle(r.op.title()), r.op.typeName, into)
}

// adoptedState is the state of a resource of the operation (a schema of
// type t) that adopts task ts by its id: what an import keeps, and what a list
// resource shows as the resource. Its arguments are what the resource
// plans when they are not set (their defaults), and the source the task
// works on (its target.id) for an operation on a source; the others stay
// null, as the task does not say them. So configuration written from it
// (terraform query -generate-config-out) plans no change of an argument.
func (op operation) adoptedState(ctx context.Context, t attr.Type, id string, ts *sailpoint.TaskStatus) (attrs, diag.Diagnostics) {
	values, diags := nullValues(ctx, t)
	var state launchState
	diags.Append(values.decode(ctx, &state)...)
	if diags.HasError() {
		return values, diags
	}
	for name, a := range op.resourceArguments() {
		if v := a.resourceDefault(); v != nil {
			values[name] = v
		}
	}
	if op.source && ts.Target != nil && ts.Target.ID != nil {
		values["source_id"] = types.StringValue(*ts.Target.ID)
	}
	diags.Append(state.setTaskIDs(ctx, []string{id})...)
	diags.Append(state.setTask(ts)...)
	diags.Append(values.encode(&state)...)
	return values, diags
}

// logProgress reports a launch through the provider's log (TF_LOG=info
// shows a long wait moving): what a resource does.
type logProgress struct{}

func (logProgress) waitingForLaunch(context.Context, string) {} // takeSourceTurn logs it

func (logProgress) waitingForRunning(ctx context.Context, tasks []sailpoint.TaskStatus) {
	tflog.Info(ctx, fmt.Sprintf("Waiting for %d running task(s) of the source to finish before starting", len(tasks)), map[string]any{"running_task_id": tasks[0].ID})
}

func (logProgress) cleared(context.Context, *sailpoint.TaskStatus, time.Duration) {} // a warning names it

func (logProgress) retrying(ctx context.Context, ts *sailpoint.TaskStatus, attempt, attempts int, delay time.Duration) {
	tflog.Info(ctx, fmt.Sprintf("Task %s ended with %s: starting attempt %d of %d in %s", ts.ID, ptrString(ts.CompletionStatus), attempt, attempts, delay))
}

func (logProgress) started(ctx context.Context, l *sailpoint.Launch) {
	tflog.Info(ctx, "Started "+l.Operation+": task "+l.TaskID)
}

func (logProgress) running(ctx context.Context, ts *sailpoint.TaskStatus, poll int, next time.Duration) {
	logPoll(ctx, poll, ts, next)
}

func (logProgress) finished(ctx context.Context, ts *sailpoint.TaskStatus) {
	tflog.Info(ctx, "SailPoint task finished", map[string]any{"completion_status": ptrString(ts.CompletionStatus)})
}

func (logProgress) jobRunning(ctx context.Context, id, status string, poll int, next time.Duration) {
	tflog.Info(ctx, "Waiting for SailPoint job "+id+": "+status, map[string]any{"poll": poll, "next_poll_in": next.Round(time.Millisecond).String()})
}

func (logProgress) jobFinished(ctx context.Context, id, summary string) {
	tflog.Info(ctx, "SailPoint job "+id+" finished: "+summary)
}

// nullValues are a schema's attributes, all null.
func nullValues(ctx context.Context, t attr.Type) (attrs, diag.Diagnostics) {
	var diags diag.Diagnostics
	ot, ok := t.(types.ObjectType)
	if !ok {
		diags.AddError("Unexpected schema type", fmt.Sprintf("The schema is a %T, not an object. This is a bug in the provider; please report it.", t))
		return attrs{}, diags
	}
	out := attrs{}
	for name, at := range ot.AttrTypes {
		v, err := at.ValueFromTerraform(ctx, tftypes.NewValue(at.TerraformType(ctx), nil))
		if err != nil {
			diags.AddError("Unexpected schema type", fmt.Sprintf("No null value of %s: %v. This is a bug in the provider; please report it.", name, err))
			continue
		}
		out[name] = v
	}
	return out, diags
}

// setState writes values as the whole state in one Set: setting
// attributes one by one rewrites the state each time.
func setState(ctx context.Context, values attrs, state *tfsdk.State) diag.Diagnostics {
	obj, diags := values.object(state.Schema.Type())
	if diags.HasError() {
		return diags
	}
	return append(diags, state.Set(ctx, obj)...)
}

func setPlan(ctx context.Context, values attrs, plan *tfsdk.Plan) diag.Diagnostics {
	obj, diags := values.object(plan.Schema.Type())
	if diags.HasError() {
		return diags
	}
	return append(diags, plan.Set(ctx, obj)...)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
