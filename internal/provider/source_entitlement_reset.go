package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const sourceEntitlementResetEndpoint = "`POST /entitlements/v1/reset/sources/{id}`, or `/{version}/entitlements/reset/sources/{id}`"

// sourceEntitlementReset removes every entitlement of a source.
var sourceEntitlementReset = operation{
	typeName: "source_entitlement_reset",
	title:    sailpoint.OperationEntitlementReset,
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
	start: func(ctx context.Context, c *sailpoint.Client, in launchInput) (*sailpoint.Launch, error) {
		return c.StartSourceEntitlementReset(ctx, in.sourceID)
	},
}

// NewSourceEntitlementResetResource is the sailpoint_source_entitlement_reset resource.
func NewSourceEntitlementResetResource() resource.Resource {
	return newLaunchResource(sourceEntitlementReset)
}

// NewSourceEntitlementResetAction is the sailpoint_source_entitlement_reset action.
func NewSourceEntitlementResetAction() action.Action { return newLaunchAction(sourceEntitlementReset) }
