package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// writeConfigDocument writes an SP-Config document of n objects of about
// size bytes in all, as an export writes it.
func writeConfigDocument(tb testing.TB, n, size int) string {
	tb.Helper()
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
	path := filepath.Join(tb.TempDir(), "doc.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkConfigImportPlan is what a plan of a 20 MB document of 5,000
// objects costs the provider: reading it as a stream, checking it and
// computing objects_sha256 (issue: under 2 s, the document never held
// whole).
func BenchmarkConfigImportPlan(b *testing.B) {
	path := writeConfigDocument(b, 5000, 20<<20)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	b.ReportAllocs()
	for b.Loop() {
		doc, diags := readConfigDocument(configImportArgs{File: types.StringValue(path)}, false)
		if diags.HasError() || len(doc.parsed.Objects) != 5000 {
			b.Fatal(diags)
		}
	}
}
