//go:build unix

package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// Finding 8: what is not a regular file of at most 256 MiB is refused at
// plan, naming the limit, and read no further: a file one byte over it,
// /dev/zero, a FIFO no one writes.
func TestAccLaunch_fileRefusedAtPlan(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxUploadBytes + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	_ = f.Close()
	fifo := filepath.Join(dir, "fifo.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	var steps []tfresource.TestStep
	for _, tc := range []struct{ file, want string }{
		{big, "more than the 268435456 bytes (256 MiB)"},
		{"/dev/zero", "is a character device, not a regular file"},
		{fifo, "is a named pipe (FIFO), not a regular file"},
	} {
		steps = append(steps, tfresource.TestStep{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id = %q
  file      = %q
}
`, faketenant.HRFileSourceID, tc.file),
			PlanOnly:    true,
			ExpectError: errorWith("Cannot upload this file", tc.want, "256 MiB"),
		})
	}
	tfresource.Test(t, tfresource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if n := posts(ft); n != 0 {
		t.Errorf("%d POSTs", n)
	}
}

// A file at the limit is hashed as a stream: the plan's hash of 256 MiB
// allocates a few kilobytes, not the file.
func TestUploadHashAtTheLimit(t *testing.T) { //nolint:paralleltest // measures this process's allocations, alone
	name := filepath.Join(t.TempDir(), "at-the-limit.csv")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxUploadBytes); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, size, err := hashFile(name)
	runtime.ReadMemStats(&after)
	if err != nil || size != maxUploadBytes {
		t.Fatalf("%d bytes, %v", size, err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("hashing a file of %d bytes allocated %d bytes", size, grew)
	}
	t.Logf("hashing %d bytes allocated %d bytes", size, after.TotalAlloc-before.TotalAlloc)
}
