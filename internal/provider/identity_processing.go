package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// identityProcessingArgs are identity processing's own arguments, the same
// in the resource and the action.
type identityProcessingArgs struct {
	IdentityIDs types.Set `tfsdk:"identity_ids"`
}

func (a *identityProcessingArgs) arguments() *identityProcessingArgs { return a }

type identityProcessingModel struct {
	launchModel
	identityProcessingArgs
}

type identityProcessingActionModel struct {
	launchActionModel
	identityProcessingArgs
}

const (
	identityProcessingEndpoint = "`POST /identities/v1/process`, or `/{version}/identities/process`"
	identityProcessingDoes     = "their attributes, roles and access are recalculated, as an identity refresh does."
)

var identityProcessing = launchOperation[identityProcessingArgs]{
	typeName: "identity_processing",
	resourceDescription: "Starts processing of identities when created (" + identityProcessingEndpoint + "): " + identityProcessingDoes +
		" Waits for the task and fails the apply unless it finished as expected. Any change of an argument or of " +
		"`triggers` starts a new task. Destroying it calls nothing: a task cannot be undone.",
	actionDescription: "Starts processing of identities each time it is invoked (" + identityProcessingEndpoint + "): " + identityProcessingDoes +
		" Shows its progress while it runs, and fails unless it finished as expected.",
	arguments: map[string]launchArgument{
		"identity_ids": {
			kind:        argStringSet,
			required:    true,
			description: fmt.Sprintf("The ids of the identities to process, 1 to %d.", sailpoint.MaxIdentityIDs),
			setValidators: []validator.Set{
				setvalidator.SizeBetween(1, sailpoint.MaxIdentityIDs),
				setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1), idValidator("identity id", func(id string) error { return sailpoint.ValidateIdentityIDs([]string{id}) })),
			},
		},
	},
	request: func(ctx context.Context, client *sailpoint.Client, args *identityProcessingArgs, _ *sailpoint.LaunchFile) (launchRequest, diag.Diagnostics) {
		var ids []string
		diags := args.IdentityIDs.ElementsAs(ctx, &ids, false)
		slices.Sort(ids)
		return launchRequest{
			operation: fmt.Sprintf("identity processing of %d identities", len(ids)),
			start: func(ctx context.Context) (*sailpoint.Launch, error) {
				return client.StartIdentityProcessing(ctx, ids)
			},
		}, diags
	},
}

// NewIdentityProcessingResource is the sailpoint_identity_processing resource.
func NewIdentityProcessingResource() resource.Resource {
	return &launchResource[identityProcessingArgs, identityProcessingModel, *identityProcessingModel]{op: identityProcessing}
}

// NewIdentityProcessingAction is the sailpoint_identity_processing action.
func NewIdentityProcessingAction() action.Action {
	return &launchAction[identityProcessingArgs, identityProcessingActionModel, *identityProcessingActionModel]{op: identityProcessing}
}
