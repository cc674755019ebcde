package sailpoint

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Finding tasks by what a caller knows of them (their source, whether they
// still run, how they ended, when they were launched, their kind) on every
// API version: the filters each version's task list has are sent to the
// tenant, and every task read is checked against all of them.

// TaskQuery selects tasks.
type TaskQuery struct {
	// SourceID keeps the tasks whose target.id is this source; "" keeps
	// any.
	SourceID string
	// Running keeps the tasks not finished yet (true), or the finished ones
	// (false); nil keeps both.
	Running *bool
	// CompletionStatuses keeps the tasks that finished with one of these,
	// compared as StatusIn does; none keeps any. With Running true nothing
	// can match, and nothing is read.
	CompletionStatuses []string
	// LaunchedAfter keeps the tasks launched at or after it (created, for a
	// task not launched yet); zero keeps any.
	LaunchedAfter time.Time
	// Keep decides what the list cannot filter on, such as the kind of
	// task (TaskOf); nil keeps every task.
	Keep func(*TaskStatus) bool
	// Limit is the most tasks to return; 0 means MaxPageSize.
	Limit int
	// MaxRead is the most tasks to read in all, below the client's bound
	// (MaxTasksSearched): a caller that must cost one request reads one
	// page. 0 keeps the client's bound.
	MaxRead int
}

// FoundTasks are the tasks a TaskQuery found, newest first.
type FoundTasks struct {
	Tasks []TaskStatus
	// Read is how many tasks the tenant listed to find them.
	Read int
	// Truncated: the search stopped after MaxTasksSearched tasks (or
	// TaskQuery.MaxRead) while the tenant had more, so older tasks were not
	// looked at.
	Truncated bool
}

// MaxTasksSearched bounds the tasks one FindTasks reads (40 pages), so a
// query the list cannot filter (a kind of task, a launch time) cannot read
// a large tenant's 90 days of tasks.
const MaxTasksSearched = 40 * MaxPageSize

// tasksSearched is the client's bound: MaxTasksSearched, or a test's.
func (c *Client) tasksSearched() int {
	if c.searchBound > 0 {
		return c.searchBound
	}
	return MaxTasksSearched
}

// searched is the most tasks q may read: the client's bound, or q.MaxRead
// below it.
func (q TaskQuery) searched(c *Client) int {
	if q.MaxRead > 0 {
		return min(q.MaxRead, c.tasksSearched())
	}
	return c.tasksSearched()
}

// FindTasks finds the tasks q selects, newest first, reading pages of the
// task list until it has q.Limit of them, the tenant has no more, or it has
// read MaxTasksSearched (q.MaxRead, when lower).
//
// On v1, v2026 and v2025 it reads the task list once, filtered by
// `sourceId eq`, `completionStatus isnull` (Running true) or
// `completionStatus in (...)`, sorted by -created. The list of v2024 and
// beta holds finished tasks only and knows no isnull: there the running
// tasks come from the deprecated pending-tasks list (all its pages, sorted
// here by created, newest first, as it has no sorter), and the finished
// ones from the list, filtered by source and statuses; with Running nil,
// the running ones first.
func (c *Client) FindTasks(ctx context.Context, q TaskQuery) (FoundTasks, error) {
	found := FoundTasks{Tasks: []TaskStatus{}}
	if q.SourceID != "" {
		if err := ValidateSourceID(q.SourceID); err != nil {
			return found, err
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = MaxPageSize
	}
	statuses := normalStatuses(q.CompletionStatuses)
	running, finished := q.Running == nil || *q.Running, q.Running == nil || !*q.Running
	if len(statuses) > 0 {
		running = false // a running task has no completion status
	}
	if !running && !finished {
		return found, nil
	}
	keep := func(ts *TaskStatus) bool { return q.keeps(ts, statuses) }
	bound := q.searched(c)

	listPath := ListTaskStatusesOp.Path(c.apiVersion, "")
	if c.apiVersion != APIVersionV2024 && c.apiVersion != APIVersionBeta {
		var terms []string
		if q.SourceID != "" {
			terms = append(terms, `sourceId eq `+filterValue(q.SourceID))
		}
		switch {
		case len(statuses) > 0:
			terms = append(terms, `completionStatus in (`+strings.Join(mapStrings(statuses, filterValue), ",")+`)`)
		case !finished:
			terms = append(terms, `completionStatus isnull`)
		}
		err := c.findIn(ctx, listPath, strings.Join(terms, " and "), limit, bound, keep, &found)
		return found, err
	}
	if running {
		// No filters and no sorter: read every page, then sort.
		var pending []TaskStatus
		read, more, err := c.scanPages(ctx, PendingTasksOp.Path(c.apiVersion, ""), nil, bound, func(ts *TaskStatus) bool {
			if !ts.IsFinished() && keep(ts) {
				pending = append(pending, *ts)
			}
			return true
		})
		found.Read, found.Truncated = read, more
		if err != nil {
			return found, err
		}
		slices.SortStableFunc(pending, func(a, b TaskStatus) int { return createdAt(&b).Compare(createdAt(&a)) })
		found.Tasks = append(found.Tasks, pending[:min(len(pending), limit)]...)
	}
	if finished && len(found.Tasks) < limit && found.Read < bound {
		var terms []string
		if q.SourceID != "" {
			terms = append(terms, `sourceId eq `+filterValue(q.SourceID))
		}
		if len(statuses) > 0 {
			terms = append(terms, `completionStatus in (`+strings.Join(mapStrings(statuses, filterValue), ",")+`)`)
		}
		return found, c.findIn(ctx, listPath, strings.Join(terms, " and "), limit, bound, func(ts *TaskStatus) bool { return ts.IsFinished() && keep(ts) }, &found)
	}
	return found, nil
}

// findIn reads the task list with filters, newest first, adding the tasks
// keep accepts to found until it holds limit tasks or bound tasks were read
// in all.
func (c *Client) findIn(ctx context.Context, path, filters string, limit, bound int, keep func(*TaskStatus) bool, found *FoundTasks) error {
	query := url.Values{"sorters": {"-created"}}
	if filters != "" {
		query["filters"] = []string{filters}
	}
	read, more, err := c.scanPages(ctx, path, query, bound-found.Read, func(ts *TaskStatus) bool {
		if keep(ts) {
			found.Tasks = append(found.Tasks, *ts)
		}
		return len(found.Tasks) < limit
	})
	found.Read += read
	found.Truncated = found.Truncated || more && len(found.Tasks) < limit
	return err
}

// keeps checks a task against every part of q; the tenant filtered on
// some of them already, but not on every version, and a list may lag.
func (q TaskQuery) keeps(ts *TaskStatus, statuses []string) bool {
	switch {
	case q.SourceID != "" && (ts.Target == nil || ts.Target.ID == nil || *ts.Target.ID != q.SourceID):
		return false
	case q.Running != nil && *q.Running == ts.IsFinished():
		return false
	case len(statuses) > 0 && (!ts.IsFinished() || !StatusIn(*ts.CompletionStatus, statuses)):
		return false
	case !q.LaunchedAfter.IsZero():
		if t, ok := ts.LaunchedAt(); !ok || t.Before(q.LaunchedAfter) {
			return false
		}
	}
	return q.Keep == nil || q.Keep(ts)
}

// normalStatuses are statuses in the form the tenant is asked for them
// (upper case, TEMPERROR), each once.
func normalStatuses(statuses []string) []string {
	var out []string
	for _, s := range statuses {
		if n := normalizeCompletionStatus(s); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// filterValue is s as a quoted value of a list filter.
func filterValue(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func mapStrings(ss []string, f func(string) string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// createdAt is when a task was created; zero when the tenant gave no
// date-time.
func createdAt(ts *TaskStatus) time.Time {
	t, _ := timeAt(ts.Created)
	return t
}
