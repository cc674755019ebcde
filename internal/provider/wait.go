package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Waiting for a task, the same in every form: the waiter the gate
// arguments make, what a wait logs, and how a wait that ran out of time or
// was stopped is explained.

// waiter polls with the gate's cap and logs each poll at Info, so
// TF_LOG=info shows a long wait moving, and each transient failure at Warn.
func waiter(g gateArgs) sailpoint.Waiter {
	return sailpoint.Waiter{MaxInterval: goDuration(g.PollInterval), OnPoll: logPoll, OnError: logTransientReadError}
}

// logPoll reports at Info a poll that found the task still running.
func logPoll(ctx context.Context, poll int, ts *sailpoint.TaskStatus, next time.Duration) {
	tflog.Info(ctx, fmt.Sprintf("Waiting for SailPoint task: %s, %s%% complete", sailpoint.CleanText(ptrOr(ts.Progress, "no progress yet")), percentCompleteOr(ts, "?")), map[string]any{
		"poll":             poll,
		"progress":         ptrString(ts.Progress),
		"percent_complete": percentCompleteOr(ts, ""),
		"next_poll_in":     next.Round(time.Millisecond).String(),
	})
}

// logTransientReadError reports at Warn a read of a wait that failed for a
// passing reason; the wait goes on.
func logTransientReadError(ctx context.Context, poll int, err error, next time.Duration) {
	tflog.Warn(ctx, fmt.Sprintf("Waiting for SailPoint task: a read failed, reading again in %s: %s", next.Round(time.Millisecond), err), map[string]any{
		"poll":         poll,
		"next_poll_in": next.Round(time.Millisecond).String(),
	})
}

// waitContext is what a wait's explanation says besides the wait itself.
type waitContext struct {
	// operation names the launch that started the task, "" for a read.
	operation string
	// timeoutName and timeout bound the whole call; elapsed is how long it
	// has run, waiting included (a launch waits for its source first).
	timeoutName string
	timeout     time.Duration
	elapsed     time.Duration
	// taskKept says where the id of the started task can be found, "" for
	// a read.
	taskKept string
	// resumes: a stopped wait is a warning, since the next apply resumes it.
	resumes bool
	// afterTimeout says what happens after a timeout, and how to wait for
	// the same task instead.
	afterTimeout string
}

// waitDiagnostic explains a wait that ran out of time or was stopped.
func waitDiagnostic(e *sailpoint.WaitError, w waitContext) diag.Diagnostic {
	last := lastReadText(e)
	started := ""
	if w.operation != "" {
		started = fmt.Sprintf("The %s started task %q. ", w.operation, e.TaskID)
	}
	goesOn := ""
	if w.taskKept != "" {
		goesOn = "The task goes on in the tenant; " + w.taskKept + ". "
	}
	switch {
	case errors.Is(e.Err, context.Canceled) && w.resumes:
		return diag.NewWarningDiagnostic(fmt.Sprintf("Stopped waiting for task %q: the next apply resumes the wait", e.TaskID), fmt.Sprintf(
			"%sTerraform was interrupted, and the wait was stopped after %s and %d reads, before the task finished. %s\n\n"+
				"The task goes on in the tenant. The resource keeps it in state, not tainted: the next apply starts no new task, "+
				"waits for this one and checks expected_completion_statuses then.", started, e.Waited.Round(time.Second), e.Polls, last))
	case errors.Is(e.Err, context.Canceled):
		return diag.NewErrorDiagnostic(fmt.Sprintf("Stopped waiting for task %q", e.TaskID), fmt.Sprintf(
			"%sThe wait was stopped after %s and %d reads. %s\n\n%s", started, e.Waited.Round(time.Second), e.Polls, last, goesOn))
	}
	spent := ""
	if w.elapsed > e.Waited+time.Second {
		spent = fmt.Sprintf(", %s spent in all", w.elapsed.Round(time.Second))
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Timed out waiting for task %q", e.TaskID), fmt.Sprintf(
		"%sWaited %s (%s is %s%s) over %d reads, and the task has not finished. %s\n\n"+
			"%sRaise %s if the task is just slow, or check it in ISC if it is stuck.%s",
		started, e.Waited.Round(time.Second), w.timeoutName, shortDuration(w.timeout), spent, e.Polls, last, goesOn, w.timeoutName, w.afterTimeout))
}

// lastReadText says what the reads of a wait that ended found: the last
// status and, when the last read failed, its error.
func lastReadText(e *sailpoint.WaitError) string {
	last := "No read completed before the time ran out."
	if e.Last != nil {
		// A status without completed is not finished (the tenant writes
		// completed last); say so rather than just "still running".
		last = fmt.Sprintf("The last read found it not finished: completion_status %s, completed %s; %s.",
			orNull(e.Last.CompletionStatus), orNull(e.Last.Completed), progressText(e.Last))
	}
	if e.LastErr != nil {
		last += fmt.Sprintf(" The last read failed: %s.", e.LastErr)
	}
	return last
}

// readTimeoutDiagnostic names timeouts.read when a read outlived it, and is
// nil for any other failure.
func readTimeoutDiagnostic(ctx context.Context, err error, what string, readTimeout time.Duration) diag.Diagnostic {
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || ctx.Err() == nil {
		return nil
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Timed out reading %s", what), fmt.Sprintf(
		"The read did not finish within timeouts.read (%s): %s. Raise timeouts.read, or check the tenant's status.", shortDuration(readTimeout), err))
}
