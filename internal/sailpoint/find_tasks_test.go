package sailpoint_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// findTask is a task of a kind (its name), on a source, created at a
// time, running when status is "".
func findTask(id, name, source, created, status string) []byte {
	completed, cs := "null", "null"
	if status != "" {
		completed, cs = fmt.Sprintf("%q", created), fmt.Sprintf("%q", status)
	}
	return []byte(fmt.Sprintf(`{"id":%q,"uniqueName":%q,"target":{"id":%q,"type":"APPLICATION","name":"a source"},`+
		`"created":%q,"launched":%q,"completed":%s,"completionStatus":%s}`, id, name, source, created, created, completed, cs))
}

func isAccountAggregation(ts *sailpoint.TaskStatus) bool {
	return sailpoint.TaskOf(ts) == sailpoint.AccountAggregationOp.Operation
}

func taskIDs(tasks []sailpoint.TaskStatus) []string {
	out := make([]string, len(tasks))
	for i, ts := range tasks {
		out[i] = ts.ID
	}
	return out
}

// FindTasks asks each version's list for what it can filter on, and
// checks every task read against the whole query: the running account
// aggregation of one source among tasks of other kinds, sources and
// states; how tasks ended; when they were launched.
func TestFindTasksEveryVersion(t *testing.T) {
	const ad, workday = "2c9180835d191a86015d28455b4a2329", "2c918084660f45d6016617daa9210584"
	agg, ent := sailpoint.AccountAggregationOp.TaskName, sailpoint.EntitlementAggregationOp.TaskName
	running, finished := true, false
	for _, version := range sailpoint.APIVersions {
		t.Run(version, func(t *testing.T) {
			ft := startTenant(t)
			for _, doc := range [][]byte{
				findTask("old-done", agg, ad, "2026-11-01T10:00:00Z", "SUCCESS"),
				findTask("agg-error", agg, ad, "2026-11-26T10:00:00Z", "ERROR"),
				findTask("agg-success", agg, ad, "2026-11-27T10:00:00Z", "Success"),
				findTask("agg-running", agg, ad, "2026-11-28T10:00:00Z", ""),
				findTask("workday-running", agg, workday, "2026-11-28T10:00:00Z", ""),
				findTask("entitlements-running", ent, ad, "2026-11-28T10:00:00Z", ""),
				findTask("refresh-running", "Identity Refresh", ad, "2026-11-28T10:00:00Z", ""),
			} {
				ft.PutTask(doc)
			}
			c := tenantClient(t, ft, version)
			ctx := context.Background()
			finishedOnly := version == "v2024" || version == "beta"
			for _, tc := range []struct {
				name    string
				q       sailpoint.TaskQuery
				want    []string
				filters []string // the list's filters, on a version whose list has every task
			}{
				{"running", sailpoint.TaskQuery{SourceID: ad, Running: &running, Keep: isAccountAggregation},
					[]string{"agg-running"}, []string{`sourceId eq "` + ad + `" and completionStatus isnull`}},
				{"finished", sailpoint.TaskQuery{SourceID: ad, Running: &finished, Keep: isAccountAggregation},
					[]string{"agg-success", "agg-error", "old-done"}, []string{`sourceId eq "` + ad + `"`}},
				{"statuses", sailpoint.TaskQuery{SourceID: ad, CompletionStatuses: []string{"success", "TEMP_ERROR"}, Keep: isAccountAggregation},
					[]string{"agg-success", "old-done"}, []string{`sourceId eq "` + ad + `" and completionStatus in ("SUCCESS","TEMPERROR")`}},
				{"launched after", sailpoint.TaskQuery{SourceID: ad, LaunchedAfter: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Keep: isAccountAggregation},
					[]string{"agg-running", "agg-success", "agg-error"}, []string{`sourceId eq "` + ad + `"`}},
				{"any source", sailpoint.TaskQuery{Running: &running, Keep: isAccountAggregation},
					[]string{"agg-running", "workday-running"}, []string{`completionStatus isnull`}},
				{"a running task has no status", sailpoint.TaskQuery{Running: &running, CompletionStatuses: []string{"ERROR"}}, []string{}, nil},
			} {
				ft.ResetLog()
				found, err := c.FindTasks(ctx, tc.q)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				got := taskIDs(found.Tasks)
				if tc.name == "any source" || finishedOnly {
					slices.Sort(got) // tasks created at the same time, or pending tasks with finished ones
					slices.Sort(tc.want)
				}
				if !slices.Equal(got, tc.want) || found.Truncated {
					t.Errorf("%s: %v (truncated %v), want %v", tc.name, got, found.Truncated, tc.want)
				}
				var filters []string
				pending := 0
				for _, r := range ft.Requests() {
					switch {
					case faketenant.IsPendingGet(r):
						pending++
					case r.Endpoint == sailpoint.ListTaskStatusesOp.Name:
						filters = append(filters, r.Query.Get("filters"))
						if r.Query.Get("sorters") != "-created" {
							t.Errorf("%s: sorters %q, want -created", tc.name, r.Query.Get("sorters"))
						}
					}
				}
				if finishedOnly {
					// isnull is not known here; the running tasks come from pending-tasks.
					wantPending := tc.q.Running == nil && len(tc.q.CompletionStatuses) == 0 || tc.q.Running != nil && *tc.q.Running && len(tc.q.CompletionStatuses) == 0
					if (pending > 0) != wantPending || slices.ContainsFunc(filters, func(f string) bool { return strings.Contains(f, "isnull") }) {
						t.Errorf("%s: %d pending-tasks reads, list filters %q", tc.name, pending, filters)
					}
					continue
				}
				if pending > 0 || !slices.Equal(filters, tc.filters) {
					t.Errorf("%s: list filters %q and %d pending-tasks reads, want %q and none", tc.name, filters, pending, tc.filters)
				}
			}
		})
	}
}

// FindTasks reads pages of 250 until it has the tasks asked for, or the
// tenant has no more; a search it had to cut short says so.
func TestFindTasksPages(t *testing.T) {
	ft := startTenant(t)
	for i := range 260 {
		ft.PutTask(findTask(fmt.Sprintf("bulk-%03d", i), sailpoint.AccountAggregationOp.TaskName, "bulk-source",
			time.Date(2026, 11, 1, 0, 0, i, 0, time.UTC).Format(time.RFC3339), "SUCCESS"))
	}
	c := tenantClient(t, ft, "v1")
	for _, tc := range []struct {
		limit, want, pages int
	}{{300, 260, 2}, {100, 100, 1}, {251, 251, 2}} {
		ft.ResetLog()
		found, err := c.FindTasks(context.Background(), sailpoint.TaskQuery{SourceID: "bulk-source", Limit: tc.limit})
		pages := ft.Count(func(r faketenant.Request) bool { return r.Endpoint == sailpoint.ListTaskStatusesOp.Name })
		if err != nil || len(found.Tasks) != tc.want || pages != tc.pages || found.Truncated {
			t.Errorf("limit %d: %d tasks in %d pages (truncated %v), %v; want %d in %d", tc.limit, len(found.Tasks), pages, found.Truncated, err, tc.want, tc.pages)
		}
		if len(found.Tasks) > 0 && found.Tasks[0].ID != "bulk-259" {
			t.Errorf("limit %d: the first task is %s, want the newest, bulk-259", tc.limit, found.Tasks[0].ID)
		}
	}
	// No task is of the kind asked for: every task is read, and none kept.
	ft.ResetLog()
	found, err := c.FindTasks(context.Background(), sailpoint.TaskQuery{Keep: func(*sailpoint.TaskStatus) bool { return false }})
	if err != nil || len(found.Tasks) != 0 || found.Read < 260 || found.Truncated {
		t.Errorf("%d tasks after reading %d (truncated %v), %v", len(found.Tasks), found.Read, found.Truncated, err)
	}
}

// A search that reads its bound of tasks (MaxTasksSearched; 500 here, or
// the query's MaxRead) and finds too few stops, and says it was cut short,
// on the list and on pending-tasks.
func TestFindTasksBounded(t *testing.T) {
	ft := startTenant(t)
	for i := range 501 {
		ft.PutTask(findTask(fmt.Sprintf("many-%03d", i), "Identity Refresh", "a-source", "2026-11-20T00:00:00Z", ""))
	}
	none := func(*sailpoint.TaskStatus) bool { return false }
	for _, version := range []string{"v2025", "beta"} {
		c := tenantClient(t, ft, version)
		c.SetTasksSearched(500)
		found, err := c.FindTasks(context.Background(), sailpoint.TaskQuery{Keep: none})
		if err != nil || len(found.Tasks) != 0 || found.Read != 500 || !found.Truncated {
			t.Errorf("%s: %d tasks after reading %d (truncated %v), %v; want none after 500, truncated", version, len(found.Tasks), found.Read, found.Truncated, err)
		}
		// A caller's own bound below it: one page of 25 (a wait's history).
		ft.ResetLog()
		found, err = c.FindTasks(context.Background(), sailpoint.TaskQuery{Keep: none, MaxRead: 25})
		pages := ft.Count(func(r faketenant.Request) bool { return !faketenant.IsToken(r) })
		if err != nil || found.Read != 25 || !found.Truncated || pages != 1 {
			t.Errorf("%s, MaxRead 25: read %d in %d requests (truncated %v), %v; want 25 in one, truncated", version, found.Read, pages, found.Truncated, err)
		}
	}
	c := tenantClient(t, ft, "v2025")
	if _, err := c.FindTasks(context.Background(), sailpoint.TaskQuery{SourceID: "a/b"}); err == nil {
		t.Error("a source id that would change the filter was sent")
	}
}
