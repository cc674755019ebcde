package provider

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// protoV6ProviderFactories serve the provider in-process to the real
// Terraform CLI that terraform-plugin-testing drives.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sailpoint": providerserver.NewProtocol6WithError(New("test")()),
}

var (
	specOnce sync.Once
	spec     *faketenant.SpecValidator
	specErr  error
)

// newTenant starts a fake tenant whose every answer is checked against the
// OpenAPI files; the test fails if one does not match.
func newTenant(t *testing.T) *faketenant.Tenant {
	t.Helper()
	specOnce.Do(func() { spec, specErr = faketenant.LoadSpec(faketenant.SpecDir()) })
	if specErr != nil {
		t.Fatal(specErr)
	}
	ft := faketenant.New().ValidateWith(spec).Start()
	t.Cleanup(func() {
		ft.Close()
		if p := ft.Problems(); len(p) > 0 {
			t.Errorf("the fake tenant answered outside the spec:\n%s", strings.Join(p, "\n"))
		}
	})
	return ft
}

// providerConfig is a provider block for a tenant; extra lines go inside it.
func providerConfig(ft *faketenant.Tenant, extra ...string) string {
	return fmt.Sprintf(`
provider "sailpoint" {
  base_url      = %q
  client_id     = %q
  client_secret = %q
  %s
}
`, ft.URL(), faketenant.DefaultClientID, faketenant.DefaultClientSecret, strings.Join(extra, "\n  "))
}
