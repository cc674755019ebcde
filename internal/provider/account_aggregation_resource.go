package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

type accountAggregationModel struct {
	launchModel
	sourceArgs
	fileArgs
	DisableOptimization types.Bool `tfsdk:"disable_optimization"`
}

// NewAccountAggregationResource is sailpoint_account_aggregation.
func NewAccountAggregationResource() resource.Resource {
	attrs := sourceAttributes()
	for k, v := range fileAttributes() {
		attrs[k] = v
	}
	attrs["disable_optimization"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Reprocess every account whether or not its data changed (the API's `disableOptimization`). " +
			"Left out of the request when not set.",
		PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
	}
	return &launchResource[accountAggregationModel, *accountAggregationModel]{op: launchOperation[accountAggregationModel]{
		typeName: "account_aggregation",
		description: "Starts an account aggregation of a source when created (`POST /sources/v1/{id}/load-accounts`, or " +
			"`/{version}/sources/{id}/load-accounts`), waits for it and fails the apply unless it finished as expected. " +
			"Any change of an argument, of `triggers` or of the uploaded file's content starts a new aggregation. " +
			"Destroying it calls nothing: a task cannot be undone.",
		attributes: attrs,
		prepare: func(ctx context.Context, client *sailpoint.Client, m *accountAggregationModel) (launchRequest, diag.Diagnostics) {
			file, diags := m.launchFile()
			a := sailpoint.AccountAggregation{SourceID: m.SourceID.ValueString(), DisableOptimization: m.DisableOptimization.ValueBoolPointer(), File: file}
			return launchRequest{
				operation:      fmt.Sprintf("account aggregation of source %q", a.SourceID),
				sourceID:       a.SourceID,
				waitForRunning: m.WaitForRunningTasks.ValueBool(),
				start: func(ctx context.Context) (*sailpoint.Launch, error) {
					return client.StartAccountAggregation(ctx, a)
				},
			}, diags
		},
	}}
}
