package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

var (
	_ datasource.DataSource              = (*taskStatusesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*taskStatusesDataSource)(nil)
)

// NewTaskStatusesDataSource is sailpoint_task_statuses.
func NewTaskStatusesDataSource() datasource.DataSource { return &taskStatusesDataSource{} }

type taskStatusesDataSource struct {
	data *providerData
}

type taskStatusesDataSourceModel struct {
	Filters      types.String   `tfsdk:"filters"`
	Sorters      types.String   `tfsdk:"sorters"`
	Limit        types.Int64    `tfsdk:"limit"`
	TaskStatuses types.Dynamic  `tfsdk:"task_statuses"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// maxListLimit bounds limit: 40 pages, far more than a plan should hold.
const maxListLimit = 10000

func (d *taskStatusesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_task_statuses"
}

func (d *taskStatusesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists ISC task statuses, filtered and sorted by the tenant: `GET /task-status/v1`, or " +
			"`/{version}/task-status` on the older API versions. Use it to ask whether any aggregation of a source " +
			"failed, or whether anything is still running, without knowing task ids. ISC keeps task statuses for 90 days.",
		Attributes: map[string]schema.Attribute{
			"filters": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A filter expression in the API's standard syntax, passed through as is, such as " +
					"`completionStatus eq \"ERROR\"` or `sourceId eq \"2c91...\" and completionStatus isnull`. The API " +
					"filters on `id`, `sourceId`, `type` and `completionStatus` (`eq`, `in`; `isnull` on " +
					"`completionStatus`), and on `launcher` with `api_version` `v1` or `v2026`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"sorters": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "How the tenant sorts the tasks: `created` (oldest first) or `-created` (newest first), the one sorter the API offers. Without it the order is the tenant's.",
				Validators:          []validator.String{stringvalidator.OneOf("created", "-created")},
			},
			"limit": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The most tasks to return, from 1 to %d; defaults to %d. The provider reads "+
					"pages of at most %d (the API's maximum) until it has `limit` tasks or the tenant has no more.",
					maxListLimit, sailpoint.MaxPageSize, sailpoint.MaxPageSize),
				Validators: []validator.Int64{int64validator.Between(1, maxListLimit)},
			},
			// Each task's attributes and arguments are free-form objects, and
			// Terraform allows no dynamic value inside a list, so the list as a
			// whole is dynamic: a tuple of the objects sailpoint_task_status has.
			"task_statuses": schema.DynamicAttribute{
				Computed: true,
				MarkdownDescription: "The tasks, in the order the tenant returned them: a list of objects with every " +
					"attribute `sailpoint_task_status` has, built by the same code (`id`, `type`, `unique_name`, " +
					"`description`, `parent_name`, `launcher`, `target`, `created`, `modified`, `launched`, `completed`, " +
					"`completion_status`, `messages`, `returns`, `attributes`, `progress`, `percent_complete`, " +
					"`task_definition_summary`). Use it as a list: `length(...)`, `[for t in ... : t.id]`, " +
					"`...[0].attributes.identityCount`.",
			},
			"timeouts": readTimeoutsAttribute(ctx, "How long the read may take, all its pages, retries and waits included"),
		},
	}
}

func (d *taskStatusesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *taskStatusesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg taskStatusesDataSourceModel
	ctx, ok := begin(ctx, d.data, "data source", req.Config, &cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	readTimeout, diags := cfg.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	opts := sailpoint.ListOptions{
		Filters: cfg.Filters.ValueString(),
		Sorters: cfg.Sorters.ValueString(),
		Limit:   int(cfg.Limit.ValueInt64()),
	}
	tasks, err := d.data.client.ListTaskStatuses(ctx, opts)
	if err != nil {
		if d := readTimeoutDiagnostic(ctx, err, "the task list", readTimeout); d != nil {
			resp.Diagnostics.Append(d)
		} else {
			resp.Diagnostics.Append(listErrorDiagnostic(err, opts))
		}
		return
	}
	tflog.Debug(ctx, "Listed SailPoint task statuses", map[string]any{"count": len(tasks), "filters": opts.Filters})

	elems := make([]attr.Value, 0, len(tasks))
	elemTypes := make([]attr.Type, 0, len(tasks))
	for i := range tasks {
		obj, diags := taskStatusObject(ctx, &tasks[i])
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		elems = append(elems, obj)
		elemTypes = append(elemTypes, obj.Type(ctx))
	}
	tuple, diags := types.TupleValue(elemTypes, elems)
	resp.Diagnostics.Append(diags...)
	cfg.TaskStatuses = types.DynamicValue(tuple)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// listErrorDiagnostic adds to the usual explanation what a 400 on a list
// almost always means: the filter or sorter.
func listErrorDiagnostic(err error, opts sailpoint.ListOptions) diag.Diagnostic {
	what := "the task list"
	if opts.Filters != "" {
		what += fmt.Sprintf(" (filters %q)", opts.Filters)
	}
	summary, detail := explain(err, what)
	var apiErr *sailpoint.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		// The list itself always exists: a 404 means the path is wrong.
		summary = "SailPoint has no task list at this path"
		detail = fmt.Sprintf("Reading %s: %s %s answered HTTP 404 Not Found.%s\n\nCheck base_url (the tenant's API URL, "+
			"such as https://acme.api.identitynow.com) and api_version.", what, apiErr.Method, apiErr.Path, tenantSaid(apiErr))
	}
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
		summary = "SailPoint refused the task list query"
		detail += "\n\nCheck filters and sorters: the API filters on id, sourceId, type and completionStatus " +
			"(eq, in; isnull on completionStatus), on launcher with api_version v1 or v2026, with values in double " +
			"quotes, and sorts only by created or -created."
	}
	return diag.NewErrorDiagnostic(summary, detail)
}
