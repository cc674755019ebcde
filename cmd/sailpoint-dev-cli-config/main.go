// Command sailpoint-dev-cli-config writes the Terraform CLI configuration
// that runs the provider built from this tree (internal/devcli), for the
// scripts: go run ./cmd/sailpoint-dev-cli-config -provider-dir DIR -out FILE.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/isc-community/terraform-provider-sailpoint/internal/devcli"
)

func main() {
	dir := flag.String("provider-dir", "", "the folder holding the terraform-provider-sailpoint binary")
	out := flag.String("out", "", "the file to write; point TF_CLI_CONFIG_FILE at it")
	flag.Parse()
	if *dir == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: sailpoint-dev-cli-config -provider-dir DIR -out FILE")
		os.Exit(2)
	}
	if err := devcli.WriteConfig(*out, *dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
