package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func TestAccUncorrelatedAccountImport_everyVersion(t *testing.T) {
	t.Parallel()
	csv := filepath.Join(t.TempDir(), "uncorrelated.csv")
	if err := os.WriteFile(csv, []byte("id,name\n7,Linus\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testEveryVersion(t, operationCase{
		resource: "sailpoint_uncorrelated_account_import",
		args:     fmt.Sprintf("source_id = %q\n  file = %q", faketenant.HRFileSourceID, csv),
		path:     sourcePath(faketenant.HRFileSourceID, "load-uncorrelated-accounts"),
		check: func(l faketenant.Launch) error {
			if l.Operation != sailpoint.UncorrelatedAccountImportOp.Name || l.File == nil || string(l.File.Content) != "id,name\n7,Linus\n" || l.File.Name != "uncorrelated.csv" {
				return fmt.Errorf("launch %+v, want the CSV uploaded as uncorrelated.csv", l)
			}
			return nil
		},
	}, allVersions)
}
