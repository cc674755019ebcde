package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A launch resource starts one task when it is created and gates on it.
// The three resources differ only in their operation (launch_operation.go);
// everything here is shared.

// launchModel holds what every launch resource has.
type launchModel struct {
	ID       types.String `tfsdk:"id"`
	Triggers types.Map    `tfsdk:"triggers"`
	gateArgs
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
	TaskID           types.String   `tfsdk:"task_id"`
	CompletionStatus types.String   `tfsdk:"completion_status"`
	Task             types.Object   `tfsdk:"task"`
}

func (m *launchModel) common() *launchModel { return m }

// launchable is a resource model: launchModel and the operation's arguments.
type launchable[A any] interface {
	common() *launchModel
	withArgs[A]
}

// fileHash is the resource's record of the uploaded file's content.
type fileHash struct {
	FileSHA256 types.String `tfsdk:"file_sha256"`
}

func (h *fileHash) hash() *types.String { return &h.FileSHA256 }

type withFileHash interface{ hash() *types.String }

type launchResource[A, M any, P interface {
	*M
	launchable[A]
}] struct {
	op   launchOperation[A]
	data *providerData
}

var (
	_ resource.ResourceWithConfigure  = (*launchResource[accountAggregationArgs, accountAggregationModel, *accountAggregationModel])(nil)
	_ resource.ResourceWithModifyPlan = (*launchResource[accountAggregationArgs, accountAggregationModel, *accountAggregationModel])(nil)
)

func (r *launchResource[A, M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.op.typeName
}

func (r *launchResource[A, M, P]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *launchResource[A, M, P]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
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
		"timeouts": launchTimeoutsAttribute(ctx),
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
	if _, ok := r.op.arguments["file"]; ok {
		attrs["file_sha256"] = schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "SHA-256 of the uploaded file's content, hex encoded; null without `file`.",
		}
	}
	for name, a := range gateArguments() {
		attrs[name] = a.resourceAttribute()
	}
	for name, a := range r.op.arguments {
		attrs[name] = a.resourceAttribute()
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.op.resourceDescription, Attributes: attrs}
}

// ModifyPlan notices a changed file from its content: the file's SHA-256
// is part of the plan, and a new one replaces the resource.
func (r *launchResource[A, M, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var planned M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	f, ok := any(P(&planned).arguments()).(withFile)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	sum, diags := plannedFileHash(ctx, f.upload().File)
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

func (r *launchResource[A, M, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var planned M
	ctx, ok := begin(ctx, r.data, "resource", req.Plan, &planned, &resp.Diagnostics)
	if !ok {
		return
	}
	m := P(&planned).common()

	timeout, diags := m.Timeouts.Create(ctx, defaultLaunchTimeout)
	resp.Diagnostics.Append(diags...)
	hash, hasHash := any(P(&planned)).(withFileHash)
	plannedSum := types.StringNull()
	if hasHash {
		plannedSum = *hash.hash()
	}
	lr, sum, diags := r.op.prepare(ctx, r.data.client, P(&planned).arguments(), &m.gateArgs, plannedSum)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if hasHash && sum != "" {
		*hash.hash() = types.StringValue(sum)
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
	m.ID = types.StringValue(out.launch.TaskID)
	m.TaskID = m.ID
	resp.Diagnostics.Append(m.setTask(out.task)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &planned)...)
}

// Read re-reads the task. A task the tenant no longer returns (ISC keeps
// them 90 days) keeps its last values: dropping the resource would start
// the task again on the next apply.
func (r *launchResource[A, M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	ctx, ok := begin(ctx, r.data, "resource", req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	m := P(&state).common()
	id := m.TaskID.ValueString()
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
	resp.Diagnostics.Append(m.setTask(ts)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes nothing in the tenant: only timeouts can change without
// starting a new task.
func (r *launchResource[A, M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var planned M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &planned)...)
}

// Delete starts nothing and calls nothing: a task cannot be undone, so
// destroying the resource only forgets it.
func (r *launchResource[A, M, P]) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Debug(ctx, "Forgetting the launch resource; the tenant is not called")
}

// setTask puts a status read into the model; nil leaves the task unknown
// to Terraform as null.
func (m *launchModel) setTask(ts *sailpoint.TaskStatus) diag.Diagnostics {
	if ts == nil {
		m.Task = types.ObjectNull(taskStatusType().AttrTypes)
		m.CompletionStatus = types.StringNull()
		return nil
	}
	task, diags := newTaskStatusValue(ts)
	m.Task = task
	m.CompletionStatus = types.StringPointerValue(ts.CompletionStatus)
	return diags
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func goDuration(v timetypes.GoDuration) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	d, diags := v.ValueGoDuration()
	if diags.HasError() {
		return 0
	}
	return d
}

// shortDuration writes 1h0m0s as 1h.
func shortDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// launchTimeoutsAttribute is the library's timeouts attribute (timeouts =
// { create = "90m" }) with descriptions for the docs.
func launchTimeoutsAttribute(ctx context.Context) schema.Attribute {
	a, ok := timeouts.Attributes(ctx, timeouts.Opts{
		Create: true,
		CreateDescription: fmt.Sprintf("How long creating may take, as a Go duration such as `\"90m\"`: waiting for the source "+
			"to be idle (aggregations), starting the task and waiting for it. Defaults to `%s`. Changing it starts no new task.", shortDuration(defaultLaunchTimeout)),
	}).(schema.SingleNestedAttribute)
	if !ok {
		return timeouts.Attributes(ctx, timeouts.Opts{Create: true})
	}
	a.MarkdownDescription = "Time limits for creating the resource."
	if create, ok := a.Attributes["create"].(schema.StringAttribute); ok {
		create.MarkdownDescription = create.Description
		a.Attributes["create"] = create
	}
	return a
}
