package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

type identityProcessingModel struct {
	launchModel
	IdentityIDs types.Set `tfsdk:"identity_ids"`
}

// NewIdentityProcessingResource is sailpoint_identity_processing.
func NewIdentityProcessingResource() resource.Resource {
	return &launchResource[identityProcessingModel, *identityProcessingModel]{op: launchOperation[identityProcessingModel]{
		typeName: "identity_processing",
		description: "Starts processing of identities when created (`POST /identities/v1/process`, or " +
			"`/{version}/identities/process`): their attributes, roles and access are recalculated, as an identity refresh " +
			"does. Waits for the task and fails the apply unless it finished as expected. Any change of an argument or of " +
			"`triggers` starts a new task. Destroying it calls nothing: a task cannot be undone.",
		attributes: map[string]schema.Attribute{
			"identity_ids": schema.SetAttribute{
				Required:            true,
				ElementType:         types.StringType,
				MarkdownDescription: fmt.Sprintf("The ids of the identities to process, 1 to %d.", sailpoint.MaxIdentityIDs),
				Validators: []validator.Set{
					setvalidator.SizeBetween(1, sailpoint.MaxIdentityIDs),
					setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1), idValidator("identity id")),
				},
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
		},
		prepare: func(ctx context.Context, client *sailpoint.Client, m *identityProcessingModel) (launchRequest, diag.Diagnostics) {
			var ids []string
			diags := m.IdentityIDs.ElementsAs(ctx, &ids, false)
			slices.Sort(ids)
			return launchRequest{
				operation: fmt.Sprintf("identity processing of %d identities", len(ids)),
				start: func(ctx context.Context) (*sailpoint.Launch, error) {
					return client.StartIdentityProcessing(ctx, ids)
				},
			}, diags
		},
	}}
}
