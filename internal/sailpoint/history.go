package sailpoint

import (
	"context"
	"strings"
	"time"
)

// How long earlier runs of a task's kind took on its source, for the
// schedule of a wait (Waiter.History).
//
// One request, through FindTasks: the task list filtered to the source's
// tasks that finished with SUCCESS or WARNING (`sourceId eq` and
// `completionStatus in`, which every API version documents), newest first
// (`sorters=-created`, the only sorter documented), one page of
// historyPageSize (TaskQuery.MaxRead). The kind is compared here, not in
// the filter: the filter's `type` takes values such as
// CLOUD_ACCOUNT_AGGREGATION that TaskStatus.type (QUARTZ, QPOC, ...) never
// shows, so the task's own kind (KindName: its uniqueName, else its task
// definition's) is compared instead. A task without a source (identity
// processing) has no history: the list has no filter that would find its
// kind. Failed runs are left out: one that ended early says nothing of how
// long a run takes.

// historyPageSize bounds the one list read: room for the source's other
// kinds of tasks between the runs of this one.
const historyPageSize = 25

// historyStatuses are the statuses of runs that went the whole way.
var historyStatuses = []string{CompletionStatusSuccess, CompletionStatusWarning}

// RunHistory returns a Waiter.History for tasks on the source sourceID: ""
// means the task's own target, when that is a source (type APPLICATION).
// For a task with no source, or no kind, it makes no request and reports
// no runs.
func (c *Client) RunHistory(sourceID string) func(context.Context, *TaskStatus) ([]time.Duration, error) {
	return func(ctx context.Context, ts *TaskStatus) ([]time.Duration, error) {
		source := sourceID
		if source == "" {
			source = TaskSourceID(ts)
		}
		kind := ts.KindName()
		if source == "" || kind == "" {
			return nil, nil
		}
		found, err := c.FindTasks(ctx, TaskQuery{
			SourceID:           source,
			CompletionStatuses: historyStatuses,
			Keep:               func(t *TaskStatus) bool { return t.KindName() == kind },
			Limit:              historyPageSize,
			MaxRead:            historyPageSize,
		})
		if err != nil {
			return nil, err
		}
		return runDurations(ts, found.Tasks), nil
	}
}

// runDurations are how long the tasks of the same kind as ts took, in the
// order listed (newest first), at most maxHistoryRuns: launched (or
// created) to completed, by the tenant's clock.
func runDurations(ts *TaskStatus, tasks []TaskStatus) []time.Duration {
	kind := ts.KindName()
	var out []time.Duration
	for i := range tasks {
		t := &tasks[i]
		if strings.EqualFold(t.ID, ts.ID) || kind == "" || t.KindName() != kind ||
			!t.IsFinished() || !StatusIn(*t.CompletionStatus, historyStatuses) {
			continue
		}
		completed, ok := t.CompletedAt()
		if !ok {
			continue
		}
		start, ok := t.LaunchedAt()
		if !ok {
			continue
		}
		if d := completed.Sub(start); d > 0 {
			out = append(out, d)
		}
		if len(out) == maxHistoryRuns {
			break
		}
	}
	return out
}

// TaskSourceID is the id of the source the task works on: its target's,
// when the target is a source (type APPLICATION); "" otherwise.
func TaskSourceID(ts *TaskStatus) string {
	if ts == nil || ts.Target == nil || ts.Target.ID == nil || ts.Target.Type == nil || !strings.EqualFold(*ts.Target.Type, "APPLICATION") {
		return ""
	}
	return *ts.Target.ID
}
