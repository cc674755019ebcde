package faketenant

import (
	"strings"
	"sync"
	"testing"
)

// loadedSpec is the spec of testdata/spec, loaded once per test binary.
var loadedSpec = sync.OnceValues(func() (*SpecValidator, error) { return LoadSpec(SpecDir()) })

// StartChecked starts a tenant for a test whose every answer, and every
// launch request, is checked against the OpenAPI files: the test fails if
// one does not match. The tenant closes when the test ends.
func StartChecked(t testing.TB) *Tenant {
	t.Helper()
	spec, err := loadedSpec()
	if err != nil {
		t.Fatal(err)
	}
	ft := New().ValidateWith(spec).Start()
	t.Cleanup(func() {
		ft.Close()
		if p := ft.Problems(); len(p) > 0 {
			t.Errorf("the fake tenant answered outside the spec:\n%s", strings.Join(p, "\n"))
		}
	})
	return ft
}
