package devcli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteConfig(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "terraformrc")
	if err := WriteConfig(path, `/tmp/a "b"`); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dev_overrides {", `"isc-community/sailpoint" = "/tmp/a \"b\""`, "direct {}"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
}
