package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// The SP-Config row: terraform plan and apply of one sailpoint_config_import
// of a document of n objects and about size bytes, beside the same of a
// document of one object, so the difference is what the document costs the
// provider: the plan reads it as a stream to compute objects_sha256, the
// apply uploads it streamed from disk. The bounds: the plan of 20 MB
// and 5,000 objects under 2 s, and the document never held in memory more
// than twice (the apply's peak RSS at most 2 x 20 MB above the small
// document's). A third run imports the large document with include_types
// naming a type it does not hold: the same upload, with results of nothing,
// which shows what of the apply's peak is the results kept in state.

const configImportConfig = `terraform {
  required_providers {
    sailpoint = {
      source = "isc-community/sailpoint"
    }
  }
}

provider "sailpoint" {}

variable "document" {
  type = string
}

variable "include_types" {
  type    = set(string)
  default = null
}

resource "sailpoint_config_import" "bench" {
  file          = var.document
  include_types = var.include_types
  poll_interval = "1s"
}
`

// writeDocument writes an SP-Config document of n TRANSFORM objects of
// about size bytes in all, as an export writes it.
func writeDocument(path string, n, size int) error {
	var b strings.Builder
	b.WriteString(`{"version":1,"timestamp":"2026-12-01T10:00:00.000Z","tenant":"dev","options":{},"objects":[`)
	pad := strings.Repeat("x", max(size/n-200, 0))
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"version":1,"self":{"type":"TRANSFORM","id":"t%05d","name":"Transform %d"},"object":{"name":"Transform %d","type":"lower","attributes":{"note":%q}}}`, i, i, i, pad)
	}
	b.WriteString("]}")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func configImportRuns(o options, n, size int) {
	dir := filepath.Join(o.work, "config-import")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configImportConfig), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\nOne sailpoint_config_import: terraform plan (the document read as a stream, objects_sha256) and apply (its upload, streamed), beside a document of one object:\n\n")
	fmt.Println("| document | bytes | objects imported | plan wall | plan peak RSS | apply wall | apply peak RSS | import POSTs |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, doc := range []struct {
		n, size int
		only    string
	}{{1, 300, ""}, {n, size, ""}, {n, size, "RULE"}} {
		path := filepath.Join(dir, fmt.Sprintf("doc-%d.json", doc.n))
		if err := writeDocument(path, doc.n, doc.size); err != nil {
			log.Fatal(err)
		}
		info, _ := os.Stat(path)
		_ = os.Remove(filepath.Join(dir, "terraform.tfstate"))
		ft := newTenant(0)
		args := []string{"-chdir=" + dir, "-input=false", "-lock=false", "-no-color", "-var", "document=" + path}
		imported := doc.n
		if doc.only != "" {
			args = append(args, "-var", fmt.Sprintf(`include_types=["%s"]`, doc.only))
			imported = 0
		}
		plan, err := runTerraform(o, ft, append([]string{args[0], "plan"}, args[1:]...))
		if err != nil {
			log.Printf("plan of the %d-object document: %v", doc.n, err)
		}
		apply, err := runTerraform(o, ft, append([]string{args[0], "apply", "-auto-approve"}, args[1:]...))
		if err != nil {
			log.Printf("apply of the %d-object document: %v", doc.n, err)
		}
		imports := ft.Count(faketenant.IsConfigImport)
		ft.Close()
		fmt.Printf("| %d objects | %d | %d | %s | %.1f MiB | %s | %.1f MiB | %d |\n", doc.n, info.Size(), imported, plan.wall.Round(time.Millisecond),
			float64(plan.peakRSSKiB)/1024, apply.wall.Round(time.Millisecond), float64(apply.peakRSSKiB)/1024, imports)
	}
}
