// Package devcli writes the Terraform CLI configuration that runs the
// provider built from this tree instead of one from a registry
// (dev_overrides, no terraform init): the one writer for the tests, the
// demo, the example check and the benchmark.
package devcli

import (
	"fmt"
	"os"
)

// ProviderSource is the provider's registry address.
const ProviderSource = "isc-community/sailpoint"

// Config is a CLI configuration that takes the provider from providerDir,
// the folder holding the terraform-provider-sailpoint binary, and every
// other provider from its registry.
func Config(providerDir string) string {
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", ProviderSource, providerDir)
}

// WriteConfig writes Config(providerDir) to path; point TF_CLI_CONFIG_FILE at it.
func WriteConfig(path, providerDir string) error {
	return os.WriteFile(path, []byte(Config(providerDir)), 0o600)
}
