package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Waiting for a source to be idle before a launch: which tasks of a source
// still run, the wait until none does (clearing the ones stuck too long,
// when asked), and the wait until a task just started is listed, so the
// next launch's check sees it.

// RunningTasksForSource lists the tasks of a source that have not finished,
// so a caller can avoid starting a second aggregation of a source while one
// still runs.
//
// v1, v2026 and v2025 filter the task list with
// `sourceId eq "<id>" and completionStatus isnull`. The list of v2024 and
// beta holds completed tasks only and knows no isnull, so there the
// deprecated GET /{version}/task-status/pending-tasks is read (all pages)
// and the tasks whose target.id is the source are kept.
func (c *Client) RunningTasksForSource(ctx context.Context, sourceID string) ([]TaskStatus, error) {
	if err := ValidateSourceID(sourceID); err != nil {
		return nil, err
	}
	if c.apiVersion != APIVersionV2024 && c.apiVersion != APIVersionBeta {
		listed, err := c.ListTaskStatuses(ctx, ListOptions{
			Filters: `sourceId eq ` + filterValue(sourceID) + ` and completionStatus isnull`,
			Limit:   maxRunningTasks,
		})
		// A task whose own answer shows it finished is not running,
		// whatever the filter was meant to keep out.
		return slices.DeleteFunc(listed, func(ts TaskStatus) bool { return ts.IsFinished() }), err
	}
	path := PendingTasksOp.Path(c.apiVersion, "")
	ofSource := func(ts *TaskStatus) bool {
		return ts.Target != nil && ts.Target.ID != nil && *ts.Target.ID == sourceID && !ts.IsFinished()
	}
	return c.listPages(ctx, path, nil, maxRunningTasks, ofSource)
}

// maxRunningTasks bounds the pages read for one source's running tasks, so
// a tenant that keeps sending full pages cannot keep the caller forever.
const maxRunningTasks = 10 * MaxPageSize

// IdleWaitError ends a wait for a source to be idle that ran out of time
// or was cancelled. Running is what the last look found still running.
type IdleWaitError struct {
	SourceID string
	Running  []TaskStatus
	Err      error // context.DeadlineExceeded or context.Canceled
	// LastErr is the transient error of the last look, when it failed.
	LastErr error
}

func (e *IdleWaitError) Error() string {
	verb := "was cancelled"
	if errors.Is(e.Err, context.DeadlineExceeded) {
		verb = "timed out"
	}
	return fmt.Sprintf("waiting for source %q to have no running task %s with %d still running", e.SourceID, verb, len(e.Running))
}

func (e *IdleWaitError) Unwrap() error { return e.Err }

// WaitForIdleSource looks at the source's running tasks
// (RunningTasksForSource) until there are none, polling as Wait does:
// backed off, transient errors told to w.OnError, permanent ones returned.
// onBusy hears each look that found tasks still running.
//
// stale, when set, hears each look that found tasks running first, and
// returns the ones still running once it has dealt with the others (it
// clears tasks stuck for too long, say); its error ends the wait, as a
// *StaleTaskError.
func (c *Client) WaitForIdleSource(ctx context.Context, sourceID string, w Waiter, onBusy func(ctx context.Context, running []TaskStatus),
	stale func(ctx context.Context, running []TaskStatus) ([]TaskStatus, error)) error {
	idle := func(running []TaskStatus) bool { return len(running) == 0 }
	var busy func(context.Context, int, []TaskStatus, time.Duration)
	if onBusy != nil {
		busy = func(ctx context.Context, _ int, running []TaskStatus, _ time.Duration) { onBusy(ctx, running) }
	}
	read := func(ctx context.Context) ([]TaskStatus, error) {
		running, err := c.RunningTasksForSource(ctx, sourceID)
		if err != nil || len(running) == 0 || stale == nil {
			return running, err
		}
		return stale(ctx, running)
	}
	r := poll(ctx, w, read, idle, busy, nil)
	if r.stopped != nil {
		return &IdleWaitError{SourceID: sourceID, Running: r.last, Err: r.stopped, LastErr: r.lastErr}
	}
	return r.err
}

// WaitUntilListed waits until the task taskID is listed among the running
// tasks of its source (RunningTasksForSource), or has finished, polling as
// Wait does: a launch not waited for holds its source until then, so the
// next launch's idle check cannot miss it. A task not readable yet (404)
// counts as not listed.
func (c *Client) WaitUntilListed(ctx context.Context, sourceID, taskID string, w Waiter) error {
	read := func(ctx context.Context) (bool, error) {
		running, err := c.RunningTasksForSource(ctx, sourceID)
		if err != nil {
			return false, err
		}
		for _, t := range running {
			if strings.EqualFold(t.ID, taskID) {
				return true, nil
			}
		}
		ts, err := c.GetTaskStatus(ctx, taskID)
		if IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return ts.IsFinished(), nil
	}
	r := poll(ctx, w, read, func(seen bool) bool { return seen }, nil, nil)
	if r.stopped != nil {
		return r.stopped
	}
	return r.err
}

// StaleTaskError ends a wait for an idle source: a running task the caller
// meant to clear could not be. Err is why (the PATCH's error).
type StaleTaskError struct {
	TaskID string
	Err    error
}

func (e *StaleTaskError) Error() string {
	return fmt.Sprintf("clearing the pending task %q: %v", e.TaskID, e.Err)
}

func (e *StaleTaskError) Unwrap() error { return e.Err }

// A failed clear ends the wait whatever its cause: nothing is started on a
// source whose stuck task is still there.
func (e *StaleTaskError) requestMethod() string { return http.MethodPatch }
func (e *StaleTaskError) transient() bool       { return false }
func (e *StaleTaskError) mayHaveStarted() bool  { return false }
