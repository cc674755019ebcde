package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A launch resource starts one task when it is created and gates on it.
// Every launch resource is this one type with its operation as a value:
// the operation says what to start, this says how a resource lives.
type launchResource struct {
	op   operation
	data *providerData
}

func newLaunchResource(op operation) resource.Resource { return &launchResource{op: op} }

var (
	_ resource.ResourceWithConfigure  = (*launchResource)(nil)
	_ resource.ResourceWithModifyPlan = (*launchResource)(nil)
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
			PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
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
	}
	if r.op.file != noFile {
		attrs["file_sha256"] = schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "SHA-256 of the uploaded file's content, hex encoded; null without `file`.",
		}
	}
	for name, a := range gateArguments() {
		attrs[name] = a.resourceAttribute()
	}
	for name, a := range r.op.allArguments() {
		attrs[name] = a.resourceAttribute()
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.op.resourceDescription, Attributes: attrs}
}

// ModifyPlan notices a changed file from its content: the file's SHA-256
// is part of the plan, and a new one replaces the resource.
func (r *launchResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.op.file == noFile {
		return // destroy, or nothing to hash
	}
	var file types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("file"), &file)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sum, diags := plannedFileHash(ctx, file)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("file_sha256"), sum)...)
	if req.State.Raw.IsNull() {
		return
	}
	var prior types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("file_sha256"), &prior)...)
	if !sum.Equal(prior) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("file_sha256"))
	}
}

func (r *launchResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var obj types.Object
	ctx, ok := begin(ctx, r.data, "resource", req.Plan, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	planned := attrs(obj.Attributes())
	timeout, diags := planned.createTimeout(ctx)
	resp.Diagnostics.Append(diags...)
	lr, sum, diags := r.op.prepare(planned, readGate(planned), resourceForm, planned.str("file_sha256"))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.op.file != noFile && sum != "" {
		planned["file_sha256"] = types.StringValue(sum)
	}
	lr.timeout, lr.timeoutName = timeout, resourceTimeoutName
	lr.taskKept = "its id is kept in state"
	lr.progress = logProgress{}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, diags := runLaunch(ctx, r.data.client, lr)
	resp.Diagnostics.Append(diags...)
	if out.launch == nil {
		return // nothing was started: nothing to keep
	}
	// From here on the task exists: keep its id in state whatever the
	// diagnostics say (an error marks the resource tainted, so the next
	// apply starts a new task, as it should after a failed gate).
	planned["id"] = types.StringValue(out.launch.TaskID)
	planned["task_id"] = planned["id"]
	resp.Diagnostics.Append(planned.setTask(out.task)...)
	resp.Diagnostics.Append(setState(ctx, planned, &resp.State)...)
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
	state := attrs(obj.Attributes())
	id := state.str("task_id").ValueString()
	ts, err := r.data.client.GetTaskStatus(ctx, id)
	switch {
	case sailpoint.IsNotFound(err):
		resp.Diagnostics.AddWarning(fmt.Sprintf("Task %q is no longer returned by the tenant", id), fmt.Sprintf(
			"%s.%s is kept in state with the values last read. ISC returns tasks for 90 days; this one is older, or was removed. "+
				"Nothing is started again unless an argument or a trigger changes.", r.op.typeName, id))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("task %q", id)))
		return
	}
	resp.Diagnostics.Append(state.setTask(ts)...)
	resp.Diagnostics.Append(setState(ctx, state, &resp.State)...)
}

// Update changes nothing in the tenant: only timeouts can change without
// starting a new task.
func (r *launchResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var planned types.Object
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, planned)...)
}

// Delete starts nothing and calls nothing: a task cannot be undone, so
// destroying the resource only forgets it.
func (r *launchResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Debug(ctx, "Forgetting the launch resource; the tenant is not called")
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

// setTask puts a status read into the values; nil leaves the task null.
func (a attrs) setTask(ts *sailpoint.TaskStatus) diag.Diagnostics {
	if ts == nil {
		a["task"] = types.ObjectNull(taskStatusType().AttrTypes)
		a["completion_status"] = types.StringNull()
		return nil
	}
	task, diags := newTaskStatusValue(ts)
	a["task"] = task
	a["completion_status"] = types.StringPointerValue(ts.CompletionStatus)
	return diags
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
