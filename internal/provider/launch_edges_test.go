package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The launch one step off the tested path: each test here failed before
// its fix (issue "One step off the tested path", findings by number).

// Finding 1: a task adopted by import into a resource that uploads a
// file: the first apply keeps the file's hash (no "inconsistent result"),
// and the next plan starts nothing.
func TestAccLaunch_importWithFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ resource, task string }{
		{"sailpoint_account_aggregation", "Cloud Account Aggregation"},
		{"sailpoint_uncorrelated_account_import", "Cloud Process Uncorrelated Accounts"},
	} {
		t.Run(tc.resource, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			src := faketenant.HRFileSourceID
			doc := sourceTask(t, "adopt-with-file", src, "SUCCESS")
			var m map[string]any
			_ = json.Unmarshal(doc, &m)
			m["uniqueName"] = tc.task
			doc, _ = json.Marshal(m)
			ft.PutTask(doc)
			csv := filepath.Join(t.TempDir(), "people.csv")
			if err := os.WriteFile(csv, []byte("id,name\n1,Ada\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			addr := tc.resource + ".test"
			config := providerConfig(ft) + fmt.Sprintf(`
resource %q "test" {
  source_id     = %q
  file          = %q
  poll_interval = "1s"
}
`, tc.resource, src, csv)
			tfresource.Test(t, tfresource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []tfresource.TestStep{
					{
						Config: config + fmt.Sprintf("\nimport {\n  to = %s\n  id = \"adopt-with-file\"\n}\n", addr),
						ConfigStateChecks: []statecheck.StateCheck{
							expectState(addr, "task_id", str("adopt-with-file")),
							expectState(addr, "file_sha256", str(sha256Hex([]byte("id,name\n1,Ada\n")))),
						},
						Check: wantPosts(ft, 0),
					},
					{
						Config:           config,
						ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						Check:            wantPosts(ft, 0),
					},
				},
			})
		})
	}
}

// Finding 5: a task of another kind is not adopted: an entitlement
// aggregation's task into sailpoint_account_aggregation (same source), an
// account aggregation's into sailpoint_identity_processing; the error
// names both kinds.
func TestAccLaunch_importOfAnotherKind(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	src := faketenant.ActiveDirectorySourceID
	doc := sourceTask(t, "group-aggregation", src, "SUCCESS")
	var m map[string]any
	_ = json.Unmarshal(doc, &m)
	m["uniqueName"] = "Cloud Group Aggregation"
	doc, _ = json.Marshal(m)
	ft.PutTask(doc)
	ft.PutTask(sourceTask(t, "account-aggregation", src, "SUCCESS"))
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: providerConfig(ft) + fmt.Sprintf(`
import {
  to = sailpoint_account_aggregation.test
  id = "group-aggregation"
}

resource "sailpoint_account_aggregation" "test" {
  source_id = %q
}
`, src),
				ExpectError: errorWith(`Cannot import task "group-aggregation"`, `named "Cloud Group Aggregation"`,
					"an entitlement aggregation's task, not an account aggregation's", "sailpoint_entitlement_aggregation instead"),
			},
			{
				Config: providerConfig(ft) + `
import {
  to = sailpoint_identity_processing.test
  id = "account-aggregation"
}

resource "sailpoint_identity_processing" "test" {
  identity_ids = ["a"]
}
`,
				ExpectError: errorWith(`Cannot import task "account-aggregation"`, "an account aggregation's task, not an identity processing's"),
			},
		},
	})
	if n := posts(ft); n != 0 {
		t.Errorf("%d POSTs", n)
	}
}

// Finding 3: a clear the tenant answers 200 while its answer shows the
// task still pending is no clear: nothing is started beside it, the PATCH
// is not sent again every poll, and the timeout names the task.
func TestAccLaunch_clearNotShownCleared(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	src := faketenant.ActiveDirectorySourceID
	pending := ft.PutPendingTask(faketenant.PendingTask{ID: "stays-pending", SourceID: src, Created: time.Now().Add(-49 * time.Hour), Launched: time.Now().Add(-48 * time.Hour)})
	ft.Inject(faketenant.Fault{Path: "/task-status/v1/stays-pending", Method: http.MethodPatch, Times: -1, Status: http.StatusOK, Body: string(pending)})
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id                      = %q
  poll_interval                  = "1s"
  clear_pending_tasks_older_than = "12h"
  timeouts = {
    create = "10s"
  }
}
`, src),
			ExpectError: errorWith(fmt.Sprintf("Timed out waiting for source %q to be idle", src), "stays-pending",
				"accepted a clear (PATCH) of stays-pending, but its answer still showed it running", "Nothing was started"),
		}},
	})
	if n, patches := posts(ft), ft.Count(faketenant.IsPatch); n != 0 || patches != 1 {
		t.Errorf("%d POSTs and %d PATCHes, want none and one", n, patches)
	}
}

// Finding 6: a pending task whose launched time is written in another
// layout the tenant uses ("2026-11-30 10:00:01.000000+00:00") is as old as
// it says, and is cleared.
func TestAccLaunch_clearPendingOtherTimeLayout(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	src := faketenant.ActiveDirectorySourceID
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck-spaced", SourceID: src, TimeLayout: "2006-01-02 15:04:05.000000-07:00",
		Created: time.Now().Add(-49 * time.Hour), Launched: time.Now().Add(-48 * time.Hour)})
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id                      = %q
  poll_interval                  = "1s"
  clear_pending_tasks_older_than = "12h"
  timeouts = {
    create = "1m"
  }
}
`, src),
			ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", str("SUCCESS"))},
			Check: func(*terraform.State) error {
				if patches := ft.Patches(); len(patches) != 1 || patches[0].TaskID != "stuck-spaced" {
					return fmt.Errorf("PATCHes %+v, want one of stuck-spaced", patches)
				}
				return nil
			},
		}},
	})
}

// Finding 15: a tenant that lists a finished task as running (a list that
// ignores its filter, or answers late) never has that task rewritten: a
// task whose own answer shows it finished is not running, and is not
// cleared.
func TestAccLaunch_neverClearsAFinishedTask(t *testing.T) {
	t.Parallel()
	src := faketenant.ActiveDirectorySourceID
	old := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct{ name, listed string }{
		// The list itself shows the task finished.
		{"listed finished", "SUCCESS"},
		// The list shows it running; its own answer, finished.
		{"listed running", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			doc := func(status string) json.RawMessage {
				var m map[string]any
				_ = json.Unmarshal(sourceTask(t, "finished-long-ago", src, status), &m)
				m["created"], m["launched"] = old, old
				out, _ := json.Marshal(m)
				return out
			}
			ft.PutTask(doc("SUCCESS"))
			ft.Inject(faketenant.Fault{Path: "/task-status/v1", Method: http.MethodGet, Times: 1, Status: http.StatusOK,
				Body: "[" + string(doc(tc.listed)) + "]"})
			tfresource.Test(t, tfresource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []tfresource.TestStep{{
					Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id                      = %q
  poll_interval                  = "1s"
  clear_pending_tasks_older_than = "12h"
}
`, src),
					ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", str("SUCCESS"))},
					Check:             wantPosts(ft, 1),
				}},
			})
			if n := ft.Count(faketenant.IsPatch); n != 0 {
				t.Errorf("%d PATCHes of a finished task", n)
			}
		})
	}
}

// Finding 9: a timeout that is no time at all is refused at plan, before
// anything is sent.
func TestAccLaunch_timeoutsBelowMinimum(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	var steps []tfresource.TestStep
	for _, d := range []string{"-5m", "0s", "9s"} {
		steps = append(steps, tfresource.TestStep{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id = %q
  timeouts = {
    create = %q
  }
}
`, faketenant.ActiveDirectorySourceID, d),
			PlanOnly:    true,
			ExpectError: errorWith("timeouts.create too short", "shorter than 10s"),
		})
	}
	steps = append(steps, tfresource.TestStep{
		Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, "timeouts = {\n    read = \"0s\"\n  }"),
		PlanOnly:    true,
		ExpectError: errorWith("timeouts.read too short"),
	})
	tfresource.Test(t, tfresource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if n := len(ft.Requests()); n != 0 {
		t.Errorf("%d requests for configurations refused at plan", n)
	}
}

// Finding 10: a retry that times out waiting for the source before its
// second POST says the first task was started, and names it.
func TestAccLaunch_retryIdleTimeoutNamesTheTask(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	src := faketenant.ActiveDirectorySourceID
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1, Status: "TEMPERROR"})
	// Once the first task has ended, another runs on the source and keeps
	// it busy through the retry's idle wait.
	var once sync.Once
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if ls := ft.Launches(); len(ls) == 1 && ft.Reads(ls[0].TaskID) >= 2 {
				once.Do(func() {
					blocker := sourceTask(t, "blocker", src, "")
					ft.PutRunningTaskSequence("blocker", blocker)
				})
				return
			}
		}
	}()
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id         = %q
  poll_interval     = "1s"
  retry_on_statuses = ["TEMPERROR"]
  retry_delay       = "3s"
  timeouts = {
    create = "12s"
  }
}
`, src),
			ExpectError: regexp.MustCompile(`(?s)to be idle.*blocker.*No further task was started;\s+this launch started\s+[0-9a-f]{32}\s+earlier`),
		}},
	})
	if n := posts(ft); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
}

// Finding 14: an idle wait that times out while its read is still
// retrying a 503 names the 503 and its trackingId.
func TestAccLaunch_idleWaitNamesTheLastAnswer(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.Inject(faketenant.Fault{Path: "/task-status/v1", Times: -1, Status: http.StatusServiceUnavailable,
		Body: `{"detailCode":"503 Service Unavailable","trackingId":"still-503","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"The service is down for maintenance."}],"causes":[]}`})
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
  timeouts = {
    create = "10s"
  }
}
`, faketenant.ActiveDirectorySourceID),
			ExpectError: errorWith("to be idle", "HTTP 503", "trackingId: still-503"),
		}},
	})
	if n := posts(ft); n != 0 {
		t.Errorf("%d POSTs", n)
	}
}

// Finding 13: a state written before task_ids existed lists its task in
// task_ids at the next refresh.
func TestLaunch_taskIDsOfAnOlderState(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	client, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, LedgerDir: testLedgerDir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := accountAggregation.newResource()
	r.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: &providerData{client: client}}, &resource.ConfigureResponse{})
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	values, diags := nullValues(ctx, sresp.Schema.Type())
	if diags.HasError() {
		t.Fatal(diags)
	}
	values["id"], values["task_id"] = types.StringValue(faketenant.CompleteTaskID), types.StringValue(faketenant.CompleteTaskID)
	state := tfsdk.State{Schema: sresp.Schema}
	if diags := setState(ctx, values, &state); diags.HasError() {
		t.Fatal(diags)
	}
	resp := resource.ReadResponse{State: state}
	r.Read(ctx, resource.ReadRequest{State: state}, &resp)
	var ids types.List
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("task_ids"), &ids)...)
	if resp.Diagnostics.HasError() || len(ids.Elements()) != 1 || !ids.Elements()[0].Equal(types.StringValue(faketenant.CompleteTaskID)) {
		t.Fatalf("task_ids %v after a refresh, diagnostics %v", ids, resp.Diagnostics)
	}
}

// Finding 11: a CSV another resource writes in the same apply is uploaded
// in that apply when its content is in triggers (the guide's pattern):
// the plan cannot read a file that is not written yet, triggers can see
// what will be.
func TestAccLaunch_fileWrittenInTheSameApply(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	csv := filepath.Join(t.TempDir(), "accounts.csv")
	config := func(content string) string {
		return providerConfig(ft) + fmt.Sprintf(`
locals {
  csv = %q
}

resource "terraform_data" "csv" {
  input            = local.csv
  triggers_replace = [local.csv]
  provisioner "local-exec" {
    command = "printf '%%s' \"$CSV\" > %s"
    environment = {
      CSV = local.csv
    }
  }
}

resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  file          = %q
  poll_interval = "1s"
  triggers = {
    csv = sha256(terraform_data.csv.output)
  }
}
`, content, csv, faketenant.HRFileSourceID, csv)
	}
	uploaded := func(want string) tfresource.TestCheckFunc {
		return func(*terraform.State) error {
			ls := ft.Launches()
			if len(ls) == 0 || ls[len(ls)-1].File == nil || string(ls[len(ls)-1].File.Content) != want {
				got := "no file"
				if len(ls) > 0 && ls[len(ls)-1].File != nil {
					got = string(ls[len(ls)-1].File.Content)
				}
				return fmt.Errorf("the last of %d launches uploaded %q, want %q", len(ls), got, want)
			}
			return nil
		}
	}
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: config("id\n1\n"), Check: tfresource.ComposeTestCheckFunc(wantPosts(ft, 1), uploaded("id\n1\n"))},
			{Config: config("id\n2\n"), Check: tfresource.ComposeTestCheckFunc(wantPosts(ft, 2), uploaded("id\n2\n"))},
			{
				Config:            config("id\n2\n"),
				ConfigPlanChecks:  tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "file_sha256", knownvalue.StringExact(sha256Hex([]byte("id\n2\n"))))},
			},
		},
	})
}
