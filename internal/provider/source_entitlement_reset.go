package provider

import (
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const sourceEntitlementResetEndpoint = "`POST /entitlements/v1/reset/sources/{id}`, or `/{version}/entitlements/reset/sources/{id}`"

// sourceEntitlementReset removes every entitlement of a source.
var sourceEntitlementReset = define(operationSpec[struct{}]{
	operation: operation{
		typeName: "source_entitlement_reset",
		declared: sailpoint.SourceEntitlementResetOp.Operation,
		resourceDescription: "**Destructive:** removes every entitlement of a source from ISC when created (" + sourceEntitlementResetEndpoint + "); " +
			"to load them again with the accounts, run an entitlement aggregation and an account aggregation with " +
			"`disable_optimization = true`. Needs a user token: a personal access token of an `ORG_ADMIN` with " +
			"`idn:entitlement:manage` (`idn:entitlement:update` on `beta`). Waits for the task and fails the apply unless it " +
			"finished as expected. A change of `source_id` or `triggers` starts a new reset; a change of how to wait updates in " +
			"place. Destroying it calls nothing: removed entitlements are not restored.",
		actionDescription: "**Destructive:** removes every entitlement of a source from ISC each time it is invoked (" + sourceEntitlementResetEndpoint + "). " +
			"Needs a user token: a personal access token of an `ORG_ADMIN` with `idn:entitlement:manage` (`idn:entitlement:update` " +
			"on `beta`). Shows its progress while it runs, and fails unless it finished as expected.",
		source: true,
	},
	start: func(in launchInput, _ struct{}) (sailpoint.Start, error) {
		return sailpoint.SourceEntitlementResetOp.Prepare(sailpoint.SourceReset{SourceID: in.sourceID})
	},
})
