package provider

import (
	"context"
	"fmt"

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

type taskStatusDataSourceModel struct {
	taskStatusModel
}

func (d *taskStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_task_status"
}

func (d *taskStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := taskStatusAttributes()
	attrs["id"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "System-generated unique ID of the task this TaskStatus represents, such as the id an " +
			"aggregation returns when it is started.",
		Validators: []validator.String{taskIDValidator{}},
	}
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
	var cfg taskStatusDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	ctx = d.data.maskSecrets(ctx)
	id := cfg.ID.ValueString()
	ctx = tflog.SetField(ctx, "task_id", id)

	ts, err := d.data.client.GetTaskStatus(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("task %q", id)))
		return
	}
	model, diags := newTaskStatusModel(ctx, ts)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The tenant's id is the same task; keep the configured text so the
	// state never disagrees with the configuration.
	model.ID = cfg.ID
	tflog.Debug(ctx, "Read SailPoint task status", map[string]any{"completion_status": model.CompletionStatus.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, taskStatusDataSourceModel{taskStatusModel: model})...)
}

// taskIDValidator refuses ids the client would refuse, at validate time,
// so a bad id fails before any request. Unknown ids pass.
type taskIDValidator struct{}

func (taskIDValidator) Description(context.Context) string {
	return "must be a task id: not blank, without '/', '?', '#', '%', '..' or control characters"
}

func (v taskIDValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (taskIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := sailpoint.ValidateTaskID(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid task id", capitalize(err.Error())+". Task ids look like 2c91808a7813090a01781412a1110a30.")
	}
}
