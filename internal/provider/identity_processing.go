package provider

import (
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const (
	identityProcessingEndpoint = "`POST /identities/v1/process`, or `/{version}/identities/process`"
	identityProcessingDoes     = "their attributes, roles and access are recalculated, as an identity refresh does."
)

// identityProcessingArgs are an identity processing's own arguments.
type identityProcessingArgs struct {
	IdentityIDs types.Set `tfsdk:"identity_ids"`
}

// identityProcessing recalculates up to 250 identities.
var identityProcessing = define(operationSpec[identityProcessingArgs]{
	operation: operation{
		typeName: "identity_processing",
		declared: sailpoint.IdentityProcessingOp.Operation,
		resourceDescription: "Starts processing of identities when created (" + identityProcessingEndpoint + "): " + identityProcessingDoes +
			" Waits for the task and fails the apply unless it finished as expected. A change of `identity_ids` or " +
			"`triggers` starts a new task; a change of how to wait updates in place. Ctrl-C keeps the task: the next apply " +
			"resumes the wait. Destroying it calls nothing: a task cannot be undone.",
		actionDescription: "Starts processing of identities each time it is invoked (" + identityProcessingEndpoint + "): " + identityProcessingDoes +
			" Shows its progress while it runs, and fails unless it finished as expected.",
		arguments: map[string]argument{
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
	},
	subject: func(args identityProcessingArgs) string {
		return fmt.Sprintf("of %d identities", len(setStrings(args.IdentityIDs)))
	},
	start: func(_ launchInput, args identityProcessingArgs) (sailpoint.Start, error) {
		ids := setStrings(args.IdentityIDs)
		slices.Sort(ids)
		return sailpoint.IdentityProcessingOp.Prepare(sailpoint.IdentityProcessing{IdentityIDs: ids})
	},
})
