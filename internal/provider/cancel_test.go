package provider

import (
	"bytes"
	"context"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C during a wait: Terraform stops the provider, the wait ends at
// once, and no poll follows. This runs the built provider binary under the
// real CLI, since the test harness cannot interrupt a run.
func TestAccCancel_interruptStopsTheWait(t *testing.T) {
	t.Parallel()
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
