package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A launch resource starts one task when it is created and gates on it.
// The three resources differ only in their own arguments and in the call
// that starts the task; everything here is shared.

// launchModel holds what every launch resource has.
type launchModel struct {
	ID                         types.String         `tfsdk:"id"`
	Triggers                   types.Map            `tfsdk:"triggers"`
	WaitForCompletion          types.Bool           `tfsdk:"wait_for_completion"`
	ExpectedCompletionStatuses types.Set            `tfsdk:"expected_completion_statuses"`
	PollInterval               timetypes.GoDuration `tfsdk:"poll_interval"`
	Timeouts                   timeouts.Value       `tfsdk:"timeouts"`
	TaskID                     types.String         `tfsdk:"task_id"`
	CompletionStatus           types.String         `tfsdk:"completion_status"`
	Task                       types.Object         `tfsdk:"task"`
}

func (m *launchModel) common() *launchModel { return m }

// launchable is a resource model: launchModel and the resource's own arguments.
type launchable interface {
	common() *launchModel
}

// launchOperation is what makes one launch resource.
type launchOperation[M any] struct {
	typeName    string // after "sailpoint_"
	description string
	// attributes are the resource's own arguments.
	attributes map[string]schema.Attribute
	// prepare turns a planned model into what to start.
	prepare func(ctx context.Context, client *sailpoint.Client, m *M) (launchRequest, diag.Diagnostics)
}

type launchResource[M any, P interface {
	*M
	launchable
}] struct {
	op   launchOperation[M]
	data *providerData
}

var (
	_ resource.ResourceWithConfigure  = (*launchResource[accountAggregationModel, *accountAggregationModel])(nil)
	_ resource.ResourceWithModifyPlan = (*launchResource[accountAggregationModel, *accountAggregationModel])(nil)
)

func (r *launchResource[M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.op.typeName
}

func (r *launchResource[M, P]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *launchResource[M, P]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
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
		"wait_for_completion": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(true),
			MarkdownDescription: "Wait until the task has finished before the apply goes on, then check " +
				"`expected_completion_statuses`. Defaults to `true`. With `false` the task is read once after it starts, " +
				"and checked only if it has already finished.",
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"expected_completion_statuses": schema.SetAttribute{
			Optional:    true,
			Computed:    true,
			ElementType: types.StringType,
			Default: setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{
				types.StringValue(sailpoint.CompletionStatusSuccess), types.StringValue(sailpoint.CompletionStatusWarning),
			})),
			MarkdownDescription: "Fail the apply unless the task finished with one of these statuses: `SUCCESS`, `WARNING`, " +
				"`ERROR`, `TERMINATED`, `TEMPERROR` (compared without regard to case; `TEMP_ERROR` and `TEMPERROR` are the same). " +
				"Defaults to `[\"SUCCESS\", \"WARNING\"]`, so a task that ends in `ERROR` fails the apply, quoting the task's " +
				"`ERROR` and `WARN` messages. The task id is kept in state either way.",
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOfCaseInsensitive(append(sailpoint.CompletionStatuses, "TEMP_ERROR")...)),
			},
			PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
		},
		"poll_interval": schema.StringAttribute{
			Optional:   true,
			CustomType: timetypes.GoDurationType{},
			MarkdownDescription: "The longest pause between two polls while waiting, as a Go duration such as `\"10s\"` or " +
				"`\"1m\"` (at least `1s`). Defaults to `30s`. Polls back off from about a second to this, with jitter.",
			Validators:    []validator.String{minDuration(sailpoint.DefaultPollMin, "Poll interval")},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
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
	for name, a := range r.op.attributes {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.op.description, Attributes: attrs}
}

// ModifyPlan notices a changed file from its content: the file's SHA-256
// is part of the plan, and a new one replaces the resource.
func (r *launchResource[M, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var planned M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	f, ok := any(P(&planned)).(withFile)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	file := f.upload()
	sum := types.StringUnknown()
	switch {
	case file.File.IsNull():
		sum = types.StringNull()
	case !file.File.IsUnknown():
		content, err := os.ReadFile(file.File.ValueString())
		switch {
		case err == nil:
			sum = types.StringValue(sha256Hex(content))
		case errors.Is(err, fs.ErrNotExist):
			// It may be written during the apply; it is read then.
			tflog.Debug(ctx, "The file to upload does not exist yet; its hash is known after apply", map[string]any{"file": file.File.ValueString()})
		default:
			resp.Diagnostics.AddAttributeError(path.Root("file"), "Cannot read the file to upload", fmt.Sprintf("Reading %q: %v.", file.File.ValueString(), err))
			return
		}
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

func (r *launchResource[M, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var planned M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	ctx = r.data.maskSecrets(ctx)
	m := P(&planned).common()

	timeout, diags := m.Timeouts.Create(ctx, defaultLaunchTimeout)
	resp.Diagnostics.Append(diags...)
	var expected []string
	resp.Diagnostics.Append(m.ExpectedCompletionStatuses.ElementsAs(ctx, &expected, false)...)
	lr, diags := r.op.prepare(ctx, r.data.client, &planned)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	lr.wait = m.WaitForCompletion.ValueBool()
	lr.expected = expected
	lr.pollInterval = goDuration(m.PollInterval)
	lr.timeout, lr.timeoutName = timeout, "timeouts.create"
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
func (r *launchResource[M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	ctx = r.data.maskSecrets(ctx)
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
func (r *launchResource[M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var planned M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &planned)...)
}

// Delete starts nothing and calls nothing: a task cannot be undone, so
// destroying the resource only forgets it.
func (r *launchResource[M, P]) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
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

// withFile is a model with a file to upload.
type withFile interface{ upload() *fileArgs }

type fileArgs struct {
	File       types.String `tfsdk:"file"`
	FileSHA256 types.String `tfsdk:"file_sha256"`
}

func (f *fileArgs) upload() *fileArgs { return f }

func fileAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"file": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Path of a CSV file to upload, for delimited-file sources, relative to the directory " +
				"Terraform runs in (use `\"${path.module}/accounts.csv\"`). A change of its content is noticed at plan time " +
				"(through `file_sha256`) and starts a new task.",
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"file_sha256": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "SHA-256 of the uploaded file's content, hex encoded; null without `file`.",
		},
	}
}

// launchFile reads the file to upload and checks it is the one planned.
func (f *fileArgs) launchFile() (*sailpoint.LaunchFile, diag.Diagnostics) {
	var diags diag.Diagnostics
	if f.File.IsNull() {
		return nil, diags
	}
	name := f.File.ValueString()
	content, err := os.ReadFile(name)
	if err != nil {
		diags.AddAttributeError(path.Root("file"), "Cannot read the file to upload", fmt.Sprintf("Reading %q: %v. Nothing was started.", name, err))
		return nil, diags
	}
	sum := sha256Hex(content)
	if !f.FileSHA256.IsUnknown() && f.FileSHA256.ValueString() != sum {
		diags.AddAttributeError(path.Root("file"), "The file changed after the plan", fmt.Sprintf(
			"%q had SHA-256 %s when the plan was made and has %s now. Nothing was started; plan again to upload what the file holds now.",
			name, f.FileSHA256.ValueString(), sum))
		return nil, diags
	}
	f.FileSHA256 = types.StringValue(sum)
	return &sailpoint.LaunchFile{Name: filepath.Base(name), Content: content}, diags
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

// sourceArgs are the arguments of a launch that works on a source.
type sourceArgs struct {
	SourceID            types.String `tfsdk:"source_id"`
	WaitForRunningTasks types.Bool   `tfsdk:"wait_for_running_tasks"`
}

func sourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"source_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The id of the source to aggregate, such as `2c9180835d191a86015d28455b4a2329`.",
			Validators:          []validator.String{idValidator("source id")},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"wait_for_running_tasks": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(true),
			MarkdownDescription: "Before starting, wait until no task of the source is still running, so two aggregations " +
				"of one source never overlap (for instance after an interrupted apply). The wait counts against " +
				"`timeouts.create`. Defaults to `true`. On `api_version` `v2024` and `beta`, whose task list has only " +
				"finished tasks, the running tasks come from the deprecated `pending-tasks` list.",
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
	}
}

// launchTimeoutsAttribute is the library's timeouts attribute (timeouts =
// { create = "90m" }) with descriptions for the docs.
func launchTimeoutsAttribute(ctx context.Context) schema.Attribute {
	a, ok := timeouts.Attributes(ctx, timeouts.Opts{
		Create: true,
		CreateDescription: fmt.Sprintf("How long creating may take, as a Go duration such as `\"90m\"`: waiting for the source "+
			"to be idle, starting the task and waiting for it. Defaults to `%s`. Changing it starts no new task.", shortDuration(defaultLaunchTimeout)),
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
