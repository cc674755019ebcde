package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const sourceAccountResetEndpoint = "`POST /sources/v1/{id}/remove-accounts`, or `/{version}/sources/{id}/remove-accounts`"

// sourceAccountReset removes every account of a source.
var sourceAccountReset = operation{
	typeName: "source_account_reset",
	title:    sailpoint.OperationAccountReset,
	resourceDescription: "**Destructive:** removes every account of a source from ISC when created (" + sourceAccountResetEndpoint + "), " +
		"without provisioning changes to the source itself; the next account aggregation may create them again. Needs a user " +
		"token: a personal access token of an `ORG_ADMIN` with `idn:accounts:manage`. Waits for the task and fails the apply " +
		"unless it finished as expected. A change of `source_id` or `triggers` starts a new reset; a change of how to wait " +
		"updates in place. Destroying it calls nothing: removed accounts are not restored.",
	actionDescription: "**Destructive:** removes every account of a source from ISC each time it is invoked (" + sourceAccountResetEndpoint + "), " +
		"without provisioning changes to the source itself. Needs a user token: a personal access token of an `ORG_ADMIN` " +
		"with `idn:accounts:manage`. Shows its progress while it runs, and fails unless it finished as expected.",
	source: true,
	start: func(ctx context.Context, c *sailpoint.Client, in launchInput) (*sailpoint.Launch, error) {
		return c.StartSourceAccountReset(ctx, in.sourceID)
	},
}

// NewSourceAccountResetResource is the sailpoint_source_account_reset resource.
func NewSourceAccountResetResource() resource.Resource { return newLaunchResource(sourceAccountReset) }

// NewSourceAccountResetAction is the sailpoint_source_account_reset action.
func NewSourceAccountResetAction() action.Action { return newLaunchAction(sourceAccountReset) }
