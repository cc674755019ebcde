package provider

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// A finished aggregation with every field set: every attribute is checked.
func TestAccTaskStatus_complete(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID) + `
output "identity_count" {
  value = data.sailpoint_task_status.test.attributes.identityCount
}
output "first_parameter_value" {
  value = jsondecode(data.sailpoint_task_status.test.messages[0].parameters)[0].value
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expect("id", str(faketenant.CompleteTaskID)),
				expect("type", str("QUARTZ")),
				expect("unique_name", str("Cloud Account Aggregation")),
				expect("description", str("Aggregate from the specified application")),
				expect("parent_name", str("Cloud Account Aggregation")),
				expect("launcher", str("sweep")),
				expect("target", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":   str("c6dc37bf508149b28ce5b7d90ca4bbf9"),
					"type": str("APPLICATION"),
					"name": str("Active Directory [source]"),
				})),
				expect("created", str("2026-11-27T09:14:05.012Z")),
				expect("modified", str("2026-11-27T09:21:47.530Z")),
				expect("launched", str("2026-11-27T09:14:06.120Z")),
				expect("completed", str("2026-11-27T09:21:47.528Z")),
				expect("completion_status", str("SUCCESS")),
				expect("messages", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"type": str("INFO"),
						"key":  str("aggregation.completed"),
						"localized_text": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"locale":  str("en-US"),
							"message": str("Aggregation completed: 1024 accounts scanned"),
						}),
						"parameters": str(`[{"name":"accountsScanned","value":1024},"Active Directory"]`),
					}),
				})),
				expect("returns", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"name": str("Accounts scanned"), "attribute_name": str("total")}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"name": str("Identities created"), "attribute_name": str("identityCount")}),
				})),
				expect("attributes", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"identityCount":        knownvalue.Int64Exact(12),
					"total":                knownvalue.Int64Exact(1024),
					"appId":                str("c6dc37bf508149b28ce5b7d90ca4bbf9"),
					"optimizedAggregation": knownvalue.Bool(true),
					"sources":              knownvalue.ListExact([]knownvalue.Check{str("Active Directory"), str("Workday")}),
					"details":              knownvalue.ObjectExact(map[string]knownvalue.Check{"deleted": knownvalue.Int64Exact(0), "ratio": knownvalue.Float64Exact(0.25)}),
				})),
				expect("progress", str("Completed")),
				expect("percent_complete", knownvalue.Int64Exact(100)),
				expect("task_definition_summary", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":          str("2c91808475b4334b0175e1dff64b63c5"),
					"unique_name": str("Cloud Account Aggregation"),
					"description": str("Aggregates from the specified application."),
					"parent_name": str("Cloud Account Aggregation"),
					"executor":    str("sailpoint.task.ServiceTaskExecutor"),
					"arguments": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"mantisExecutor":  str("com.sailpoint.mantis.sources.task.AccountAggregationTask"),
						"eventClassesCsv": str("sailpoint.thunderbolt.events.AggregationEvents"),
						"serviceClass":    str("sailpoint.thunderbolt.service.AggregationService"),
						"serviceMethod":   str("accountAggregationTask"),
					}),
				})),
				statecheck.ExpectKnownOutputValue("identity_count", knownvalue.Int64Exact(12)),
				statecheck.ExpectKnownOutputValue("first_parameter_value", knownvalue.Int64Exact(1024)),
			},
		}},
	})
}

// A queued task: every nullable field of the spec is null, and stays null.
func TestAccTaskStatus_nullsStayNull(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + taskStatusBlock(faketenant.RunningNullsTaskID),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("type", str("QUEUED_TASK")),
				expect("unique_name", str("Identity Refresh")),
				expect("description", str("Refresh identities")),
				expect("parent_name", null),
				expect("launcher", str("system")),
				expect("target", null),
				expect("created", str("2026-11-28T08:00:00.000Z")),
				expect("modified", null),
				expect("launched", null),
				expect("completed", null),
				expect("completion_status", null),
				expect("messages", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"type":           str("INFO"),
						"key":            str("task.queued"),
						"localized_text": null,
						"parameters":     null,
					}),
				})),
				expect("returns", knownvalue.ListSizeExact(0)),
				expect("attributes", knownvalue.ObjectExact(map[string]knownvalue.Check{})),
				expect("progress", null),
				expect("percent_complete", knownvalue.Int64Exact(0)),
				expect("task_definition_summary", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":          str("2c9180835d2e5168015d32f890ca1581"),
					"unique_name": str("Identity Refresh"),
					"description": null,
					"parent_name": str("Identity Refresh"),
					"executor":    null,
					"arguments":   knownvalue.ObjectExact(map[string]knownvalue.Check{}),
				})),
			},
		}},
	})
}

// A failed aggregation: the error and warning messages are readable, the
// target's null type stays null, and the absent summary is null.
func TestAccTaskStatus_failed(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + taskStatusBlock(faketenant.FailedTaskID),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("type", str("QPOC")),
				expect("completion_status", str("ERROR")),
				expect("target", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id": str("2c9180835d2e5168015d32f890ca1581"), "type": null, "name": str("Workday [source]"),
				})),
				expect("created", str("2026-11-26T22:00:00Z")),
				expect("completed", str("2026-11-26T22:03:10Z")),
				expect("messages", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"type": str("ERROR"),
						"key":  str("sailpoint.connector.ConnectorException"),
						"localized_text": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"locale":  str("en-US"),
							"message": str("Connection refused: connector host workday-vm.acme.local:443 did not answer"),
						}),
						"parameters": str(`["workday-vm.acme.local:443"]`),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"type": str("WARN"),
						"key":  str("aggregation.partial"),
						"localized_text": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"locale":  str("en-US"),
							"message": str("Aggregation stopped after 0 of 5120 accounts"),
						}),
						"parameters": str(`[]`),
					}),
				})),
				expect("returns", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"name": str("Accounts scanned"), "attribute_name": str("total")}),
				})),
				expect("progress", str("Failed")),
				expect("percent_complete", knownvalue.Int64Exact(12)),
				expect("task_definition_summary", null),
			},
		}},
	})
}

// A task newer than the spec: unknown fields are ignored and unknown enum
// values pass through.
func TestAccTaskStatus_beyondSpec(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + taskStatusBlock(faketenant.BeyondSpecTaskID),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("type", str("CLOUD_ACCOUNT_AGGREGATION")),
				expect("completion_status", str("PARTIAL_SUCCESS")),
				expect("target", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id": str("b4e1a0f2c3d94e5f8a7b6c5d4e3f2a1b"), "type": str("MACHINE_IDENTITY"), "name": str("AWS [source]"),
				})),
				expect("messages", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"type": str("NOTICE"),
						"key":  str("aggregation.partial"),
						"localized_text": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"locale": str("de-DE"), "message": str("Teilweise abgeschlossen"),
						}),
						"parameters": str(`[{"skipped":3}]`),
					}),
				})),
				expect("attributes", knownvalue.ObjectExact(map[string]knownvalue.Check{"machineIdentityCount": knownvalue.Int64Exact(77)})),
				expect("progress", str("Done with notices")),
				expect("task_definition_summary", knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"unique_name": str("Machine Identity Aggregation"),
					"arguments":   knownvalue.ObjectExact(map[string]knownvalue.Check{}),
				})),
			},
		}},
	})
}

// Each API version reads from its own path; v2024, v2025 and v2026 carry
// the experimental header, the others do not. One data source costs one GET.
func TestAccTaskStatus_apiVersions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version, path string
		experimental  bool
	}{
		{"v1", "/task-status/v1/", false},
		{"v2026", "/v2026/task-status/", true},
		{"v2025", "/v2025/task-status/", true},
		{"v2024", "/v2024/task-status/", true},
		{"beta", "/beta/task-status/", false},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					PreConfig: ft.ResetLog,
					Config:    providerConfig(ft, fmt.Sprintf("api_version = %q", tc.version)) + taskStatusBlock(faketenant.FailedTaskID),
					ConfigStateChecks: []statecheck.StateCheck{
						expect("completion_status", str("ERROR")),
					},
					Check: func(*terraform.State) error {
						for _, r := range ft.Requests() {
							if faketenant.IsToken(r) && !strings.HasPrefix(r.Header.Get("User-Agent"), "terraform-provider-sailpoint/test ") {
								return fmt.Errorf("token request User-Agent %q", r.Header.Get("User-Agent"))
							}
							if !faketenant.IsTaskGet(r) {
								continue
							}
							if r.Path != tc.path+faketenant.FailedTaskID {
								return fmt.Errorf("GET %s, want %s%s", r.Path, tc.path, faketenant.FailedTaskID)
							}
							if got := r.Header.Get("X-SailPoint-Experimental") == "true"; got != tc.experimental {
								return fmt.Errorf("X-SailPoint-Experimental sent = %v, want %v", got, tc.experimental)
							}
							if ua := r.Header.Get("User-Agent"); !regexp.MustCompile(`^terraform-provider-sailpoint/test .* Terraform/\d+\.\d+`).MatchString(ua) {
								return fmt.Errorf("User-Agent %q", ua)
							}
							if r.Header.Get("Accept") != "application/json" {
								return fmt.Errorf("Accept %q", r.Header.Get("Accept"))
							}
						}
						return nil
					},
				}},
			})
		})
	}
}

// Several data sources in one run share one token, and each costs exactly
// one GET per Terraform command that reads it.
func TestAccTaskStatus_requestFloor(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	const n = 60
	for i := range n {
		ft.PutTask(taskDoc(t, fmt.Sprintf("floor-%02d", i), nil))
	}
	config := providerConfig(ft) + fmt.Sprintf(`
data "sailpoint_task_status" "t" {
  count = %d
  id    = format("floor-%%02d", count.index)
}
`, n)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				tokens := ft.Count(faketenant.IsToken)
				gets := ft.Count(faketenant.IsTaskGet)
				// Each Terraform command that reads the data sources is one
				// provider run: one token, one GET per task.
				reads := ft.Reads("floor-00")
				t.Logf("%d data sources: %d token requests, %d GETs, each task read %d times", n, tokens, gets, reads)
				for i := range n {
					if r := ft.Reads(fmt.Sprintf("floor-%02d", i)); r != reads {
						return fmt.Errorf("task %d read %d times, task 0 %d times", i, r, reads)
					}
				}
				if reads == 0 || gets != reads*n {
					return fmt.Errorf("%d GETs for %d data sources read %d times each", gets, n, reads)
				}
				if tokens != reads {
					return fmt.Errorf("%d token requests for %d provider runs: want one per run", tokens, reads)
				}
				return nil
			},
		}},
	})
}

func TestAccTaskStatus_errors(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	steps := []resource.TestStep{
		{
			Config:      providerConfig(ft) + taskStatusBlock("2c91808a0000000000000000deadbeef"),
			ExpectError: regexp.MustCompile(`(?s)Task status not found.*task "2c91808a0000000000000000deadbeef".*HTTP 404.*trackingId.*90 days`),
		},
		{
			Config:      providerConfig(ft) + taskStatusBlock(faketenant.ExpiredTaskID),
			ExpectError: regexp.MustCompile(`(?s)Task status not found.*90 days`),
		},
		{
			Config:      providerConfig(ft) + taskStatusBlock("../v3/sources"),
			ExpectError: regexp.MustCompile(`(?s)Invalid task id.*contains`),
		},
		{
			Config:      providerConfig(ft) + taskStatusBlock("  "),
			ExpectError: regexp.MustCompile(`(?s)Invalid task id.*blank`),
		},
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	// Ids refused by validation never reach the tenant.
	for _, r := range ft.Requests() {
		if r.TaskID != "" && r.TaskID != "2c91808a0000000000000000deadbeef" && r.TaskID != faketenant.ExpiredTaskID {
			t.Errorf("an invalid id reached the tenant: %s", r.Path)
		}
	}
}

func TestAccTaskStatus_serverErrors(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					ft.Inject(faketenant.Fault{Times: -1, Status: 403})
				},
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID),
				ExpectError: regexp.MustCompile(`(?s)Not allowed to read task statuses.*HTTP 403.*idn:task-management:read`),
			},
			{
				PreConfig: func() {
					ft.ClearFaults()
					ft.Inject(faketenant.Fault{Times: -1, Status: 200, Body: `{"id": "x", "completionStatus": `})
				},
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID),
				ExpectError: regexp.MustCompile(`(?s)Unreadable answer from SailPoint.*not a valid TaskStatus`),
			},
		},
	})
}

// The gate as a pipeline uses it (wait_for_completion with
// expected_completion_statuses): wait, then pass because the task finished
// with an expected status, on its third read.
func TestAccTaskStatus_gateWaitsUntilFinished(t *testing.T) {
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

func TestAccTaskStatus_gateTimeout(t *testing.T) {
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
func TestAccTaskStatus_gateFailedTaskShowsItsMessages(t *testing.T) {
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
func TestAccTaskStatus_gateStatusCase(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutBeyondSpecTask("mixed-case", taskDoc(t, "mixed-case", map[string]any{"completionStatus": "Success"}))
	ft.PutTask(taskDoc(t, "temporary", map[string]any{"completionStatus": "TEMPERROR"}))
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
			{
				// LoadAccountsTask's spelling is TaskStatus's TEMPERROR, here as in the launches.
				Config:            providerConfig(ft) + taskStatusBlock("temporary", `expected_completion_statuses = ["TEMP_ERROR"]`),
				ConfigStateChecks: []statecheck.StateCheck{expect("completion_status", str("TEMPERROR"))},
			},
		},
	})
}

func TestAccTaskStatus_gateRunningWithoutWait(t *testing.T) {
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

func TestAccTaskStatus_gatePostcondition(t *testing.T) {
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

func TestAccTaskStatus_gateArgumentValidation(t *testing.T) {
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

// Ctrl-C during a wait: Terraform stops the provider, the wait ends at
// once, and no poll follows. This runs the built provider binary under the
// real CLI, since the test harness cannot interrupt a run.
func TestAccTaskStatus_interruptStopsTheWait(t *testing.T) {
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
