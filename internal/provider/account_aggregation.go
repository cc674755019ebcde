package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// accountAggregationArgs are the account aggregation's own arguments, the
// same in the resource and the action.
type accountAggregationArgs struct {
	sourceArgs
	fileArg
	DisableOptimization types.Bool `tfsdk:"disable_optimization"`
}

func (a *accountAggregationArgs) arguments() *accountAggregationArgs { return a }

type accountAggregationModel struct {
	launchModel
	accountAggregationArgs
	fileHash
}

type accountAggregationActionModel struct {
	launchActionModel
	accountAggregationArgs
}

const accountAggregationEndpoint = "`POST /sources/v1/{id}/load-accounts`, or `/{version}/sources/{id}/load-accounts`"

var accountAggregation = launchOperation[accountAggregationArgs]{
	typeName: "account_aggregation",
	resourceDescription: "Starts an account aggregation of a source when created (" + accountAggregationEndpoint + "), " +
		"waits for it and fails the apply unless it finished as expected. " +
		"Any change of an argument, of `triggers` or of the uploaded file's content starts a new aggregation. " +
		"Destroying it calls nothing: a task cannot be undone.",
	actionDescription: "Starts an account aggregation of a source each time it is invoked (" + accountAggregationEndpoint + "), " +
		"shows its progress while it runs, and fails unless it finished as expected.",
	arguments: withFileArgument(sourceArguments(), map[string]launchArgument{
		"disable_optimization": {
			kind: argBool,
			description: "Reprocess every account whether or not its data changed (the API's `disableOptimization`). " +
				"Left out of the request when not set.",
		},
	}),
	request: func(_ context.Context, client *sailpoint.Client, args *accountAggregationArgs, file *sailpoint.LaunchFile) (launchRequest, diag.Diagnostics) {
		a := sailpoint.AccountAggregation{SourceID: args.SourceID.ValueString(), DisableOptimization: args.DisableOptimization.ValueBoolPointer(), File: file}
		return launchRequest{
			operation:      fmt.Sprintf("account aggregation of source %q", a.SourceID),
			sourceID:       a.SourceID,
			waitForRunning: args.waitForRunning(),
			start: func(ctx context.Context) (*sailpoint.Launch, error) {
				return client.StartAccountAggregation(ctx, a)
			},
		}, nil
	},
}

// NewAccountAggregationResource is the sailpoint_account_aggregation resource.
func NewAccountAggregationResource() resource.Resource {
	return &launchResource[accountAggregationArgs, accountAggregationModel, *accountAggregationModel]{op: accountAggregation}
}

// NewAccountAggregationAction is the sailpoint_account_aggregation action.
func NewAccountAggregationAction() action.Action {
	return &launchAction[accountAggregationArgs, accountAggregationActionModel, *accountAggregationActionModel]{op: accountAggregation}
}
