package provider

import (
	"fmt"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func TestAccSourceAccountReset_everyVersion(t *testing.T) {
	t.Parallel()
	testEveryVersion(t, operationCase{
		resource: "sailpoint_source_account_reset",
		args:     fmt.Sprintf("source_id = %q", faketenant.ActiveDirectorySourceID),
		path:     sourcePath(faketenant.ActiveDirectorySourceID, "remove-accounts"),
		check: func(l faketenant.Launch) error {
			if l.Operation != sailpoint.SourceAccountResetOp.Name || l.ContentType != "" || l.File != nil {
				return fmt.Errorf("launch %+v, want an account reset with no body", l)
			}
			return nil
		},
	}, allVersions)
}
