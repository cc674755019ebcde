package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

type entitlementAggregationModel struct {
	launchModel
	sourceArgs
	fileArgs
}

// NewEntitlementAggregationResource is sailpoint_entitlement_aggregation.
func NewEntitlementAggregationResource() resource.Resource {
	attrs := sourceAttributes()
	for k, v := range fileAttributes() {
		attrs[k] = v
	}
	return &launchResource[entitlementAggregationModel, *entitlementAggregationModel]{op: launchOperation[entitlementAggregationModel]{
		typeName: "entitlement_aggregation",
		description: "Starts an entitlement aggregation of a source when created (`POST /sources/v1/{sourceId}/load-entitlements`, " +
			"or `/{version}/sources/{sourceId}/load-entitlements`), waits for it and fails the apply unless it finished as expected. " +
			"The API documents this operation for user tokens only: authenticate with a personal access token of an " +
			"`ORG_ADMIN`. Any change of an argument, of `triggers` or of the uploaded file's content starts a new aggregation. " +
			"Destroying it calls nothing: a task cannot be undone.",
		attributes: attrs,
		prepare: func(ctx context.Context, client *sailpoint.Client, m *entitlementAggregationModel) (launchRequest, diag.Diagnostics) {
			file, diags := m.launchFile()
			e := sailpoint.EntitlementAggregation{SourceID: m.SourceID.ValueString(), File: file}
			return launchRequest{
				operation:      fmt.Sprintf("entitlement aggregation of source %q", e.SourceID),
				sourceID:       e.SourceID,
				waitForRunning: m.WaitForRunningTasks.ValueBool(),
				start: func(ctx context.Context) (*sailpoint.Launch, error) {
					return client.StartEntitlementAggregation(ctx, e)
				},
			}, diags
		},
	}}
}
