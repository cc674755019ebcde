package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

var (
	_ datasource.DataSource              = (*taskStatusDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*taskStatusDataSource)(nil)
)

// NewTaskStatusDataSource is sailpoint_task_status.
func NewTaskStatusDataSource() datasource.DataSource { return &taskStatusDataSource{} }

type taskStatusDataSource struct {
	data *providerData
}

// taskStatusArguments are the data source's arguments; every other
// attribute is a TaskStatus field (taskStatusAttributes).
type taskStatusArguments struct {
	ID                         types.String
	WaitForCompletion          types.Bool
	PollInterval               timetypes.GoDuration
	ExpectedCompletionStatuses types.Set
	Timeouts                   timeouts.Value
}

// targets maps the schema names of the arguments to where they are read.
func (a *taskStatusArguments) targets() map[string]any {
	return map[string]any{
		"id":                           &a.ID,
		"wait_for_completion":          &a.WaitForCompletion,
		"poll_interval":                &a.PollInterval,
		"expected_completion_statuses": &a.ExpectedCompletionStatuses,
		"timeouts":                     &a.Timeouts,
	}
}

// values maps the schema names of the arguments to their values.
func (a *taskStatusArguments) values() map[string]attr.Value {
	return map[string]attr.Value{
		"id":                           a.ID,
		"wait_for_completion":          a.WaitForCompletion,
		"poll_interval":                a.PollInterval,
		"expected_completion_statuses": a.ExpectedCompletionStatuses,
		"timeouts":                     a.Timeouts,
	}
}

// defaultReadTimeout bounds a read, waiting included, unless timeouts.read says otherwise.
const defaultReadTimeout = 20 * time.Minute

func (d *taskStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_task_status"
}

func (d *taskStatusDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := taskStatusAttributes()
	attrs["id"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "System-generated unique ID of the task this TaskStatus represents, such as the id an " +
			"aggregation returns when it is started.",
		Validators: []validator.String{taskIDValidator},
	}
	attrs["wait_for_completion"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Poll until the task has finished, then return its final status. A task counts as finished " +
			"only when both `completed` and `completion_status` are set (ISC writes them separately). Polls back off from " +
			"about a second to `poll_interval`, with jitter, until `timeouts.read` runs out. Defaults to `false`: read once.",
	}
	attrs["poll_interval"] = schema.StringAttribute{
		Optional:   true,
		CustomType: timetypes.GoDurationType{},
		MarkdownDescription: "The longest pause between two polls while waiting, as a Go duration such as `\"10s\"` or " +
			"`\"1m\"` (at least `1s`). Defaults to `30s`.",
		Validators: []validator.String{minDuration(sailpoint.DefaultPollMin, "Poll interval")},
	}
	attrs["expected_completion_statuses"] = schema.SetAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Fail the read unless the task finished with one of these statuses: `SUCCESS`, `WARNING`, " +
			"`ERROR`, `TERMINATED`, `TEMPERROR` (compared without regard to case). The error names the task and quotes its " +
			"`ERROR` and `WARN` messages. A task still running fails the expectation: set `wait_for_completion` to wait for it first.",
		Validators: []validator.Set{
			setvalidator.SizeAtLeast(1),
			setvalidator.ValueStringsAre(stringvalidator.OneOfCaseInsensitive(sailpoint.CompletionStatuses...)),
		},
	}
	attrs["timeouts"] = timeoutsAttribute(ctx, "How long the read may take, waiting included")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the status of one ISC task (an aggregation, an identity refresh, or another " +
			"background task) by its id: `GET /task-status/v1/{id}`, or `/{version}/task-status/{id}` on the older API " +
			"versions. ISC keeps task statuses for 90 days.",
		Attributes: attrs,
	}
}

func (d *taskStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *taskStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg taskStatusArguments
	for name, target := range cfg.targets() {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), target)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireClient(d.data, "data source", &resp.Diagnostics) {
		return
	}
	ctx = d.data.maskSecrets(ctx)
	id := cfg.ID.ValueString()
	ctx = tflog.SetField(ctx, "task_id", id)

	readTimeout, diags := cfg.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	var expected []string
	resp.Diagnostics.Append(cfg.ExpectedCompletionStatuses.ElementsAs(ctx, &expected, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	var ts *sailpoint.TaskStatus
	var err error
	if cfg.WaitForCompletion.ValueBool() {
		ts, err = d.data.client.WaitForTaskStatus(ctx, id, waiter(cfg.PollInterval))
	} else {
		ts, err = d.data.client.GetTaskStatus(ctx, id)
	}
	var waitErr *sailpoint.WaitError
	timedOut := readTimeoutDiagnostic(ctx, err, fmt.Sprintf("task %q", id), readTimeout)
	switch {
	case errors.As(err, &waitErr):
		resp.Diagnostics.Append(waitDiagnostic(waitErr, readTimeout))
		return
	case timedOut != nil:
		resp.Diagnostics.Append(timedOut)
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("task %q", id)))
		return
	}
	tflog.Debug(ctx, "Read SailPoint task status", map[string]any{"completion_status": ptrString(ts.CompletionStatus)})

	if len(expected) > 0 {
		if d := expectationDiagnostic(id, ts, expected); d != nil {
			resp.Diagnostics.Append(d)
			return
		}
	}

	task, diags := newTaskStatusValue(ts)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// One Set of the whole object: setting 18 attributes one by one would
	// rewrite the state 18 times, which a task with 50,000 messages feels.
	values := task.Attributes()
	// The tenant's id is the same task; the configured text is kept so the
	// state never disagrees with the configuration.
	maps.Copy(values, cfg.values())
	stateType, ok := resp.State.Schema.Type().(types.ObjectType)
	if !ok {
		resp.Diagnostics.AddError("Unexpected schema type", "The data source's schema is not an object. This is a bug in the provider; please report it.")
		return
	}
	state, diags := types.ObjectValue(stateType.AttrTypes, values)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// timeoutsAttribute is the library's timeouts attribute (timeouts = { read
// = "30m" }) with descriptions for the docs.
func timeoutsAttribute(ctx context.Context, readScope string) schema.Attribute {
	a, ok := timeouts.AttributesWithOpts(ctx, timeouts.Opts{
		ReadDescription: readScope + ", as a Go duration such as `\"30m\"` or `\"2h\"`. Defaults to `20m`.",
	}).(schema.SingleNestedAttribute)
	if !ok {
		return timeouts.Attributes(ctx)
	}
	a.MarkdownDescription = "Time limits for the read."
	if read, ok := a.Attributes["read"].(schema.StringAttribute); ok {
		read.MarkdownDescription = read.Description
		a.Attributes["read"] = read
	}
	return a
}

// readTimeoutDiagnostic names timeouts.read when a read outlived it, and is
// nil for any other failure.
func readTimeoutDiagnostic(ctx context.Context, err error, what string, readTimeout time.Duration) diag.Diagnostic {
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || ctx.Err() == nil {
		return nil
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Timed out reading %s", what), fmt.Sprintf(
		"The read did not finish within timeouts.read (%s): %s. Raise timeouts.read, or check the tenant's status.", readTimeout, err))
}

// logTransientReadError reports at Warn a read of a wait that failed for a
// passing reason; the wait goes on.
func logTransientReadError(ctx context.Context, poll int, err error, next time.Duration) {
	tflog.Warn(ctx, fmt.Sprintf("Waiting for SailPoint task: a read failed, reading again in %s: %s", next.Round(time.Millisecond), err), map[string]any{
		"poll":         poll,
		"next_poll_in": next.Round(time.Millisecond).String(),
	})
}

// waiter polls with the user's cap and reports progress at Info, so
// TF_LOG=info shows a long wait moving.
func waiter(pollInterval timetypes.GoDuration) sailpoint.Waiter {
	w := sailpoint.Waiter{
		OnPoll: logPoll,
	}
	w.OnError = logTransientReadError
	if d, diags := pollInterval.ValueGoDuration(); !pollInterval.IsNull() && !diags.HasError() {
		w.MaxInterval = d
	}
	return w
}

// logPoll reports at Info a poll that found the task still running.
func logPoll(ctx context.Context, poll int, ts *sailpoint.TaskStatus, next time.Duration) {
	tflog.Info(ctx, fmt.Sprintf("Waiting for SailPoint task: %s, %s%% complete", sailpoint.CleanText(ptrOr(ts.Progress, "no progress yet")), percentCompleteOr(ts, "?")), map[string]any{
		"poll":             poll,
		"progress":         ptrString(ts.Progress),
		"percent_complete": percentCompleteOr(ts, ""),
		"next_poll_in":     next.Round(time.Millisecond).String(),
	})
}
