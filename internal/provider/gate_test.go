package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The gate as a pipeline uses it (wait_for_completion with
// expected_completion_statuses): wait, then pass because the task finished
// with an expected status, on its third read.
func TestAccGate_waitsUntilFinished(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutTaskSequence("wait-3",
		taskDoc(t, "wait-3", runningChanges),
		taskDoc(t, "wait-3", map[string]any{"completed": nil, "completionStatus": "SUCCESS", "percentComplete": 99}), // status before completed
		taskDoc(t, "wait-3", nil))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + taskStatusBlock("wait-3", `
  wait_for_completion          = true
  expected_completion_statuses = ["SUCCESS", "WARNING"]
  poll_interval                = "1s"
  timeouts = {
    read = "30m"
  }`),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("completion_status", str("SUCCESS")),
				expect("completed", str("2026-11-27T09:21:47.528Z")),
				expect("percent_complete", knownvalue.Int64Exact(100)),
				expect("wait_for_completion", knownvalue.Bool(true)),
				expect("expected_completion_statuses", knownvalue.SetExact([]knownvalue.Check{str("SUCCESS"), str("WARNING")})),
				expect("poll_interval", str("1s")),
				expect("timeouts", knownvalue.ObjectExact(map[string]knownvalue.Check{"read": str("30m")})),
			},
			Check: func(*terraform.State) error {
				if n := ft.Reads("wait-3"); n < 3 {
					return fmt.Errorf("the task was read %d times; it finishes on the third read", n)
				}
				return nil
			},
		}},
	})
}

func TestAccGate_timeout(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutTask(taskDoc(t, "stuck", runningChanges))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + taskStatusBlock("stuck", `
  wait_for_completion = true
  poll_interval       = "1s"
  timeouts = {
    read = "3s"
  }`),
			ExpectError: errorWith(`Timed out waiting for task "stuck"`, "(timeouts.read is 3s)", `progress "Aggregating accounts", percent_complete 40`),
		}},
	})
	if n := ft.Reads("stuck"); n < 2 {
		t.Errorf("read %d times in 3 s with 1 s polls", n)
	}
}

// A failed task fails the gate with its own messages.
func TestAccGate_failedTaskShowsItsMessages(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + taskStatusBlock(faketenant.FailedTaskID, `
  wait_for_completion          = true
  expected_completion_statuses = ["SUCCESS", "WARNING"]`),
			ExpectError: errorWith("finished with status ERROR", "(Cloud Account Aggregation, target Workday [source])", "not one of SUCCESS, WARNING",
				"ERROR: Connection refused: connector host workday-vm.acme.local:443 did not answer", "WARN: Aggregation stopped after 0 of 5120 accounts"),
		}},
	})
}

// Statuses compare without regard to case, in the configuration and in
// what the tenant sends (some API examples write "Success").
func TestAccGate_statusCase(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutBeyondSpecTask("mixed-case", taskDoc(t, "mixed-case", map[string]any{"completionStatus": "Success"}))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, `expected_completion_statuses = ["success"]`),
				ConfigStateChecks: []statecheck.StateCheck{expect("completion_status", str("SUCCESS"))},
			},
			{
				Config:            providerConfig(ft) + taskStatusBlock("mixed-case", `expected_completion_statuses = ["SUCCESS"]`),
				ConfigStateChecks: []statecheck.StateCheck{expect("completion_status", str("Success"))},
			},
		},
	})
}

func TestAccGate_runningWithoutWait(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerConfig(ft) + taskStatusBlock(faketenant.RunningNullsTaskID, `expected_completion_statuses = ["SUCCESS"]`),
			ExpectError: errorWith("has not finished", "completion_status null", "wait_for_completion = true"),
		}},
	})
	if n := ft.Reads(faketenant.RunningNullsTaskID); n != 1 {
		t.Errorf("read %d times without wait_for_completion, want 1", n)
	}
}

func TestAccGate_postcondition(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + taskStatusBlock(faketenant.FailedTaskID, `
  lifecycle {
    postcondition {
      condition     = self.completion_status == "SUCCESS"
      error_message = "Aggregation failed: ${join("; ", [for m in self.messages : m.localized_text.message if m.type == "ERROR"])}"
    }
  }`),
			ExpectError: regexp.MustCompile(`(?s)Aggregation failed: Connection refused`),
		}},
	})
}

func TestAccGate_argumentValidation(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, `expected_completion_statuses = ["DONE"]`),
				ExpectError: regexp.MustCompile(`(?s)value must be one of.*SUCCESS`),
			},
			{
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, `expected_completion_statuses = []`),
				ExpectError: regexp.MustCompile(`(?s)set must contain at least 1`),
			},
			{
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, "wait_for_completion = true\n  poll_interval = \"100ms\""),
				ExpectError: regexp.MustCompile(`(?s)Poll interval too short`),
			},
			{
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, "poll_interval = \"soon\""),
				ExpectError: regexp.MustCompile(`(?s)Invalid Time Duration String Value`),
			},
			{
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, "timeouts = {\n    read = \"soon\"\n  }"),
				ExpectError: regexp.MustCompile(`(?s)must be a string containing a sequence of decimal numbers`),
			},
		},
	})
	if n := ft.Count(faketenant.IsTaskGet); n != 0 {
		t.Errorf("%d GETs from invalid configurations", n)
	}
}

// Progress is logged at Info while waiting, so TF_LOG=info shows it.
func TestWaiterLogsProgressAtInfo(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	var ts sailpoint.TaskStatus
	if err := json.Unmarshal(taskDoc(t, "x", runningChanges), &ts); err != nil {
		t.Fatal(err)
	}
	w := waiter(gateArgs{PollInterval: timetypes.NewGoDurationValue(10 * time.Second)})
	if w.MaxInterval != 10*time.Second {
		t.Errorf("MaxInterval %v", w.MaxInterval)
	}
	w.OnPoll(ctx, 2, &ts, 1500*time.Millisecond)
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil || len(entries) != 1 {
		t.Fatalf("%v %v", entries, err)
	}
	e := entries[0]
	if e["@level"] != "info" || !strings.Contains(e["@message"].(string), "Aggregating accounts, 40% complete") || e["poll"] != float64(2) || e["next_poll_in"] != "1.5s" {
		t.Errorf("log entry %v", e)
	}
}

// The tenant's text reaches a diagnostic without control or
// invisible characters.
func TestTenantTextCleanInDiagnostics(t *testing.T) {
	t.Parallel()
	evil := "\x1b[2J\x1b]0;pwned\x07Account\u202e skipped\r\nFAKE: ok"
	ts := &sailpoint.TaskStatus{ID: "t", UniqueName: &evil, CompletionStatus: ptrTo("ERROR\x1b[0m"), Completed: ptrTo("2026-11-28T10:00:00Z"),
		Messages: []sailpoint.TaskStatusMessage{{Type: ptrTo("ERROR"), LocalizedText: &sailpoint.LocalizedMessage{Message: &evil}}}}
	d := expectationDiagnostic("t", ts, []string{"SUCCESS"})
	for _, text := range []string{d.Summary(), d.Detail()} {
		if strings.ContainsAny(text, "\x1b\x07\r\u202e") || strings.Contains(text, "\nFAKE") {
			t.Errorf("raw tenant text in the diagnostic: %q", text)
		}
	}
	if !strings.Contains(d.Detail(), "Account skipped") {
		t.Errorf("the message was lost: %q", d.Detail())
	}
}

// A wait that ends while the status is set but completed is not
// says so, with both.
func TestWaitDiagnosticNamesStatusWithoutCompleted(t *testing.T) {
	t.Parallel()
	last := &sailpoint.TaskStatus{ID: "t", CompletionStatus: ptrTo("ERROR")}
	d := waitDiagnostic(&sailpoint.WaitError{TaskID: "t", Last: last, Polls: 3, Err: context.DeadlineExceeded}, waitContext{timeoutName: readTimeoutName, timeout: time.Minute})
	if !strings.Contains(d.Detail(), `completion_status "ERROR", completed null`) {
		t.Errorf("detail %q", d.Detail())
	}
}
