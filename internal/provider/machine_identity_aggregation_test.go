package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func TestAccMachineIdentityAggregation_everyVersion(t *testing.T) {
	t.Parallel()
	testEveryVersion(t, operationCase{
		resource: "sailpoint_machine_identity_aggregation",
		args:     fmt.Sprintf("source_id = %q\n  dataset_ids = [\"ds-b\", \"ds-a\"]\n  disable_optimization = true", faketenant.ActiveDirectorySourceID),
		path:     sourcePath(faketenant.ActiveDirectorySourceID, "aggregate-agents"),
		check: func(l faketenant.Launch) error {
			if l.Operation != sailpoint.MachineIdentityAggregationOp.Name || !slices.Equal(l.DatasetIDs, []string{"ds-a", "ds-b"}) ||
				l.DisableOptimization == nil || *l.DisableOptimization != "true" || l.Experimental != "true" {
				return fmt.Errorf("launch %+v, want datasetIds [ds-a ds-b], disableOptimization true and the experimental header", l)
			}
			return nil
		},
	}, []string{"v1", "v2026", "v2025"})
}

// beta and v2024 have no machine identity aggregation: the plan fails,
// naming the versions that have it, and nothing is sent.
func TestAccMachineIdentityAggregation_versionsWithout(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"beta", "v2024"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(ft, fmt.Sprintf("api_version = %q", version)) + fmt.Sprintf(`
resource "sailpoint_machine_identity_aggregation" "test" {
  source_id   = %q
  dataset_ids = ["ds-a"]
}
`, faketenant.ActiveDirectorySourceID),
					PlanOnly:    true,
					ExpectError: errorWith(fmt.Sprintf("api_version %s has no machine identity aggregation", version), "v1, v2026 or v2025"),
				}},
			})
			if n := len(ft.Requests()); n != 0 {
				t.Errorf("%d requests for an operation the version lacks", n)
			}
		})
	}
}

// Bad dataset ids are refused before any request.
func TestAccMachineIdentityAggregation_datasetIDsChecked(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	config := func(ids string) string {
		return providerConfig(ft) + fmt.Sprintf("resource \"sailpoint_machine_identity_aggregation\" \"test\" {\n  source_id   = %q\n  dataset_ids = %s\n}\n", faketenant.ActiveDirectorySourceID, ids)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(`[]`), PlanOnly: true, ExpectError: errorWith("set must contain at least 1")},
			{Config: config(`[""]`), PlanOnly: true, ExpectError: errorWith("length must be at least 1")},
		},
	})
	if n := len(ft.Requests()); n != 0 {
		t.Errorf("%d requests for refused dataset ids", n)
	}
}
