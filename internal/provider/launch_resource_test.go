package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

const (
	accountAddr     = "sailpoint_account_aggregation.test"
	entitlementAddr = "sailpoint_entitlement_aggregation.test"
	processingAddr  = "sailpoint_identity_processing.test"
)

var (
	compareSame = compare.ValuesSame()
	uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

func isPost(r faketenant.Request) bool {
	return r.Method == http.MethodPost && r.Path != faketenant.TokenPath
}

// posts counts launches the tenant was sent, accepted or not.
func posts(ft *faketenant.Tenant) int { return ft.Count(isPost) }

func wantPosts(ft *faketenant.Tenant, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := posts(ft); n != want {
			return fmt.Errorf("the tenant was sent %d launches, want %d", n, want)
		}
		return nil
	}
}

func launchState(addr, attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v)
}

// The three resources: one POST each, a wait, the task in state; nothing
// on a second apply; exactly one POST when a trigger changes.
func TestAccLaunch_threeResourcesStartOnceAndWait(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	config := func(trigger string) string {
		return providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
  triggers = {
    config = %q
  }
}

resource "sailpoint_entitlement_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}

resource "sailpoint_identity_processing" "test" {
  identity_ids  = ["2c9180835d2e5168015d32f890ca1581", "78733556-9ea3-4f59-bf69-e5cd92b011b4"]
  poll_interval = "1s"
}
`, faketenant.ActiveDirectorySourceID, trigger, faketenant.WorkdaySourceID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("v1"),
				ConfigStateChecks: []statecheck.StateCheck{
					launchState(accountAddr, "completion_status", str("SUCCESS")),
					launchState(accountAddr, "task_id", knownvalue.NotNull()),
					launchState(accountAddr, "task", knownvalue.NotNull()),
					statecheck.ExpectKnownValue(accountAddr, tfjsonpath.New("task").AtMapKey("target").AtMapKey("id"), str(faketenant.ActiveDirectorySourceID)),
					statecheck.ExpectKnownValue(accountAddr, tfjsonpath.New("task").AtMapKey("completion_status"), str("SUCCESS")),
					statecheck.CompareValuePairs(accountAddr, tfjsonpath.New("id"), accountAddr, tfjsonpath.New("task_id"), compareSame),
					statecheck.CompareValuePairs(accountAddr, tfjsonpath.New("task_id"), accountAddr, tfjsonpath.New("task").AtMapKey("id"), compareSame),
					launchState(accountAddr, "wait_for_completion", knownvalue.Bool(true)),
					launchState(accountAddr, "wait_for_running_tasks", knownvalue.Bool(true)),
					launchState(accountAddr, "expected_completion_statuses", knownvalue.SetExact([]knownvalue.Check{str("SUCCESS"), str("WARNING")})),
					launchState(accountAddr, "file_sha256", knownvalue.Null()),
					launchState(entitlementAddr, "completion_status", str("SUCCESS")),
					launchState(processingAddr, "completion_status", str("SUCCESS")),
					launchState(processingAddr, "task_id", knownvalue.StringRegexp(uuidPattern)),
				},
				Check: resource.ComposeTestCheckFunc(wantPosts(ft, 3), func(*terraform.State) error {
					byOp := map[string]int{}
					for _, l := range ft.Launches() {
						byOp[l.Operation]++
						if l.Operation == faketenant.OperationIdentityProcessing && len(l.IdentityIDs) != 2 {
							return fmt.Errorf("identity processing sent %v", l.IdentityIDs)
						}
						if l.DisableOptimization != nil || l.File != nil {
							return fmt.Errorf("%s sent a flag or file nobody configured: %+v", l.Operation, l)
						}
					}
					if byOp[faketenant.OperationAccountAggregation] != 1 || byOp[faketenant.OperationEntitlementAggregation] != 1 || byOp[faketenant.OperationIdentityProcessing] != 1 {
						return fmt.Errorf("launches by operation: %v", byOp)
					}
					return nil
				}),
			},
			{
				// Nothing changed: no launch, and the plan is empty.
				Config: config("v1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: wantPosts(ft, 3),
			},
			{
				Config: config("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(entitlementAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(processingAddr, plancheck.ResourceActionNoop),
				}},
				Check: wantPosts(ft, 4),
			},
		},
		CheckDestroy: wantPosts(ft, 4), // destroying starts nothing
	})
}

// A task that ends in ERROR fails the apply with its messages; its id stays
// in state (tainted), so the next apply starts it again.
func TestAccLaunch_failedTaskFailsTheApply(t *testing.T) {
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
				ConfigStateChecks: []statecheck.StateCheck{launchState(accountAddr, "completion_status", str("SUCCESS"))},
				Check:             wantPosts(ft, 2),
			},
		},
	})
}

// ERROR can be expected: the apply then passes and shows the status.
func TestAccLaunch_expectedErrorPasses(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 0, Status: "ERROR", Messages: []faketenant.Message{{Type: "ERROR", Text: "boom"}}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_entitlement_aggregation" "test" {
  source_id                    = %q
  expected_completion_statuses = ["SUCCESS", "WARNING", "ERROR"]
}
`, faketenant.WorkdaySourceID),
			ConfigStateChecks: []statecheck.StateCheck{
				launchState(entitlementAddr, "completion_status", str("ERROR")),
				statecheck.ExpectKnownValue(entitlementAddr, tfjsonpath.New("task").AtMapKey("messages").AtSliceIndex(0).AtMapKey("localized_text").AtMapKey("message"), str("boom")),
			},
		}},
	})
}

// An unknown source is the tenant's 400, named, and nothing is kept.
func TestAccLaunch_unknownSource(t *testing.T) {
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

// Every API version: the launch goes to that version's path, and the task
// is read there too.
func TestAccLaunch_apiVersions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ version, accounts, process string }{
		{"v1", "/sources/v1/" + faketenant.HRFileSourceID + "/load-accounts", "/identities/v1/process"},
		{"v2026", "/v2026/sources/" + faketenant.HRFileSourceID + "/load-accounts", "/v2026/identities/process"},
		{"v2025", "/v2025/sources/" + faketenant.HRFileSourceID + "/load-accounts", "/v2025/identities/process"},
		{"v2024", "/v2024/sources/" + faketenant.HRFileSourceID + "/load-accounts", "/v2024/identities/process"},
		{"beta", "/beta/sources/" + faketenant.HRFileSourceID + "/load-accounts", "/beta/identities/process"},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(ft, fmt.Sprintf("api_version = %q", tc.version)) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id            = %q
  disable_optimization = true
}

resource "sailpoint_identity_processing" "test" {
  identity_ids = ["2c9180835d2e5168015d32f890ca1581"]
}
`, faketenant.HRFileSourceID),
					ConfigStateChecks: []statecheck.StateCheck{
						launchState(accountAddr, "completion_status", str("SUCCESS")),
						launchState(processingAddr, "completion_status", str("SUCCESS")),
					},
					Check: func(*terraform.State) error {
						var paths []string
						for _, r := range ft.Requests() {
							if isPost(r) {
								paths = append(paths, r.Path)
							}
						}
						if len(paths) != 2 || !containsAll(paths, tc.accounts, tc.process) {
							return fmt.Errorf("POSTs %v, want %s and %s", paths, tc.accounts, tc.process)
						}
						for _, l := range ft.Launches() {
							if l.Operation == faketenant.OperationAccountAggregation && (l.DisableOptimization == nil || *l.DisableOptimization != "true") {
								return fmt.Errorf("disableOptimization %v, want \"true\"", l.DisableOptimization)
							}
						}
						return nil
					},
				}},
			})
		})
	}
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

// The uploaded file: sent as is; a changed content (same path) is seen at
// plan time and starts exactly one new aggregation.
func TestAccLaunch_fileContentChangeReplaces(t *testing.T) {
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
				ConfigStateChecks: []statecheck.StateCheck{launchState(accountAddr, "file_sha256", str(sha256Hex([]byte("id,name\n1,Ada\n"))))},
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

// A task the tenant no longer returns stays in state with a warning, and
// nothing is started again.
func TestAccLaunch_forgottenTaskKeepsState(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	config := providerConfig(ft) + `
resource "sailpoint_identity_processing" "test" {
  identity_ids = ["2c9180835d2e5168015d32f890ca1581"]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: wantPosts(ft, 1)},
			{
				PreConfig: func() {
					id := ft.Launches()[0].TaskID
					ft.Inject(faketenant.Fault{Path: "/task-status/v1/" + id, Times: -1, Status: http.StatusNotFound,
						Body: `{"detailCode":"404 Not found","trackingId":"6b1a2c","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"TaskStatus with the given id was not found."}],"causes":[]}`})
				},
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{launchState(processingAddr, "completion_status", str("SUCCESS"))},
				Check:             wantPosts(ft, 1),
			},
		},
	})
}

// A task just started may not be readable at once (the spec does not
// promise the identity-processing id is a task-status id right away): a
// 404 shortly after the launch is waited out, not taken as the end.
func TestAccLaunch_taskNotReadableAtFirst(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.Inject(faketenant.Fault{Path: "/task-status/v1/", Times: 2, Status: http.StatusNotFound,
		Body: `{"detailCode":"404 Not found","trackingId":"6b1a2d","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"TaskStatus with the given id was not found."}],"causes":[]}`})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + `
resource "sailpoint_identity_processing" "test" {
  identity_ids  = ["2c9180835d2e5168015d32f890ca1581"]
  poll_interval = "1s"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{launchState(processingAddr, "completion_status", str("SUCCESS"))},
			Check: resource.ComposeTestCheckFunc(wantPosts(ft, 1), func(*terraform.State) error {
				if n := ft.Count(func(r faketenant.Request) bool { return r.Status == http.StatusNotFound }); n != 2 {
					return fmt.Errorf("%d answers were 404, want the 2 injected", n)
				}
				return nil
			}),
		}},
	})
}

// Timing out keeps the task id and says which limit ran out.
func TestAccLaunch_timeoutKeepsTheTask(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1000})
	config := providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
  timeouts = {
    create = "3s"
  }
}
`, faketenant.ActiveDirectorySourceID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: errorWith("Timed out waiting for task", "(timeouts.create is 3s", "its id is kept in state")},
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
func TestAccLaunch_waitsForRunningTaskOfTheSource(t *testing.T) {
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
