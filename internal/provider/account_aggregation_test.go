package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// A task that ends in ERROR fails the apply with its messages; its id stays
// in state (tainted), so the next apply starts it again.
func TestAccAccountAggregation_failedTaskFailsTheApply(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1, Status: "ERROR", Messages: []faketenant.Message{
		{Type: "ERROR", Text: "Connector host ad-vm.acme.local:636 refused the connection"},
		{Type: "WARN", Text: "Aggregation stopped after 0 of 1200 accounts"},
	}}, faketenant.DefaultScript)
	config := providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}
`, faketenant.ActiveDirectorySourceID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: errorWith("finished with status ERROR", "not one of SUCCESS, WARNING",
					"ERROR: Connector host ad-vm.acme.local:636 refused the connection", "WARN: Aggregation stopped after 0 of 1200 accounts"),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", str("SUCCESS"))},
				Check:             wantPosts(ft, 2),
			},
		},
	})
}

// An unknown source is the tenant's 400, named, and nothing is kept.
func TestAccAccountAggregation_unknownSource(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + `
resource "sailpoint_account_aggregation" "test" {
  source_id              = "2c91808a7813090a0178000000000000"
  wait_for_running_tasks = false
}
`,
			ExpectError: errorWith(`Could not start the account aggregation of source "2c91808a7813090a0178000000000000"`, "HTTP 400", "trackingId"),
		}},
	})
	if n := posts(ft); n != 1 {
		t.Errorf("%d POSTs for a refused launch, want 1", n)
	}
}

// The uploaded file: sent as is; a changed content (same path) is seen at
// plan time and starts exactly one new aggregation.
func TestAccAccountAggregation_fileContentChangeReplaces(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	csv := filepath.Join(t.TempDir(), "accounts.csv")
	write := func(s string) {
		if err := os.WriteFile(csv, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("id,name\n1,Ada\n")
	config := providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id = %q
  file      = %q
}
`, faketenant.HRFileSourceID, csv)
	lastFile := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			ls := ft.Launches()
			if len(ls) == 0 || ls[len(ls)-1].File == nil {
				return fmt.Errorf("no file uploaded: %+v", ls)
			}
			f := ls[len(ls)-1].File
			if string(f.Content) != want || f.Name != "accounts.csv" {
				return fmt.Errorf("uploaded %q as %q, want %q as accounts.csv", f.Content, f.Name, want)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "file_sha256", str(sha256Hex([]byte("id,name\n1,Ada\n"))))},
				Check:             resource.ComposeTestCheckFunc(wantPosts(ft, 1), lastFile("id,name\n1,Ada\n")),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            wantPosts(ft, 1),
			},
			{
				PreConfig: func() { write("id,name\n1,Ada\n2,Grace\n") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeTestCheckFunc(wantPosts(ft, 2), lastFile("id,name\n1,Ada\n2,Grace\n")),
			},
		},
	})
}

// Timing out keeps the task id and says which limit ran out.
func TestAccAccountAggregation_timeoutKeepsTheTask(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1000})
	config := providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
  timeouts = {
    create = "10s"
  }
}
`, faketenant.ActiveDirectorySourceID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: errorWith("Timed out waiting for task", "(timeouts.create is 10s", "its id is kept in state")},
			{
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true, // tainted: the next apply starts a new task
			},
		},
	})
	if n := posts(ft); n != 1 {
		t.Errorf("%d launches, want 1", n)
	}
}

// Two aggregations of one source never overlap: the launch waits until the
// task still running for the source has finished.
func TestAccAccountAggregation_waitsForRunningTaskOfTheSource(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"v1", "v2024"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			running := taskDoc(t, "earlier-run", map[string]any{
				"completed": nil, "completionStatus": nil, "progress": "Aggregating accounts", "percentComplete": 40,
				"target": map[string]any{"id": faketenant.ActiveDirectorySourceID, "type": "APPLICATION", "name": "Active Directory [source]"},
			})
			done := taskDoc(t, "earlier-run", map[string]any{
				"target": map[string]any{"id": faketenant.ActiveDirectorySourceID, "type": "APPLICATION", "name": "Active Directory [source]"},
			})
			ft.PutRunningTaskSequence("earlier-run", running, running, done)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(ft, fmt.Sprintf("api_version = %q", version)) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id = %q
  timeouts = {
    create = "2m"
  }
}
`, faketenant.ActiveDirectorySourceID),
					Check: func(*terraform.State) error {
						var order []string
						for _, r := range ft.Requests() {
							switch {
							case isPost(r):
								order = append(order, "POST")
							case faketenant.IsPendingGet(r) || r.Method == http.MethodGet && r.TaskID == "" && r.Path != faketenant.TokenPath:
								order = append(order, "LIST")
							}
						}
						if got := strings.Join(order, " "); !strings.HasPrefix(got, "LIST LIST LIST POST") {
							return fmt.Errorf("requests %q: the launch must follow three looks at the running tasks", got)
						}
						return nil
					},
				}},
			})
		})
	}
}

// A file is its content: the same bytes under another path update in
// place and start nothing; a path that names nothing fails before any
// POST, naming it; a directory fails at plan.
func TestAccAccountAggregation_fileIsItsContent(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	dir := t.TempDir()
	first, copied := filepath.Join(dir, "accounts.csv"), filepath.Join(dir, "copy of accounts.csv")
	for _, p := range []string{first, copied} {
		if err := os.WriteFile(p, []byte("id,name\n1,Ada\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	config := func(file string) string {
		return providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id = %q
  file      = %q
}
`, faketenant.HRFileSourceID, file)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(first), Check: wantPosts(ft, 1)},
			{
				Config: config(copied),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "file", knownvalue.StringExact(copied))},
				Check:             wantPosts(ft, 1),
			},
			{
				Config:      config(filepath.Join(dir, "acounts.csv")),
				ExpectError: errorWith("Cannot read the file to upload", filepath.Join(dir, "acounts.csv"), "Nothing was started"),
			},
			{
				Config:      config(dir),
				PlanOnly:    true,
				ExpectError: errorWith("Cannot upload this file", dir, "is a directory, not a regular file"),
			},
		},
	})
	if n := posts(ft); n != 1 {
		t.Errorf("%d launches, want 1", n)
	}
}

// When the task list cannot be read, the idle wait's timeout names the
// last error and its trackingId rather than an empty list of tasks.
func TestAccAccountAggregation_idleWaitNamesItsCause(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.Inject(faketenant.Fault{Path: "/task-status/v1", Times: -1, Status: http.StatusServiceUnavailable,
		Body: `{"detailCode":"503 Service Unavailable","trackingId":"idle-wait-503","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"The service is down for maintenance."}],"causes":[]}`})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft, "max_retries = 0") + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
  timeouts = {
    create = "10s"
  }
}
`, faketenant.ActiveDirectorySourceID),
			ExpectError: errorWith(fmt.Sprintf("Timed out waiting for source %q to be idle", faketenant.ActiveDirectorySourceID),
				"could not read which tasks of the source are running", "HTTP 503", "down for maintenance", "trackingId: idle-wait-503", "Nothing was started"),
		}},
	})
	if n := posts(ft); n != 0 {
		t.Errorf("%d launches, want 0", n)
	}
}

// A file changed between terraform plan -out and terraform apply starts
// nothing: Terraform plans the resource again at apply, finds another
// file_sha256 than the saved plan holds and stops ("Provider produced
// inconsistent final plan"). The provider cannot say it in its own words
// (the re-plan of a new resource has no prior or private state to compare
// with), so its page says what the message means and what to do.
func TestAccAccountAggregation_fileChangedAfterSavedPlan(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	ft := newTenant(t)
	csv := filepath.Join(t.TempDir(), "accounts.csv")
	if err := os.WriteFile(csv, []byte("id,name\n1,Ada\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, env := cliWorkspace(t, ft, fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id = %q
  file      = %q
}
`, faketenant.HRFileSourceID, csv))
	if out, err := cliRun(t, tf, dir, env, "plan", "-input=false", "-no-color", "-out=saved.tfplan"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if err := os.WriteFile(csv, []byte("id,name\n1,Ada\n2,Grace\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cliRun(t, tf, dir, env, "apply", "-input=false", "-no-color", "saved.tfplan")
	if err == nil || !strings.Contains(out, "file_sha256") {
		t.Fatalf("applying a saved plan whose file changed should fail on file_sha256: %v\n%s", err, out)
	}
	if n := posts(ft); n != 0 {
		t.Fatalf("%d launches, want none", n)
	}
	page, err := os.ReadFile("../../docs/resources/account_aggregation.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Provider produced inconsistent final plan", "file_sha256", "run `terraform plan` again"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("docs/resources/account_aggregation.md does not explain the saved-plan error (%q)", want)
		}
	}
}
