package provider

import (
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const machineIdentityAggregationEndpoint = "`POST /sources/v1/{sourceId}/aggregate-agents`, or `/{version}/sources/{sourceId}/aggregate-agents` on `v2026` and `v2025`"

// machineIdentityAggregationArgs are a machine identity aggregation's own
// arguments.
type machineIdentityAggregationArgs struct {
	DatasetIDs          types.Set  `tfsdk:"dataset_ids"`
	DisableOptimization types.Bool `tfsdk:"disable_optimization"`
}

// machineIdentityAggregation loads machine identities (AI agents) from
// datasets of a source. Only v1, v2026 and v2025 have it.
var machineIdentityAggregation = define(operationSpec[machineIdentityAggregationArgs]{
	operation: operation{
		typeName: "machine_identity_aggregation",
		declared: sailpoint.MachineIdentityAggregationOp.Operation,
		resourceDescription: "Starts an aggregation of machine identities (AI agents) from datasets of a source when created (" +
			machineIdentityAggregationEndpoint + "; " + machineIdentityVersions + "). " +
			"Waits for the task and fails the apply unless it finished as expected. A change of `source_id`, `dataset_ids`, " +
			"`disable_optimization` or `triggers` starts a new aggregation; a change of how to wait updates in place. Ctrl-C keeps " +
			"the task: the next apply resumes the wait. Destroying it calls nothing.",
		actionDescription: "Starts an aggregation of machine identities (AI agents) from datasets of a source each time it is invoked (" +
			machineIdentityAggregationEndpoint + "; " + machineIdentityVersions + "), " +
			"shows its progress while it runs, and fails unless it finished as expected.",
		source: true,
		arguments: map[string]argument{
			"dataset_ids": {
				kind:        argStringSet,
				required:    true,
				description: "The ids of the source's datasets to aggregate machine identities from, at least one (the API's `datasetIds`).",
				setValidators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1), idValidator("dataset id", func(id string) error { return sailpoint.ValidateDatasetIDs([]string{id}) })),
				},
			},
			"disable_optimization": {
				kind: argBool,
				description: "Reprocess every machine identity whether or not its data changed (the API's `disableOptimization`). " +
					"Left out of the request when not set (the API's default is `false`).",
			},
		},
	},
	start: func(in launchInput, args machineIdentityAggregationArgs) (sailpoint.Start, error) {
		ids := setStrings(args.DatasetIDs)
		slices.Sort(ids)
		return sailpoint.MachineIdentityAggregationOp.Prepare(sailpoint.MachineIdentityAggregation{
			SourceID:            in.sourceID,
			DatasetIDs:          ids,
			DisableOptimization: args.DisableOptimization.ValueBoolPointer(),
		})
	},
})

// machineIdentityVersions are the API versions that have it, for its docs.
var machineIdentityVersions = "`api_version` `" + strings.Join(sailpoint.MachineIdentityAggregationOp.Versions(), "`, `") + "` only"
