package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// Ctrl-C during a wait: Terraform stops the provider, the wait ends at
// once, and no poll follows. This runs the built provider binary under the
// real CLI, since the test harness cannot interrupt a run.
func TestAccCancel_interruptStopsTheWait(t *testing.T) {
	tf := cliPath(t)
	ft := newTenant(t)
	ft.PutTask(taskDoc(t, "never-done", runningChanges))
	dir, env := cliWorkspace(t, ft, `
data "sailpoint_task_status" "wait" {
  id                  = "never-done"
  wait_for_completion = true
  poll_interval       = "1s"
  timeouts = {
    read = "10m"
  }
}
`)
	cmd := exec.Command(tf, "-chdir="+dir, "plan", "-input=false", "-no-color")
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Interrupt once the wait is under way.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for ft.Reads("never-done") < 2 {
		select {
		case err := <-exited:
			t.Fatalf("terraform ended before it was interrupted: %v\n%s", err, out.String())
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			t.Fatalf("the wait never started\n%s", out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		t.Fatalf("terraform kept running after Ctrl-C\n%s", out.String())
	}
	reads := ft.Reads("never-done")
	// A wait that had not stopped would poll again within its 1 s cap.
	time.Sleep(3 * time.Second)
	if after := ft.Reads("never-done"); after != reads {
		t.Fatalf("the provider polled %d more times after Terraform exited", after-reads)
	}
	t.Logf("interrupted after %d reads\n%s", reads, out.String())
}

// cliPath is the Terraform CLI for tests that drive it directly, where
// the test harness cannot do what they need (interrupt a run, -invoke).
func cliPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		return tf
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no Terraform CLI")
	}
	return tf
}

// cliWorkspace is a folder holding config behind a terraform block and an
// empty provider block, and the environment that runs the provider built
// from this tree (dev_overrides, no init) against the fake tenant.
func cliWorkspace(t *testing.T, ft *faketenant.Tenant, config string) (dir string, env []string) {
	t.Helper()
	dir = t.TempDir()
	bin := filepath.Join(dir, "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-sailpoint"), "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"isc-community/sailpoint\" = %q\n  }\n  direct {}\n}\n", bin)
	config = `terraform {
  required_providers {
    sailpoint = { source = "isc-community/sailpoint" }
  }
}
provider "sailpoint" {}
` + config
	if err := os.WriteFile(filepath.Join(dir, "terraformrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraformrc"), "CHECKPOINT_DISABLE=1",
		"SAIL_BASE_URL="+ft.URL(), "SAIL_CLIENT_ID="+faketenant.DefaultClientID, "SAIL_CLIENT_SECRET="+faketenant.DefaultClientSecret)
	return dir, env
}
