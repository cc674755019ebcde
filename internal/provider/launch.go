package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Starting a task and gating on it, the one code path behind the launch
// resources and actions: what to start (a launch, from the configuration)
// is the same for both; how a form reports and what a stopped wait means
// (a report: a resource resumes it at the next apply, an action has
// nothing to resume) is each form's.

// notVisibleGrace is how long a task the tenant just started may answer
// 404 before the wait gives up on it: the spec does not promise that every
// launch's id is readable at once (identity processing calls it a job id).
const notVisibleGrace = 2 * time.Minute

// launch is what to start and how to gate on it, read from a form's
// values by operation.prepare.
type launch struct {
	op    operation
	start sailpoint.Start
	// describe names it for people: "account aggregation of source \"2c91...\"".
	describe string
	// sourceID makes the launch take its source's turn (one task of a
	// source at a time) and, with waitForRunning, wait until no task of the
	// source is still running in the tenant.
	sourceID       string
	waitForRunning bool
	// clearOlderThan, when set, clears the source's running tasks
	// launched longer ago than this while waiting for the source.
	clearOlderThan time.Duration
	// retryOn are the statuses that start the task again, up to
	// retryAttempts more times, retryDelay after the one before ended.
	retryOn       []string
	retryAttempts int
	retryDelay    time.Duration

	wait         bool
	expected     []string
	pollInterval time.Duration // 0: the waiter's default cap
	pollMin      time.Duration // 0: the waiter's default minimum

	// awaiter waits for and gates the job; nil is a task's (taskJob).
	awaiter jobAwaiter
	// turn, without a source, is what launches of one configuration take
	// turns on ("" for none).
	turn string
}

// prepare reads what to start and how to gate from a form's values: the
// typed models of what every launch has, and the operation's own
// arguments. It reads the file to upload, checked against plannedSum
// unless that is null or unknown; fileSHA256 is that file's hash, "" without
// one.
func (op operation) prepare(ctx context.Context, values attrs, f form, plannedSum types.String) (l launch, fileSHA256 string, diags diag.Diagnostics) {
	var gate gateArgs
	var retry retryArgs
	diags.Append(values.decode(ctx, &gate)...)
	diags.Append(values.decode(ctx, &retry)...)
	in := launchInput{}
	if op.source {
		var src sourceArgs
		diags.Append(values.decode(ctx, &src)...)
		in.sourceID = src.SourceID.ValueString()
		l.sourceID = in.sourceID
		l.waitForRunning = src.WaitForRunningTasks.IsNull() || src.WaitForRunningTasks.ValueBool()
		l.clearOlderThan = goDuration(src.ClearPendingOlderThan)
	}
	if op.file != noFile {
		var file fileArgs
		diags.Append(values.decode(ctx, &file)...)
		if !diags.HasError() {
			var d diag.Diagnostics
			in.file, fileSHA256, d = readUpload(file.File, plannedSum)
			diags.Append(d...)
		}
	}
	if diags.HasError() {
		return l, "", diags
	}
	l.retryOn = setStrings(retry.RetryOnStatuses)
	if len(l.retryOn) > 0 {
		l.retryAttempts, l.retryDelay = 1, defaultRetryDelay
		if n := retry.RetryAttempts; !n.IsNull() && !n.IsUnknown() {
			l.retryAttempts = int(n.ValueInt64())
		}
		if d := goDuration(retry.RetryDelay); d > 0 {
			l.retryDelay = d
		}
	}
	start, subject, d := op.request(ctx, in, values)
	diags.Append(d...)
	l.op, l.start, l.describe = op, start, op.describe(subject)
	l.wait, l.expected = gate.wait(f), gate.expected(f)
	l.pollInterval, l.pollMin = goDuration(gate.PollInterval), goDuration(gate.MinPollInterval)
	return l, fileSHA256, diags
}

// report is how a form reports a launch, and what bounds and follows it.
type report struct {
	// timeout and timeoutName say what bounds the whole launch, for
	// messages: timeouts.create for a resource, timeout for an action.
	timeout     time.Duration
	timeoutName string
	// taskKept says where the id of a started task that failed its gate
	// can be found: "its id is kept in state" for a resource.
	taskKept string
	// resumable: a wait Terraform stopped (Ctrl-C) is a warning, not an
	// error; the task is kept and its wait resumes at the next apply.
	resumable bool
	// afterTimeout says what happens next when the wait times out, and how
	// to wait for the same task instead.
	afterTimeout string

	progress progressReporter
}

// progressReporter hears what a launch is doing: a resource logs it, an
// action shows it in the console.
type progressReporter interface {
	// waitingForLaunch: another launch of this configuration has the source.
	waitingForLaunch(ctx context.Context, holder string)
	// waitingForRunning: the source still has running tasks.
	waitingForRunning(ctx context.Context, tasks []sailpoint.TaskStatus)
	// cleared: a running task of the source was stuck longer than
	// clear_pending_tasks_older_than and was cleared.
	cleared(ctx context.Context, ts *sailpoint.TaskStatus, age time.Duration)
	started(ctx context.Context, l *sailpoint.Launch)
	// retrying: the task ended with a status of retry_on_statuses, and
	// attempt (from 2) starts after delay.
	retrying(ctx context.Context, ts *sailpoint.TaskStatus, attempt, attempts int, delay time.Duration)
	// running: a poll found the task still running.
	running(ctx context.Context, ts *sailpoint.TaskStatus, poll int, next time.Duration)
	finished(ctx context.Context, ts *sailpoint.TaskStatus)
	// jobRunning: a poll found a job that is not a task still running,
	// with this status.
	jobRunning(ctx context.Context, id, status string, poll int, next time.Duration)
	// jobFinished: such a job ended; summary says how.
	jobFinished(ctx context.Context, id, summary string)
}

// launchOutcome is what happened: launch is nil when nothing was started;
// task is the last status read, nil when none was.
type launchOutcome struct {
	launch *sailpoint.Launch
	task   *sailpoint.TaskStatus
	// taskIDs are every task started, oldest first; launch is the last.
	taskIDs []string
	// configJob and configResults are an SP-Config import's last status
	// read and its results, once downloaded.
	configJob     *sailpoint.ConfigJob
	configResults *sailpoint.ConfigImportResults
	// cleared are the source's stuck tasks cleared before starting;
	// notCleared, those the tenant accepted a clear of but still shows
	// running.
	cleared    []clearedTask
	notCleared []string
	// interrupted: Terraform stopped the wait (Ctrl-C) before the task
	// finished; it was not gated.
	interrupted bool
	// timedOut: the wait ran out of time before the task finished.
	timedOut bool
}

// runLaunch takes the source's turn, waits for the source to be idle,
// starts the task, waits for it and checks how it ended, starting it again
// while it ends with a status of retryOn and attempts are left.
// Diagnostics say which step failed; once a task was started its id is in
// the outcome, whatever went wrong after.
func runLaunch(ctx context.Context, data *providerData, l launch, rep report) (launchOutcome, diag.Diagnostics) {
	var out launchOutcome
	var diags diag.Diagnostics
	began := time.Now()
	client := data.client

	var turn *heldTurn
	if l.turnKey() != "" {
		var d diag.Diagnostic
		if turn, d = takeSourceTurn(ctx, &data.sources, l, rep, began); d != nil {
			return out, append(diags, d)
		}
		defer turn.release()
	}
	job := l.job()
	var ended []*sailpoint.TaskStatus // earlier attempts, restarted
	for attempt := 1; ; attempt++ {
		if l.sourceID != "" && l.waitForRunning {
			if d := waitForIdleSource(ctx, client, l, rep, began, &out); d != nil {
				return out, append(diags, withEarlier(d, ended))
			}
		}
		started, err := client.Start(ctx, l.start)
		if err != nil {
			return out, append(diags, withEarlier(launchErrorDiagnostic(err, l, client.APIVersion()), ended))
		}
		out.launch, out.task = started, nil
		out.taskIDs = append(out.taskIDs, started.TaskID)
		turn.holding(fmt.Sprintf("%s (task %s)", l.describe, started.TaskID))
		ctx := tflog.SetField(ctx, "task_id", started.TaskID)
		tflog.Info(ctx, "Started SailPoint task", map[string]any{"operation": l.describe, "request": started.Method + " " + started.Path, "attempt": attempt})
		rep.progress.started(ctx, started)

		done, d := job.await(ctx, client, l, rep, started.TaskID, time.Now(), began, &out)
		diags.Append(d...)
		if !done {
			if l.sourceID != "" && !l.wait && ctx.Err() == nil {
				// Not waited for: keep the source until the tenant shows the
				// task, or the next launch's idle check could miss it.
				awaitListed(ctx, client, l, started.TaskID)
			}
			return out, diags
		}
		gated, again := job.gate(ctx, client, l, started.TaskID, &out)
		if attempt > l.retryAttempts || !again {
			if gated != nil {
				diags.Append(withEarlier(gated, ended))
			}
			return out, diags
		}
		ts := out.task
		ended = append(ended, ts)
		rep.progress.retrying(ctx, ts, attempt+1, l.retryAttempts+1, l.retryDelay)
		if err := sailpoint.Pause(ctx, l.retryDelay); err != nil {
			out.interrupted = errors.Is(err, context.Canceled)
			out.timedOut = !out.interrupted
			return out, append(diags, retryStoppedDiagnostic(err, l, rep, ts, attempt+1))
		}
	}
}

// resumeLaunch waits for and gates a task started earlier (by an apply
// that was interrupted, or adopted by import), starting nothing. The task
// takes its source's turn like a new launch. graceFrom starts the time a
// task that has never been read may answer 404; zero means none.
func resumeLaunch(ctx context.Context, data *providerData, l launch, rep report, taskID string, graceFrom time.Time) (launchOutcome, diag.Diagnostics) {
	var out launchOutcome
	began := time.Now()
	if l.sourceID != "" {
		turn, d := takeSourceTurn(ctx, &data.sources, l, rep, began)
		if d != nil {
			return out, diag.Diagnostics{d}
		}
		defer turn.release()
		turn.holding(fmt.Sprintf("%s (task %s)", l.describe, taskID))
	}
	ctx = tflog.SetField(ctx, "task_id", taskID)
	tflog.Info(ctx, "Resuming the wait for a SailPoint job started earlier", map[string]any{"operation": l.describe})
	job := l.job()
	done, diags := job.await(ctx, data.client, l, rep, taskID, graceFrom, began, &out)
	if !done {
		return out, diags // read once, still running: nothing to check yet
	}
	if d, _ := job.gate(ctx, data.client, l, taskID, &out); d != nil {
		diags.Append(d)
	}
	return out, diags
}

// A jobAwaiter waits for the job a launch started and checks how it ended:
// a task (taskJob), or a job that is not a task, read at its own status
// endpoint (an SP-Config import).
type jobAwaiter interface {
	// await waits for job id (or reads it once without
	// wait_for_completion), keeping what it read in out; done reports that
	// the job ended.
	await(ctx context.Context, client *sailpoint.Client, l launch, rep report, id string, graceFrom, began time.Time, out *launchOutcome) (done bool, diags diag.Diagnostics)
	// gate checks a job that ended: a diagnostic when it did not end as
	// expected, and whether its end asks for another attempt
	// (retry_on_statuses).
	gate(ctx context.Context, client *sailpoint.Client, l launch, id string, out *launchOutcome) (d diag.Diagnostic, again bool)
}

// job is how the launch's job is awaited and gated: a task unless the
// launch says otherwise.
func (l launch) job() jobAwaiter {
	if l.awaiter != nil {
		return l.awaiter
	}
	return taskJob{}
}

// turnKey is what the launch takes turns on within one configuration: its
// source, or its turn (every SP-Config import of a configuration).
func (l launch) turnKey() string {
	if l.sourceID != "" {
		return l.sourceID
	}
	return l.turn
}

// turnWhat names what the launch takes turns on, for messages.
func (l launch) turnWhat() string {
	if l.sourceID != "" {
		return "source"
	}
	return l.turn
}

// taskJob is the job of the task launches: read at task status, gated on
// its completion status.
type taskJob struct{}

func (taskJob) await(ctx context.Context, client *sailpoint.Client, l launch, rep report, id string, graceFrom, began time.Time, out *launchOutcome) (bool, diag.Diagnostics) {
	ts, diags := awaitTask(ctx, client, l, rep, id, graceFrom, began, out)
	if ts == nil || !ts.IsFinished() {
		return false, diags
	}
	rep.progress.finished(ctx, ts)
	return true, diags
}

func (taskJob) gate(_ context.Context, _ *sailpoint.Client, l launch, id string, out *launchOutcome) (diag.Diagnostic, bool) {
	ts := out.task
	if len(l.retryOn) > 0 && sailpoint.StatusIn(ptrString(ts.CompletionStatus), l.retryOn) {
		if d := expectationDiagnostic(id, ts, l.expected); len(l.expected) > 0 && d != nil {
			return d, true
		}
		return nil, true
	}
	if len(l.expected) > 0 {
		return expectationDiagnostic(id, ts, l.expected), false
	}
	return nil, false
}

// awaitTask waits for the task, or reads it once without
// wait_for_completion, keeping the last status read in out.
func awaitTask(ctx context.Context, client *sailpoint.Client, l launch, rep report, taskID string, graceFrom, began time.Time, out *launchOutcome) (*sailpoint.TaskStatus, diag.Diagnostics) {
	var ts *sailpoint.TaskStatus
	var diags diag.Diagnostics
	if l.wait {
		ts, diags = waitForTask(ctx, client, l, rep, taskID, graceFrom, began, out)
	} else {
		ts, diags = readTask(ctx, client, l, rep, taskID)
	}
	if ts != nil {
		out.task = ts
	}
	return ts, diags
}

// readTask reads a started task once (wait_for_completion = false). A
// failed read is a warning: the task was started, and failing now would
// start it again on the next apply.
func readTask(ctx context.Context, client *sailpoint.Client, l launch, rep report, taskID string) (*sailpoint.TaskStatus, diag.Diagnostics) {
	ts, err := client.GetTaskStatus(ctx, taskID)
	if err != nil {
		return nil, diag.Diagnostics{readStartedTaskDiagnostic(err, l, rep, taskID)}
	}
	return ts, nil
}

// waitForTask waits until a started task has finished, keeping the last
// status read in out as it goes. A task that answers 404 within
// notVisibleGrace of graceFrom counts as running.
func waitForTask(ctx context.Context, client *sailpoint.Client, l launch, rep report, taskID string, graceFrom, began time.Time, out *launchOutcome) (*sailpoint.TaskStatus, diag.Diagnostics) {
	// notYet stands for a task not readable yet: the waiter counts it as
	// running, and it is never shown.
	notYet := &sailpoint.TaskStatus{ID: taskID}
	get := func(ctx context.Context) (*sailpoint.TaskStatus, error) {
		ts, err := client.GetTaskStatus(ctx, taskID)
		if err != nil && sailpoint.IsNotFound(err) && !graceFrom.IsZero() && time.Since(graceFrom) < notVisibleGrace {
			tflog.Debug(ctx, "The task just started is not readable yet")
			return notYet, nil
		}
		return ts, err
	}
	w := sailpoint.Waiter{
		MinInterval: l.pollMin,
		MaxInterval: l.pollInterval,
		// The source's earlier runs of the task's kind time the polls.
		History:   client.RunHistory(l.sourceID),
		OnHistory: logHistory,
		OnPoll: func(ctx context.Context, poll int, ts *sailpoint.TaskStatus, next time.Duration) {
			if ts != notYet {
				out.task = ts
			}
			rep.progress.running(ctx, ts, poll, next)
		},
		OnError: logTransientReadError,
	}
	ts, err := w.Wait(ctx, taskID, get)
	var waitErr *sailpoint.WaitError
	if errors.As(err, &waitErr) {
		if waitErr.Last == notYet {
			waitErr.Last = nil
		}
		out.interrupted = errors.Is(waitErr.Err, context.Canceled)
		out.timedOut = !out.interrupted
	}
	if err != nil {
		return ts, diag.Diagnostics{taskWaitDiagnostic(err, l, rep, taskID, time.Since(began))}
	}
	return ts, nil
}
