package provider

import (
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const sourceAccountResetEndpoint = "`POST /sources/v1/{id}/remove-accounts`, or `/{version}/sources/{id}/remove-accounts`"

// sourceAccountReset removes every account of a source.
var sourceAccountReset = define(operationSpec[struct{}]{
	operation: operation{
		typeName: "source_account_reset",
		declared: sailpoint.SourceAccountResetOp.Operation,
		resourceDescription: "**Destructive:** removes every account of a source from ISC when created (" + sourceAccountResetEndpoint + "), " +
			"without provisioning changes to the source itself; the next account aggregation may create them again. Needs a user " +
			"token: a personal access token of an `ORG_ADMIN` with `idn:accounts:manage`. Waits for the task and fails the apply " +
			"unless it finished as expected. A change of `source_id` or `triggers` starts a new reset; a change of how to wait " +
			"updates in place. Destroying it calls nothing: removed accounts are not restored.",
		actionDescription: "**Destructive:** removes every account of a source from ISC each time it is invoked (" + sourceAccountResetEndpoint + "), " +
			"without provisioning changes to the source itself. Needs a user token: a personal access token of an `ORG_ADMIN` " +
			"with `idn:accounts:manage`. Shows its progress while it runs, and fails unless it finished as expected.",
		source: true,
	},
	start: func(in launchInput, _ struct{}) (sailpoint.Start, error) {
		return sailpoint.SourceAccountResetOp.Prepare(sailpoint.SourceReset{SourceID: in.sourceID})
	},
})
