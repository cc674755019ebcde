package provider

import (
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const (
	entitlementAggregationEndpoint = "`POST /sources/v1/{sourceId}/load-entitlements`, or `/{version}/sources/{sourceId}/load-entitlements`"
	userTokensOnly                 = "The API documents this operation for user tokens only: authenticate with a personal access token of an `ORG_ADMIN`."
)

// entitlementAggregation loads a source's entitlements.
var entitlementAggregation = define(operationSpec[struct{}]{
	operation: operation{
		typeName: "entitlement_aggregation",
		declared: sailpoint.EntitlementAggregationOp.Operation,
		resourceDescription: "Starts an entitlement aggregation of a source when created (" + entitlementAggregationEndpoint + "), " +
			"waits for it and fails the apply unless it finished as expected. " + userTokensOnly + " " +
			"A change of `source_id`, `triggers` or the uploaded file's content starts a new aggregation; " +
			"a change of how to wait updates in place. Ctrl-C keeps the task: the next apply resumes the wait. " +
			"Destroying it calls nothing: a task cannot be undone.",
		actionDescription: "Starts an entitlement aggregation of a source each time it is invoked (" + entitlementAggregationEndpoint + "), " +
			"shows its progress while it runs, and fails unless it finished as expected. " + userTokensOnly,
		source: true,
		file:   optionalFile,
	},
	start: func(in launchInput, _ struct{}) (sailpoint.Start, error) {
		return sailpoint.EntitlementAggregationOp.Prepare(sailpoint.EntitlementAggregation{SourceID: in.sourceID, File: in.file})
	},
})
