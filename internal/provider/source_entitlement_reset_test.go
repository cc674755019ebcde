package provider

import (
	"fmt"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func TestAccSourceEntitlementReset_everyVersion(t *testing.T) {
	t.Parallel()
	src := faketenant.ActiveDirectorySourceID
	testEveryVersion(t, operationCase{
		resource: "sailpoint_source_entitlement_reset",
		args:     fmt.Sprintf("source_id = %q", src),
		path: func(version string) string {
			if version == "v1" {
				return "/entitlements/v1/reset/sources/" + src
			}
			return "/" + version + "/entitlements/reset/sources/" + src
		},
		check: func(l faketenant.Launch) error {
			if l.Operation != sailpoint.SourceEntitlementResetOp.Name || l.ContentType != "" {
				return fmt.Errorf("launch %+v, want an entitlement reset with no body", l)
			}
			return nil
		},
	}, allVersions)
}
