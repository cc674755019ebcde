package provider

import (
	"fmt"
	"net/http"
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
				expectState(entitlementAddr, "completion_status", str("ERROR")),
				statecheck.ExpectKnownValue(entitlementAddr, tfjsonpath.New("task").AtMapKey("messages").AtSliceIndex(0).AtMapKey("localized_text").AtMapKey("message"), str("boom")),
			},
		}},
	})
}

// A refused launch is explained for its operation: the request, the
// tenant's words and trackingId, and what this operation needs (the spec
// documents it for personal access tokens of an ORG_ADMIN only).
func TestAccEntitlementAggregation_refusedLaunchSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	path := "/sources/v1/" + faketenant.WorkdaySourceID + "/load-entitlements"
	ft.Inject(faketenant.Fault{Path: path, Status: http.StatusForbidden,
		Body: `{"detailCode":"403 Forbidden","trackingId":"refused-403","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"The server understood the request but refuses to authorize it."}],"causes":[]}`})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_entitlement_aggregation" "test" {
  source_id = %q
}
`, faketenant.WorkdaySourceID),
			ExpectError: errorWith(fmt.Sprintf("Could not start the entitlement aggregation of source %q: not allowed", faketenant.WorkdaySourceID),
				"POST "+path+" answered HTTP 403 Forbidden", "refuses to authorize it", "trackingId: refused-403", "Nothing was started",
				"personal access token", "user tokens only", "idn:entitlement:manage", "user level ORG_ADMIN"),
		}},
	})
	if n := posts(ft); n != 1 {
		t.Errorf("%d POSTs, want the one refused", n)
	}
}
