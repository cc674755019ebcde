package provider

import (
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// bulkTenant holds 600 spec-valid tasks besides the fixtures: task i is
// created i minutes after a base time, targets source src-(i%3), and
// failed when i%4 == 0; tasks 590 and up are still running.
func bulkTenant(t *testing.T) *faketenant.Tenant {
	ft := newTenant(t)
	base := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for i := range 600 {
		changes := map[string]any{
			"created":          base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			"target":           map[string]any{"id": fmt.Sprintf("src-%d", i%3), "type": "APPLICATION", "name": fmt.Sprintf("Source %d", i%3)},
			"completionStatus": "SUCCESS",
		}
		if i%4 == 0 {
			changes["completionStatus"] = "ERROR"
		}
		if i >= 590 {
			changes["completionStatus"], changes["completed"] = nil, nil
		}
		ft.PutTask(taskDoc(t, fmt.Sprintf("bulk-%03d", i), changes))
	}
	return ft
}

func listIDs(path string, ids ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	return statecheck.ExpectKnownValue(listAddr, tfjsonpath.New(path), knownvalue.ListExact(checks))
}

// pageSizes are the limit values of the list requests since the last reset.
func pageSizes(ft *faketenant.Tenant) []int {
	var out []int
	for _, r := range ft.Requests() {
		if r.Version != "" && r.TaskID == "" {
			n, _ := strconv.Atoi(r.Query.Get("limit"))
			out = append(out, n)
		}
	}
	return out
}

// A filtered, sorted list on a tenant with more than 500 tasks: exactly
// the matching tasks, newest first, in pages of at most 250.
func TestAccTaskStatuses_filterSortAndPage(t *testing.T) {
	t.Parallel()
	ft := bulkTenant(t)
	// src-1 and ERROR: i%3 == 1 and i%4 == 0, i < 590: i = 4, 16, 28, ... 580
	var want []string
	for i := 589; i >= 0; i-- {
		if i%3 == 1 && i%4 == 0 {
			want = append(want, fmt.Sprintf("bulk-%03d", i))
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: ft.ResetLog,
				Config: providerConfig(ft) + taskStatusesBlock(`
  filters = "sourceId eq \"src-1\" and completionStatus eq \"ERROR\""
  sorters = "-created"
  limit   = 500`),
				ConfigStateChecks: []statecheck.StateCheck{
					listIDs("task_statuses", want...),
					statecheck.ExpectKnownValue(listAddr, tfjsonpath.New("task_statuses").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"completion_status": knownvalue.StringExact("ERROR"),
						"target":            knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.StringExact("src-1"), "type": knownvalue.StringExact("APPLICATION"), "name": knownvalue.StringExact("Source 1")}),
						"created":           knownvalue.StringExact("2026-11-20T09:40:00Z"),
						"messages":          knownvalue.ListSizeExact(1),
						"attributes":        knownvalue.ObjectPartial(map[string]knownvalue.Check{"identityCount": knownvalue.Int64Exact(12)}),
					})),
				},
			},
			{
				// Paging past 250: 500 of the 600+ tasks, oldest first.
				PreConfig: ft.ResetLog,
				Config:    providerConfig(ft) + taskStatusesBlock("  sorters = \"created\"\n  limit = 500"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listAddr, tfjsonpath.New("task_statuses"), knownvalue.ListSizeExact(500)),
					statecheck.ExpectKnownValue(listAddr, tfjsonpath.New("task_statuses").AtSliceIndex(499), knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact("bulk-499")})),
				},
				Check: func(*terraform.State) error {
					for _, size := range pageSizes(ft) {
						if size > 250 {
							return fmt.Errorf("asked for a page of %d", size)
						}
					}
					return nil
				},
			},
			{
				// A limit smaller than a page asks for just that many.
				PreConfig: ft.ResetLog,
				Config:    providerConfig(ft) + taskStatusesBlock("  filters = \"sourceId in (\\\"src-0\\\",\\\"src-1\\\",\\\"src-2\\\")\"\n  sorters = \"-created\"\n  limit = 10"),
				ConfigStateChecks: []statecheck.StateCheck{
					listIDs("task_statuses", "bulk-599", "bulk-598", "bulk-597", "bulk-596", "bulk-595", "bulk-594", "bulk-593", "bulk-592", "bulk-591", "bulk-590"),
				},
				Check: func(*terraform.State) error {
					for _, size := range pageSizes(ft) {
						if size != 10 {
							return fmt.Errorf("asked for a page of %d with limit 10", size)
						}
					}
					return nil
				},
			},
			{
				// Still running: completionStatus isnull.
				Config: providerConfig(ft) + taskStatusesBlock(`  filters = "completionStatus isnull and sourceId in (\"src-0\",\"src-2\")"`),
				ConfigStateChecks: []statecheck.StateCheck{
					listIDs("task_statuses", "bulk-590", "bulk-591", "bulk-593", "bulk-594", "bulk-596", "bulk-597", "bulk-599"),
				},
			},
			{
				Config: providerConfig(ft) + taskStatusesBlock(`  filters = "sourceId eq \"no-such-source\""`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listAddr, tfjsonpath.New("task_statuses"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:      providerConfig(ft) + taskStatusesBlock(`  filters = "completionStatus gt \"ERROR\""`),
				ExpectError: errorWith("SailPoint refused the task list query", "HTTP 400", "not supported", "trackingId", "Check filters and sorters"),
			},
		},
	})
}

// Every API version lists from its own path; launcher filters only where
// the API offers them.
func TestAccTaskStatuses_apiVersions(t *testing.T) {
	t.Parallel()
	for version, prefix := range faketenant.Versions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ft := newTenant(t) // one per subtest: each checks every request its tenant saw
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					PreConfig: ft.ResetLog,
					Config:    providerConfig(ft, fmt.Sprintf("api_version = %q", version)) + taskStatusesBlock(`  filters = "completionStatus in (\"ERROR\",\"SUCCESS\")"`),
					ConfigStateChecks: []statecheck.StateCheck{
						listIDs("task_statuses", faketenant.CompleteTaskID, faketenant.FailedTaskID),
					},
					Check: func(*terraform.State) error {
						for _, r := range ft.Requests() {
							if r.Version != "" && r.Path != prefix {
								return fmt.Errorf("GET %s, want %s", r.Path, prefix)
							}
							if r.Version != "" && r.Query.Get("filters") != `completionStatus in ("ERROR","SUCCESS")` {
								return fmt.Errorf("filters sent as %q (%s)", r.Query.Get("filters"), url.QueryEscape(r.Query.Get("filters")))
							}
						}
						return nil
					},
				}},
			})
		})
	}
}

func TestAccTaskStatuses_argumentValidation(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: providerConfig(ft) + taskStatusesBlock("  limit = 0"), ExpectError: errorWith("limit value must be between 1 and 10000")},
			{Config: providerConfig(ft) + taskStatusesBlock("  sorters = \"modified\""), ExpectError: errorWith("sorters value must be one of")},
		},
	})
	if n := len(ft.Requests()); n != 0 {
		t.Errorf("%d requests from invalid configurations", n)
	}
}
