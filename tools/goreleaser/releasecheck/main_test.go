package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const testConfig = `version: 2
project_name: terraform-provider-x
builds:
  - goos: [freebsd, windows, linux, darwin]
    goarch: [amd64, "386", arm, arm64]
    ignore:
      - goos: darwin
        goarch: "386"
      - goos: darwin
        goarch: arm
      - goos: windows
        goarch: arm
`

const testManifest = `{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`

// header is the smallest executable header binaryPlatform reads as
// platform (os_arch).
func header(t *testing.T, platform string) []byte {
	t.Helper()
	goos, goarch, _ := strings.Cut(platform, "_")
	var b bytes.Buffer
	le := binary.LittleEndian
	switch goos {
	case "linux", "freebsd":
		machine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "386": elf.EM_386, "arm": elf.EM_ARM, "arm64": elf.EM_AARCH64}[goarch]
		abi := map[string]elf.OSABI{"linux": elf.ELFOSABI_NONE, "freebsd": elf.ELFOSABI_FREEBSD}[goos]
		ident := [16]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT), byte(abi)}
		_ = binary.Write(&b, le, elf.Header64{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(machine), Version: uint32(elf.EV_CURRENT), Ehsize: 64})
	case "windows":
		machine := map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "386": pe.IMAGE_FILE_MACHINE_I386, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}[goarch]
		dos := make([]byte, 0x80) // debug/pe reads 96 bytes of DOS header
		copy(dos, "MZ")
		le.PutUint32(dos[0x3c:], 0x80)
		b.Write(dos)
		b.WriteString("PE\x00\x00")
		_ = binary.Write(&b, le, pe.FileHeader{Machine: machine})
	case "darwin":
		cpu := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[goarch]
		_ = binary.Write(&b, le, macho.FileHeader{Magic: macho.Magic64, Cpu: cpu, Type: macho.TypeExec})
		b.Write(make([]byte, 4)) // the 64-bit header's reserved word
	}
	if got := binaryPlatform(b.Bytes()); got != platform {
		t.Fatalf("test header for %s reads as %s", platform, got)
	}
	return b.Bytes()
}

// release writes a repository root holding a release that passes: the
// config, the manifest, and dist/ with one zip per platform and the sums.
// change may alter a zip's files before the sums are written.
func release(t *testing.T, change func(name string, files map[string][]byte)) string {
	t.Helper()
	root := t.TempDir()
	write := func(path string, body []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, ".goreleaser.yml"), []byte(testConfig))
	write(filepath.Join(root, "terraform-registry-manifest.json"), []byte(testManifest))
	_, platforms, err := readConfig(filepath.Join(root, ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var sums strings.Builder
	line := func(name string, body []byte) {
		s := sha256.Sum256(body)
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(s[:]), name)
	}
	for _, p := range platforms {
		bin := "terraform-provider-x_v1.2.3"
		if strings.HasPrefix(p, "windows") {
			bin += ".exe"
		}
		files := map[string][]byte{bin: header(t, p), "README.md": []byte("readme")}
		name := "terraform-provider-x_1.2.3_" + p + ".zip"
		if change != nil {
			change(name, files)
		}
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		for _, fname := range slices.Sorted(maps.Keys(files)) {
			h := &zip.FileHeader{Name: fname, Method: zip.Deflate}
			h.SetMode(0o755)
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = w.Write(files[fname])
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		write(filepath.Join(root, "dist", name), zb.Bytes())
		line(name, zb.Bytes())
	}
	line("terraform-provider-x_1.2.3_manifest.json", []byte(testManifest))
	write(filepath.Join(root, "dist", "terraform-provider-x_1.2.3_SHA256SUMS"), []byte(sums.String()))
	return root
}

func mustCheck(t *testing.T, root string) []string {
	t.Helper()
	problems, _, err := check(root)
	if err != nil {
		t.Fatal(err)
	}
	return problems
}

func TestGoodReleasePasses(t *testing.T) {
	t.Parallel()
	root := release(t, nil)
	problems, summary, err := check(root)
	if err != nil || len(problems) > 0 {
		t.Fatalf("a good release was refused: %v %q", err, problems)
	}
	if !strings.Contains(summary, "13 platforms") {
		t.Errorf("summary %q", summary)
	}
}

// Each fault in a release is named; a check that passed them all would
// prove nothing.
func TestFaultsAreFound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, root string)
		want  string
	}{
		{"missing archive", func(t *testing.T, root string) {
			rm(t, filepath.Join(root, "dist", "terraform-provider-x_1.2.3_darwin_arm64.zip"))
		}, "no archive terraform-provider-x_1.2.3_darwin_arm64.zip"},
		{"a platform the registry needs is not built", func(t *testing.T, root string) {
			edit(t, filepath.Join(root, ".goreleaser.yml"), "[freebsd, windows, linux, darwin]", "[windows, linux, darwin]")
		}, "does not build freebsd_386"},
		{"checksum missing for the manifest", func(t *testing.T, root string) {
			edit(t, filepath.Join(root, "dist", "terraform-provider-x_1.2.3_SHA256SUMS"), "terraform-provider-x_1.2.3_manifest.json", "other.json")
		}, "does not list terraform-provider-x_1.2.3_manifest.json"},
		{"manifest changed after the sums", func(t *testing.T, root string) {
			edit(t, filepath.Join(root, "terraform-registry-manifest.json"), `"6.0"`, `"6.0", "5.0"`)
		}, "wrong SHA-256 for terraform-provider-x_1.2.3_manifest.json"},
		{"manifest for protocol 5", func(t *testing.T, root string) {
			edit(t, filepath.Join(root, "terraform-registry-manifest.json"), `"6.0"`, `"5.0"`)
		}, `protocol_versions ["6.0"]`},
		{"no project_name", func(t *testing.T, root string) {
			edit(t, filepath.Join(root, ".goreleaser.yml"), "project_name: terraform-provider-x\n", "")
		}, "sets no project_name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := release(t, nil)
			tc.setup(t, root)
			problems, _, err := check(root)
			all := strings.Join(problems, "\n")
			if err != nil {
				all += "\n" + err.Error()
			}
			if !strings.Contains(all, tc.want) {
				t.Errorf("want a problem naming %q, got:\n%s", tc.want, all)
			}
		})
	}
}

func TestArchiveFaultsAreFound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, zipName string, files map[string][]byte)
		want   string
	}{
		{"binary for another arch", func(t *testing.T, zipName string, files map[string][]byte) {
			if strings.HasSuffix(zipName, "_linux_amd64.zip") {
				files["terraform-provider-x_v1.2.3"] = header(t, "linux_arm64")
			}
		}, "terraform-provider-x_1.2.3_linux_amd64.zip: terraform-provider-x_v1.2.3 is built for linux_arm64, not linux_amd64"},
		{"binary for another os", func(t *testing.T, zipName string, files map[string][]byte) {
			if strings.HasSuffix(zipName, "_freebsd_amd64.zip") {
				files["terraform-provider-x_v1.2.3"] = header(t, "linux_amd64")
			}
		}, "is built for linux_amd64, not freebsd_amd64"},
		{"binary misnamed", func(t *testing.T, zipName string, files map[string][]byte) {
			if strings.HasSuffix(zipName, "_windows_amd64.zip") {
				files["terraform-provider-x.exe"] = files["terraform-provider-x_v1.2.3.exe"]
				delete(files, "terraform-provider-x_v1.2.3.exe")
			}
		}, "terraform-provider-x_1.2.3_windows_amd64.zip does not hold terraform-provider-x_v1.2.3.exe"},
		{"stray file", func(t *testing.T, zipName string, files map[string][]byte) {
			files[".env"] = []byte("x")
		}, "holds .env"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := release(t, func(name string, files map[string][]byte) { tc.change(t, name, files) })
			if all := strings.Join(mustCheck(t, root), "\n"); !strings.Contains(all, tc.want) {
				t.Errorf("want a problem naming %q, got:\n%s", tc.want, all)
			}
		})
	}
}

func rm(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func edit(t *testing.T, path, from, to string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(from)) {
		t.Fatalf("%s does not contain %q", path, from)
	}
	if err := os.WriteFile(path, bytes.ReplaceAll(b, []byte(from), []byte(to)), 0o644); err != nil {
		t.Fatal(err)
	}
}
