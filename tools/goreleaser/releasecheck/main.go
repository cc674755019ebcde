// Command releasecheck proves a goreleaser build is what the Terraform
// Registry takes: for every platform .goreleaser.yml builds (which must
// include every platform the registry recommends) one zip holding the
// provider binary for that platform, and a SHA256SUMS file that lists
// every zip and the registry manifest with their true hashes.
//
//	go -C tools/goreleaser run ./releasecheck -root ../..
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// registryPlatforms are the os_arch pairs the Terraform Registry's
// publishing guide recommends; a release without one leaves those users
// without a provider.
var registryPlatforms = []string{
	"darwin_amd64", "darwin_arm64",
	"freebsd_386", "freebsd_amd64", "freebsd_arm",
	"linux_386", "linux_amd64", "linux_arm", "linux_arm64",
	"windows_386", "windows_amd64",
}

// allowedExtras may sit beside the binary in an archive (goreleaser's
// default archive files).
var allowedExtras = []string{"README.md", "LICENSE", "CHANGELOG.md"}

type releaseConfig struct {
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Goos    []string   `yaml:"goos"`
		Goarch  []string   `yaml:"goarch"`
		Ignore  []platform `yaml:"ignore"`
		Targets []string   `yaml:"targets"`
	} `yaml:"builds"`
}

// platform is an ignore rule; an empty field matches any value.
type platform struct {
	Goos   string `yaml:"goos"`
	Goarch string `yaml:"goarch"`
}

func (p platform) matches(goos, goarch string) bool {
	return (p.Goos == "" || p.Goos == goos) && (p.Goarch == "" || p.Goarch == goarch)
}

func main() {
	root := flag.String("root", ".", "repository root holding .goreleaser.yml, terraform-registry-manifest.json and dist/")
	flag.Parse()
	problems, summary, err := check(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "releasecheck:", err)
		os.Exit(2)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "releasecheck: the release in %s is not what the Terraform Registry takes:\n  %s\n",
			filepath.Join(*root, "dist"), strings.Join(problems, "\n  "))
		os.Exit(1)
	}
	fmt.Println(summary)
}

// check returns the problems found in root/dist; err is for a release it
// cannot inspect at all.
func check(root string) (problems []string, summary string, err error) {
	cfg, platforms, err := readConfig(filepath.Join(root, ".goreleaser.yml"))
	if err != nil {
		return nil, "", err
	}
	for _, p := range registryPlatforms {
		if !slices.Contains(platforms, p) {
			problems = append(problems, fmt.Sprintf(".goreleaser.yml does not build %s, which the registry recommends", p))
		}
	}
	manifest, err := os.ReadFile(filepath.Join(root, "terraform-registry-manifest.json"))
	if err != nil {
		return nil, "", err
	}
	problems = append(problems, checkManifest(manifest)...)

	dist := filepath.Join(root, "dist")
	sums, _ := filepath.Glob(filepath.Join(dist, cfg.ProjectName+"_*_SHA256SUMS"))
	if len(sums) != 1 {
		return nil, "", fmt.Errorf("want one %s_<version>_SHA256SUMS in %s, found %d: run the snapshot build first", cfg.ProjectName, dist, len(sums))
	}
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(sums[0]), cfg.ProjectName+"_"), "_SHA256SUMS")
	listed, err := readSums(sums[0])
	if err != nil {
		return nil, "", err
	}

	prefix := cfg.ProjectName + "_" + version + "_"
	zips, _ := filepath.Glob(filepath.Join(dist, "*.zip"))
	want := map[string]bool{}
	for _, p := range platforms {
		name := prefix + p + ".zip"
		want[name] = true
		if !slices.Contains(zips, filepath.Join(dist, name)) {
			problems = append(problems, fmt.Sprintf("no archive %s for %s", name, p))
			continue
		}
		problems = append(problems, checkArchive(filepath.Join(dist, name), cfg.ProjectName+"_v"+version, p)...)
	}
	for _, z := range zips {
		if !want[filepath.Base(z)] {
			problems = append(problems, fmt.Sprintf("archive %s is for no platform .goreleaser.yml builds", filepath.Base(z)))
		}
	}

	// The checksums cover exactly the archives and the manifest.
	manifestName := prefix + "manifest.json"
	expected := map[string][]byte{manifestName: manifest}
	for name := range want {
		if b, err := os.ReadFile(filepath.Join(dist, name)); err == nil {
			expected[name] = b
		}
	}
	for name, body := range expected {
		sum, ok := listed[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s does not list %s", filepath.Base(sums[0]), name))
			continue
		}
		if got := sha256.Sum256(body); hex.EncodeToString(got[:]) != sum {
			problems = append(problems, fmt.Sprintf("%s lists a wrong SHA-256 for %s", filepath.Base(sums[0]), name))
		}
	}
	for name := range listed {
		if _, ok := expected[name]; !ok {
			problems = append(problems, fmt.Sprintf("%s lists %s, which is neither an archive nor the manifest", filepath.Base(sums[0]), name))
		}
	}
	summary = fmt.Sprintf("release %s: %d platforms, each a zip with its %s binary; %s lists every zip and %s",
		version, len(platforms), cfg.ProjectName, filepath.Base(sums[0]), manifestName)
	return problems, summary, nil
}

// readConfig returns the config and the os_arch pairs its one build makes.
func readConfig(path string) (releaseConfig, []string, error) {
	var cfg releaseConfig
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, nil, err
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		return cfg, nil, fmt.Errorf("%s: %w", path, err)
	}
	if cfg.ProjectName == "" {
		return cfg, nil, fmt.Errorf("%s sets no project_name: goreleaser would name the release after the checkout's folder", path)
	}
	if len(cfg.Builds) != 1 || len(cfg.Builds[0].Targets) > 0 {
		return cfg, nil, errors.New("releasecheck reads one build given by goos, goarch and ignore: extend it for other shapes")
	}
	build := cfg.Builds[0]
	var platforms []string
	for _, goos := range build.Goos {
		for _, goarch := range build.Goarch {
			ignored := slices.ContainsFunc(build.Ignore, func(p platform) bool { return p.matches(goos, goarch) })
			if !ignored {
				platforms = append(platforms, goos+"_"+goarch)
			}
		}
	}
	slices.Sort(platforms)
	return cfg, platforms, nil
}

func checkManifest(b []byte) []string {
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return []string{"terraform-registry-manifest.json: " + err.Error()}
	}
	if m.Version != 1 || !slices.Contains(m.Metadata.ProtocolVersions, "6.0") {
		return []string{`terraform-registry-manifest.json must be version 1 with protocol_versions ["6.0"] (the provider serves protocol 6)`}
	}
	return nil
}

// readSums parses "<sha256>  <name>" lines.
func readSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			return nil, fmt.Errorf("%s: unreadable line %q", path, sc.Text())
		}
		out[name] = sum
	}
	return out, sc.Err()
}

// checkArchive wants the binary for platform in the zip, executable, and
// built for that os and arch.
func checkArchive(path, binary, platform string) []string {
	name := filepath.Base(path)
	goos, _, _ := strings.Cut(platform, "_")
	if goos == "windows" {
		binary += ".exe"
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	defer zr.Close()
	var problems []string
	found := false
	for _, f := range zr.File {
		switch {
		case f.Name == binary:
			found = true
			if goos != "windows" && f.Mode()&0o111 == 0 {
				problems = append(problems, fmt.Sprintf("%s: %s is not executable (mode %v)", name, binary, f.Mode()))
			}
			body, err := readZipFile(f)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s: %v", name, binary, err))
				continue
			}
			if got := binaryPlatform(body); got != platform {
				problems = append(problems, fmt.Sprintf("%s: %s is built for %s, not %s", name, binary, got, platform))
			}
		case slices.Contains(allowedExtras, f.Name):
		default:
			problems = append(problems, fmt.Sprintf("%s holds %s, which is neither the binary nor a document", name, f.Name))
		}
	}
	if !found {
		problems = append(problems, fmt.Sprintf("%s does not hold %s", name, binary))
	}
	return problems
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// binaryPlatform reads os_arch from an executable's header, or says what
// it could not read.
func binaryPlatform(b []byte) string {
	r := bytes.NewReader(b)
	if f, err := elf.NewFile(r); err == nil {
		goos := map[elf.OSABI]string{elf.ELFOSABI_NONE: "linux", elf.ELFOSABI_LINUX: "linux", elf.ELFOSABI_FREEBSD: "freebsd"}[f.OSABI]
		goarch := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_386: "386", elf.EM_ARM: "arm", elf.EM_AARCH64: "arm64"}[f.Machine]
		return orUnknown(goos, f.OSABI.String()) + "_" + orUnknown(goarch, f.Machine.String())
	}
	if f, err := pe.NewFile(r); err == nil {
		goarch := map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_I386: "386", pe.IMAGE_FILE_MACHINE_ARMNT: "arm", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
		return "windows_" + orUnknown(goarch, fmt.Sprintf("machine %#x", f.Machine))
	}
	if f, err := macho.NewFile(r); err == nil {
		goarch := map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
		return "darwin_" + orUnknown(goarch, f.Cpu.String())
	}
	return "no known executable format"
}

func orUnknown(s, raw string) string {
	if s == "" {
		return "unknown(" + raw + ")"
	}
	return s
}
