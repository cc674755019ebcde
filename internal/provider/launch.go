package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Starting a task and gating on it, the one code path behind the launch
// resources and actions: they differ only in how Terraform calls them and
// in how they report progress.

// notVisibleGrace is how long a task the tenant just started may answer
// 404 before the wait gives up on it: the spec does not promise that every
// launch's id is readable at once (identity processing calls it a job id).
const notVisibleGrace = 2 * time.Minute

// launchRequest says what to start and how to gate on it.
type launchRequest struct {
	// operation names the launch for people: "account aggregation of source \"2c91...\"".
	operation string
	// sourceID, when set with waitForRunning, makes the launch wait until
	// no task of that source is still running, so two tasks of one source
	// never overlap.
	sourceID       string
	waitForRunning bool

	start func(context.Context, *sailpoint.Client) (*sailpoint.Launch, error)

	wait         bool
	expected     []string
	pollInterval time.Duration // 0: the waiter's default cap
	// timeout and timeoutName say what bounds the whole launch, for
	// messages: timeouts.create for a resource, timeout for an action.
	timeout     time.Duration
	timeoutName string
	// taskKept says where the id of a started task that failed its gate
	// can be found: "its id is kept in state" for a resource.
	taskKept string

	progress progressReporter
}

// progressReporter hears what a launch is doing: a resource logs it, an
// action shows it in the console.
type progressReporter interface {
	// waitingForRunning: the source still has running tasks.
	waitingForRunning(ctx context.Context, tasks []sailpoint.TaskStatus)
	started(ctx context.Context, l *sailpoint.Launch)
	// running: a poll found the task still running.
	running(ctx context.Context, ts *sailpoint.TaskStatus, poll int, next time.Duration)
	finished(ctx context.Context, ts *sailpoint.TaskStatus)
}

// launchOutcome is what happened: launch is nil when nothing was started;
// task is the last status read, nil when none was.
type launchOutcome struct {
	launch *sailpoint.Launch
	task   *sailpoint.TaskStatus
}

// runLaunch waits for the source to be idle, starts the task, waits for it
// and checks how it ended. Diagnostics say which step failed; once a task
// was started its id is in the outcome, whatever went wrong after.
func runLaunch(ctx context.Context, client *sailpoint.Client, req launchRequest) (launchOutcome, diag.Diagnostics) {
	var out launchOutcome
	var diags diag.Diagnostics
	started := time.Now()

	if req.sourceID != "" && req.waitForRunning {
		if d := waitForIdleSource(ctx, client, req, started); d != nil {
			diags.Append(d)
			return out, diags
		}
	}

	launch, err := req.start(ctx, client)
	if err != nil {
		diags.Append(launchErrorDiagnostic(err, req.operation))
		return out, diags
	}
	out.launch = launch
	ctx = tflog.SetField(ctx, "task_id", launch.TaskID)
	tflog.Info(ctx, "Started SailPoint task", map[string]any{"operation": req.operation, "request": launch.Method + " " + launch.Path})
	req.progress.started(ctx, launch)

	var ts *sailpoint.TaskStatus
	if req.wait {
		ts, diags = waitForLaunched(ctx, client, req, launch, &out, started)
	} else {
		ts, diags = readLaunched(ctx, client, req, launch)
	}
	if ts == nil {
		return out, diags
	}
	out.task = ts
	if !ts.IsFinished() {
		return out, diags // read once, still running: nothing to check yet
	}
	req.progress.finished(ctx, ts)
	if len(req.expected) > 0 {
		if d := expectationDiagnostic(launch.TaskID, ts, req.expected); d != nil {
			diags.Append(d)
		}
	}
	return out, diags
}

// readLaunched reads a started task once (wait_for_completion = false). A
// failed read is a warning: the task was started, and failing now would
// start it again on the next apply.
func readLaunched(ctx context.Context, client *sailpoint.Client, req launchRequest, launch *sailpoint.Launch) (*sailpoint.TaskStatus, diag.Diagnostics) {
	var diags diag.Diagnostics
	ts, err := client.GetTaskStatus(ctx, launch.TaskID)
	if err != nil {
		summary, detail := explain(err, fmt.Sprintf("task %q", launch.TaskID))
		diags.AddWarning("Started task "+launch.TaskID+", but could not read it", fmt.Sprintf(
			"The %s started task %q (wait_for_completion is false). Reading it once afterwards failed; %s.\n\n%s: %s",
			req.operation, launch.TaskID, req.taskKept, summary, detail))
		return nil, diags
	}
	return ts, diags
}

// waitForLaunched waits until a started task has finished, keeping the
// last status read in out as it goes. A task that answers 404 within
// notVisibleGrace of its launch counts as running.
func waitForLaunched(ctx context.Context, client *sailpoint.Client, req launchRequest, launch *sailpoint.Launch, out *launchOutcome, started time.Time) (*sailpoint.TaskStatus, diag.Diagnostics) {
	var diags diag.Diagnostics
	launchedAt := time.Now()
	// notYet stands for a task not readable yet: the waiter counts it as
	// running, and it is never shown.
	notYet := &sailpoint.TaskStatus{ID: launch.TaskID}
	get := func(ctx context.Context) (*sailpoint.TaskStatus, error) {
		ts, err := client.GetTaskStatus(ctx, launch.TaskID)
		if err != nil && sailpoint.IsNotFound(err) && time.Since(launchedAt) < notVisibleGrace {
			tflog.Debug(ctx, "The task just started is not readable yet")
			return notYet, nil
		}
		return ts, err
	}
	w := sailpoint.Waiter{
		MaxInterval: req.pollInterval,
		OnPoll: func(ctx context.Context, poll int, ts *sailpoint.TaskStatus, next time.Duration) {
			if ts != notYet {
				out.task = ts
			}
			req.progress.running(ctx, ts, poll, next)
		},
		OnError: logTransientReadError,
	}
	ts, err := w.Wait(ctx, launch.TaskID, get)
	var waitErr *sailpoint.WaitError
	switch {
	case errors.As(err, &waitErr):
		if waitErr.Last == notYet {
			waitErr.Last = nil
		}
		diags.Append(waitDiagnostic(waitErr, waitContext{operation: req.operation, timeoutName: req.timeoutName,
			timeout: req.timeout, elapsed: time.Since(started), taskKept: req.taskKept}))
	case err != nil:
		summary, detail := explain(err, fmt.Sprintf("task %q", launch.TaskID))
		diags.AddError(summary, fmt.Sprintf("The %s started task %q, but waiting for it failed.\n\n%s\n\n"+
			"The task may still be running in the tenant; %s.", req.operation, launch.TaskID, detail, req.taskKept))
	}
	return ts, diags
}

// waitForIdleSource waits until no task of the source is still running,
// with the same waiter as the task itself.
func waitForIdleSource(ctx context.Context, client *sailpoint.Client, req launchRequest, started time.Time) diag.Diagnostic {
	w := sailpoint.Waiter{MaxInterval: req.pollInterval, OnError: logTransientReadError}
	err := client.WaitForIdleSource(ctx, req.sourceID, w, req.progress.waitingForRunning)
	var idleErr *sailpoint.IdleWaitError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &idleErr):
		summary, detail := explain(err, fmt.Sprintf("the running tasks of source %q", req.sourceID))
		return diag.NewErrorDiagnostic(summary, detail+"\n\nNothing was started. Set wait_for_running_tasks = false to start without this check.")
	}
	ids := make([]string, len(idleErr.Running))
	for i, t := range idleErr.Running {
		ids[i] = t.ID
	}
	verb := "Timed out"
	if errors.Is(err, context.Canceled) {
		verb = "Stopped"
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s waiting for source %q to be idle", verb, req.sourceID), fmt.Sprintf(
		"Before starting the %s, the provider waits until no task of the source is still running. After %s these were still running: %s.\n\n"+
			"Nothing was started. Wait for them to finish (or stop them in ISC), raise %s, or set wait_for_running_tasks = false to start anyway.",
		req.operation, time.Since(started).Round(time.Second), strings.Join(ids, ", "), req.timeoutName))
}

// launchErrorDiagnostic explains a launch the tenant refused or that
// failed on the way; nothing was started unless the text says it may have been.
func launchErrorDiagnostic(err error, operation string) diag.Diagnostic {
	summary, detail := explain(err, "the "+operation)
	summary = "Could not start the " + operation + ": " + summary
	if sailpoint.MayHaveStarted(err) {
		detail += "\n\nThe request may have reached the tenant, so it was not sent again (a second launch would start a second task). " +
			"Check in ISC whether the task started before you apply again."
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// logProgress reports a launch through the provider's log (TF_LOG=info
// shows a long wait moving): what a resource does.
type logProgress struct{}

func (logProgress) waitingForRunning(ctx context.Context, tasks []sailpoint.TaskStatus) {
	tflog.Info(ctx, fmt.Sprintf("Waiting for %d running task(s) of the source to finish before starting", len(tasks)), map[string]any{"running_task_id": tasks[0].ID})
}

func (logProgress) started(ctx context.Context, l *sailpoint.Launch) {
	tflog.Info(ctx, "Started "+l.Operation+": task "+l.TaskID)
}

func (logProgress) running(ctx context.Context, ts *sailpoint.TaskStatus, poll int, next time.Duration) {
	logPoll(ctx, poll, ts, next)
}

func (logProgress) finished(ctx context.Context, ts *sailpoint.TaskStatus) {
	tflog.Info(ctx, "SailPoint task finished", map[string]any{"completion_status": ptrString(ts.CompletionStatus)})
}
