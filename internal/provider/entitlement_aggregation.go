package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// entitlementAggregationArgs are the entitlement aggregation's own
// arguments, the same in the resource and the action.
type entitlementAggregationArgs struct {
	sourceArgs
	fileArg
}

func (a *entitlementAggregationArgs) arguments() *entitlementAggregationArgs { return a }

type entitlementAggregationModel struct {
	launchModel
	entitlementAggregationArgs
	fileHash
}

type entitlementAggregationActionModel struct {
	launchActionModel
	entitlementAggregationArgs
}

const (
	entitlementAggregationEndpoint = "`POST /sources/v1/{sourceId}/load-entitlements`, or `/{version}/sources/{sourceId}/load-entitlements`"
	userTokensOnly                 = "The API documents this operation for user tokens only: authenticate with a personal access token of an `ORG_ADMIN`."
)

var entitlementAggregation = launchOperation[entitlementAggregationArgs]{
	typeName: "entitlement_aggregation",
	resourceDescription: "Starts an entitlement aggregation of a source when created (" + entitlementAggregationEndpoint + "), " +
		"waits for it and fails the apply unless it finished as expected. " + userTokensOnly + " " +
		"Any change of an argument, of `triggers` or of the uploaded file's content starts a new aggregation. " +
		"Destroying it calls nothing: a task cannot be undone.",
	actionDescription: "Starts an entitlement aggregation of a source each time it is invoked (" + entitlementAggregationEndpoint + "), " +
		"shows its progress while it runs, and fails unless it finished as expected. " + userTokensOnly,
	arguments: withFileArgument(sourceArguments(), nil),
	request: func(_ context.Context, client *sailpoint.Client, args *entitlementAggregationArgs, file *sailpoint.LaunchFile) (launchRequest, diag.Diagnostics) {
		e := sailpoint.EntitlementAggregation{SourceID: args.SourceID.ValueString(), File: file}
		return launchRequest{
			operation:      fmt.Sprintf("entitlement aggregation of source %q", e.SourceID),
			sourceID:       e.SourceID,
			waitForRunning: args.waitForRunning(),
			start: func(ctx context.Context) (*sailpoint.Launch, error) {
				return client.StartEntitlementAggregation(ctx, e)
			},
		}, nil
	},
}

// NewEntitlementAggregationResource is the sailpoint_entitlement_aggregation resource.
func NewEntitlementAggregationResource() resource.Resource {
	return &launchResource[entitlementAggregationArgs, entitlementAggregationModel, *entitlementAggregationModel]{op: entitlementAggregation}
}

// NewEntitlementAggregationAction is the sailpoint_entitlement_aggregation action.
func NewEntitlementAggregationAction() action.Action {
	return &launchAction[entitlementAggregationArgs, entitlementAggregationActionModel, *entitlementAggregationActionModel]{op: entitlementAggregation}
}
