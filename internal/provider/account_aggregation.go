package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const accountAggregationEndpoint = "`POST /sources/v1/{id}/load-accounts`, or `/{version}/sources/{id}/load-accounts`"

// accountAggregationArgs are an account aggregation's own arguments.
type accountAggregationArgs struct {
	DisableOptimization types.Bool `tfsdk:"disable_optimization"`
}

// accountAggregation loads a source's accounts: from the connector, or
// from an uploaded CSV for a delimited-file source.
var accountAggregation = define(operationSpec[accountAggregationArgs]{
	operation: operation{
		typeName: "account_aggregation",
		declared: sailpoint.AccountAggregationOp.Operation,
		resourceDescription: "Starts an account aggregation of a source when created (" + accountAggregationEndpoint + "), " +
			"waits for it and fails the apply unless it finished as expected. " +
			"A change of `source_id`, `disable_optimization`, `triggers` or the uploaded file's content starts a new aggregation; " +
			"a change of how to wait updates in place. Ctrl-C keeps the task: the next apply resumes the wait. " +
			"Destroying it calls nothing: a task cannot be undone.",
		actionDescription: "Starts an account aggregation of a source each time it is invoked (" + accountAggregationEndpoint + "), " +
			"shows its progress while it runs, and fails unless it finished as expected.",
		source: true,
		file:   optionalFile,
		arguments: map[string]argument{
			"disable_optimization": {
				kind: argBool,
				description: "Reprocess every account whether or not its data changed (the API's `disableOptimization`). " +
					"Left out of the request when not set.",
			},
		},
		liveDetail: aggregationCounts,
	},
	start: func(in launchInput, args accountAggregationArgs) (sailpoint.Start, error) {
		return sailpoint.AccountAggregationOp.Prepare(sailpoint.AccountAggregation{
			SourceID:            in.sourceID,
			DisableOptimization: args.DisableOptimization.ValueBoolPointer(),
			File:                in.file,
		})
	},
})

// aggregationCounts is the tenant's count of the changed accounts a running
// aggregation has processed (GET .../account-aggregations/{id}/status). It
// takes user tokens only and answers until an hour after the task: a
// refusal or a 404 ends the counts for the invocation, never the launch.
func aggregationCounts(ctx context.Context, c *sailpoint.Client, taskID string) (string, bool) {
	st, err := c.GetAccountAggregationStatus(ctx, taskID)
	if err != nil {
		if sailpoint.IsTransient(err) {
			return "", true // try again with the next line
		}
		tflog.Debug(ctx, "No account aggregation counts for this invocation; progress shows percent_complete only", map[string]any{"error": err.Error()})
		return "", false
	}
	text := "aggregation " + sailpoint.CleanText(ptrOr(st.Status, "status unknown"))
	// The counts exist once the accounts are collected.
	status := ptrString(st.Status)
	if st.TotalAccounts != nil && st.ProcessedAccounts != nil && (status == sailpoint.AggregationStatusAccountsCollected || status == sailpoint.AggregationStatusCompleted) {
		text += fmt.Sprintf(", %d of %d changed accounts processed", *st.ProcessedAccounts, *st.TotalAccounts)
	}
	return text, true
}
