package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// ERROR can be expected: the apply then passes and shows the status.
func TestAccEntitlementAggregation_expectedErrorPasses(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 0, Status: "ERROR", Messages: []faketenant.Message{{Type: "ERROR", Text: "boom"}}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_entitlement_aggregation" "test" {
  source_id                    = %q
  expected_completion_statuses = ["SUCCESS", "WARNING", "ERROR"]
}
`, faketenant.WorkdaySourceID),
			ConfigStateChecks: []statecheck.StateCheck{
				launchState(entitlementAddr, "completion_status", str("ERROR")),
				statecheck.ExpectKnownValue(entitlementAddr, tfjsonpath.New("task").AtMapKey("messages").AtSliceIndex(0).AtMapKey("localized_text").AtMapKey("message"), str("boom")),
			},
		}},
	})
}
