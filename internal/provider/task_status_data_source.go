package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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

// taskStatusArgumentNames are the data source's arguments; every other
// attribute is a TaskStatus field (taskStatusAttributes).
var taskStatusArgumentNames = []string{"id", "wait_for_completion", "poll_interval", "min_poll_interval", "expected_completion_statuses", "timeouts"}

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
	for name, a := range gateArguments() {
		attrs[name] = a.dataSourceAttribute()
	}
	attrs["timeouts"] = readTimeoutsAttribute(ctx, "How long the read may take, waiting included")
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
	var obj types.Object
	ctx, ok := begin(ctx, d.data, "data source", req.Config, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	cfg := attrs(obj.Attributes())
	id := cfg.str("id").ValueString()
	ctx = tflog.SetField(ctx, "task_id", id)
	var gate gateArgs
	resp.Diagnostics.Append(cfg.decode(ctx, &gate)...)

	readTimeout, diags := cfg.readTimeout(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	var ts *sailpoint.TaskStatus
	var err error
	if gate.wait(dataSourceForm) {
		// A task on a source (its target) learns from its earlier runs there.
		ts, err = d.data.client.WaitForTaskStatus(ctx, id, waiter(gate, d.data.client.RunHistory("")))
	} else {
		ts, err = d.data.client.GetTaskStatus(ctx, id)
	}
	var waitErr *sailpoint.WaitError
	timedOut := readTimeoutDiagnostic(ctx, err, fmt.Sprintf("task %q", id), readTimeout)
	switch {
	case errors.As(err, &waitErr):
		resp.Diagnostics.Append(waitDiagnostic(waitErr, waitContext{timeoutName: readTimeoutName, timeout: readTimeout}))
		return
	case timedOut != nil:
		resp.Diagnostics.Append(timedOut)
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("task %q", id)))
		return
	}
	tflog.Debug(ctx, "Read SailPoint task status", map[string]any{"completion_status": ptrString(ts.CompletionStatus)})

	if expected := gate.expected(dataSourceForm); len(expected) > 0 {
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
	values := attrs(task.Attributes())
	// The tenant's id is the same task; the configured text is kept so the
	// state never disagrees with the configuration.
	for _, name := range taskStatusArgumentNames {
		values[name] = cfg[name]
	}
	state, diags := values.object(resp.State.Schema.Type())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}
