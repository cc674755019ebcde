package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The sailpoint_config_export data source: one SP-Config export job each
// time it is read, waited for, its document downloaded once and exposed as
// it came, with its objects and objects_sha256 (the rule the import's
// identity uses, so an unchanged export piped into sailpoint_config_import
// starts nothing).

// configExport is the operation, for messages and what it needs.
var configExport = operation{typeName: "config_export", declared: sailpoint.ConfigExportOp.Operation}

// NewConfigExportDataSource is the sailpoint_config_export data source.
func NewConfigExportDataSource() datasource.DataSource { return &configExportDataSource{} }

type configExportDataSource struct {
	data *providerData
}

var _ datasource.DataSourceWithConfigure = (*configExportDataSource)(nil)

// configExportModel is the data source's values.
type configExportModel struct {
	Description     types.String         `tfsdk:"description"`
	IncludeTypes    types.Set            `tfsdk:"include_types"`
	ExcludeTypes    types.Set            `tfsdk:"exclude_types"`
	ObjectOptions   types.Map            `tfsdk:"object_options"`
	PollInterval    timetypes.GoDuration `tfsdk:"poll_interval"`
	MinPollInterval timetypes.GoDuration `tfsdk:"min_poll_interval"`
	Timeouts        timeouts.Value       `tfsdk:"timeouts"`
	JobID           types.String         `tfsdk:"job_id"`
	Content         types.String         `tfsdk:"content"`
	Objects         types.List           `tfsdk:"objects"`
	ObjectsSHA256   types.String         `tfsdk:"objects_sha256"`
}

func (d *configExportDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config_export"
}

func (d *configExportDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *configExportDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	types25 := "`" + strings.Join(sailpoint.ConfigExportTypes, "`, `") + "`"
	typeSet := []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(sailpoint.ConfigExportTypes...))}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exports configuration objects of the tenant as an SP-Config document each time it is read (" +
			"`POST /sp-config/v1/export`, or `/{version}/sp-config/export`): starts one export job, waits for it, downloads its " +
			"document once and exposes it as downloaded, with its objects and `objects_sha256`. Feed `content` to a " +
			"`sailpoint_config_import` of another tenant's provider to promote the configuration. Needs a personal access token with " +
			"`sp:config:read` and `sp:config:manage` (the spec lists both) of an `ORG_ADMIN`. Terraform reads data sources at every " +
			"plan and refresh, so each starts one export.",
		Attributes: map[string]schema.Attribute{
			"description": schema.StringAttribute{Optional: true, MarkdownDescription: "The export job's description."},
			"include_types": schema.SetAttribute{Optional: true, ElementType: types.StringType, Validators: typeSet,
				MarkdownDescription: "Export only objects of these types (the API's `includeTypes`, which takes precedence over " +
					"`exclude_types`): " + types25 + ". Not set: every type not excluded."},
			"exclude_types": schema.SetAttribute{Optional: true, ElementType: types.StringType, Validators: typeSet,
				MarkdownDescription: "Export no objects of these types (the API's `excludeTypes`)."},
			"object_options": schema.MapNestedAttribute{Optional: true,
				MarkdownDescription: "Pick objects of a type by id or name (the API's `objectOptions`), keyed by object type.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"included_ids":   schema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Export only the objects of this type with these ids."},
					"included_names": schema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Export only the objects of this type with these names."},
				}}},
			"poll_interval": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
				Validators:          []validator.String{minDuration(sailpoint.DefaultPollMin, "Poll interval")},
				MarkdownDescription: configPollIntervalDesc},
			"min_poll_interval": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
				Validators:          []validator.String{minDuration(sailpoint.DefaultPollMin, "Minimum poll interval"), notAbovePollInterval{}},
				MarkdownDescription: configMinPollIntervalDesc},
			"timeouts": readTimeoutsAttribute(ctx, "How long the export may take, waiting and downloading included"),
			"job_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The id of the export job."},
			"content": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The document exactly as downloaded: JSON with `version`, `timestamp`, `tenant`, `options` and `objects`."},
			"objects": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The document's objects, as each object's `self` names it.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{Computed: true, MarkdownDescription: "The object's type."},
					"id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The object's id in the exporting tenant."},
					"name": schema.StringAttribute{Computed: true, MarkdownDescription: "The object's name."},
				}}},
			"objects_sha256": schema.StringAttribute{Computed: true, MarkdownDescription: "The identity of the document's objects, as " +
				"`sailpoint_config_import` computes it: the same objects in another order, formatting or export give the same value."},
		},
	}
}

func (d *configExportDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m configExportModel
	ctx, ok := begin(ctx, d.data, "data source", req.Config, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	readTimeout, diags := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	request := sailpoint.ConfigExportRequest{Description: m.Description.ValueString(),
		IncludeTypes: setStrings(m.IncludeTypes), ExcludeTypes: setStrings(m.ExcludeTypes)}
	slices.Sort(request.IncludeTypes)
	slices.Sort(request.ExcludeTypes)
	if !m.ObjectOptions.IsNull() {
		var byType map[string]objectOptionsModel
		resp.Diagnostics.Append(m.ObjectOptions.ElementsAs(ctx, &byType, false)...)
		request.ObjectOptions = map[string]sailpoint.ConfigObjectOptions{}
		for typ, o := range byType {
			request.ObjectOptions[typ] = sailpoint.ConfigObjectOptions{IncludedIDs: setStrings(o.IncludedIDs), IncludedNames: setStrings(o.IncludedNames)}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.data.client
	if d := configExport.versionProblem(d.data); d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	start, err := sailpoint.ConfigExportOp.Prepare(request)
	if err != nil {
		resp.Diagnostics.AddError("Invalid SP-Config export", capitalize(err.Error())+". Nothing was sent.")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	l := launch{op: configExport, describe: "SP-Config export"}
	began := time.Now()
	started, err := client.Start(ctx, start)
	if err != nil {
		resp.Diagnostics.Append(launchErrorDiagnostic(err, l, client.APIVersion()))
		return
	}
	id := started.TaskID
	ctx = tflog.SetField(ctx, "job_id", id)
	w := sailpoint.Waiter{MinInterval: goDuration(m.MinPollInterval), MaxInterval: goDuration(m.PollInterval), OnError: logTransientReadError}
	job, err := client.WaitForConfigJob(ctx, sailpoint.ConfigJobTypeExport, id, w, func(ctx context.Context, poll int, job *sailpoint.ConfigJob, next time.Duration) {
		logProgress{}.jobRunning(ctx, id, sailpoint.CleanText(job.Status), poll, next)
	})
	var waitErr *sailpoint.ConfigJobWaitError
	switch {
	case errors.As(err, &waitErr):
		resp.Diagnostics.Append(configWaitDiagnostic(waitErr, l, report{timeout: readTimeout, timeoutName: readTimeoutName,
			taskKept: "read it with GET /sp-config/v1/export/" + id}, time.Since(began)))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("SP-Config export job %q", id)))
		return
	case !strings.EqualFold(job.Status, sailpoint.ConfigJobComplete):
		message := "The job left no message."
		if job.Message != nil && *job.Message != "" {
			message = "The job's message: " + sailpoint.CleanText(*job.Message)
		}
		resp.Diagnostics.AddError(fmt.Sprintf("SP-Config export job %q ended %s", id, sailpoint.CleanText(job.Status)),
			fmt.Sprintf("The export ended with status %s, not COMPLETE, so there is no document. %s", sailpoint.CleanText(job.Status), message))
		return
	}
	export, err := client.DownloadConfigExport(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("the document of SP-Config export job %q", id)))
		return
	}
	objects := make([]attr.Value, len(export.Objects))
	for i, o := range export.Objects {
		objects[i] = types.ObjectValueMust(importedObjectType.AttrTypes, map[string]attr.Value{
			"type": types.StringPointerValue(o.Type), "id": types.StringPointerValue(o.ID), "name": types.StringPointerValue(o.Name),
		})
	}
	m.JobID = types.StringValue(id)
	m.Content = types.StringValue(string(export.Content))
	m.Objects = types.ListValueMust(importedObjectType, objects)
	m.ObjectsSHA256 = types.StringValue(export.ObjectsSHA256)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
