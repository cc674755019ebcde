package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Starting a task and gating on it, the one code path behind the launch
// resources and actions: they differ only in how Terraform calls them, in
// how they report progress, and in what a stopped wait means (a resource
// resumes it at the next apply; an action has nothing to resume).

// notVisibleGrace is how long a task the tenant just started may answer
// 404 before the wait gives up on it: the spec does not promise that every
// launch's id is readable at once (identity processing calls it a job id).
const notVisibleGrace = 2 * time.Minute

// launchRequest says what to start and how to gate on it.
type launchRequest struct {
	// operation names the launch for people: "account aggregation of source \"2c91...\"".
	operation string
	// kind is the client's name of the operation, such as
	// sailpoint.OperationAccountAggregation: what it needs comes from it.
	kind string
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
}

// launchOutcome is what happened: launch is nil when nothing was started;
// task is the last status read, nil when none was.
type launchOutcome struct {
	launch *sailpoint.Launch
	task   *sailpoint.TaskStatus
	// taskIDs are every task started, oldest first; launch is the last.
	taskIDs []string
	// cleared are the source's stuck tasks cleared before starting.
	cleared []clearedTask
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
func runLaunch(ctx context.Context, data *providerData, req launchRequest) (launchOutcome, diag.Diagnostics) {
	var out launchOutcome
	var diags diag.Diagnostics
	started := time.Now()
	client := data.client

	var turn *heldTurn
	if req.sourceID != "" {
		var d diag.Diagnostic
		if turn, d = takeSourceTurn(ctx, &data.sources, req, started); d != nil {
			return out, append(diags, d)
		}
		defer turn.release()
	}
	var ended []*sailpoint.TaskStatus // earlier attempts, restarted
	for attempt := 1; ; attempt++ {
		if req.sourceID != "" && req.waitForRunning {
			if d := waitForIdleSource(ctx, client, req, started, &out); d != nil {
				return out, append(diags, d)
			}
		}
		launch, err := req.start(ctx, client)
		if err != nil {
			return out, append(diags, withEarlier(launchErrorDiagnostic(err, req, client.APIVersion()), ended))
		}
		out.launch, out.task = launch, nil
		out.taskIDs = append(out.taskIDs, launch.TaskID)
		turn.holding(fmt.Sprintf("%s (task %s)", req.operation, launch.TaskID))
		ctx := tflog.SetField(ctx, "task_id", launch.TaskID)
		tflog.Info(ctx, "Started SailPoint task", map[string]any{"operation": req.operation, "request": launch.Method + " " + launch.Path, "attempt": attempt})
		req.progress.started(ctx, launch)

		ts, d := awaitTask(ctx, client, req, launch.TaskID, time.Now(), started, &out)
		diags.Append(d...)
		if ts == nil || !ts.IsFinished() {
			if turn != nil && !req.wait && ctx.Err() == nil {
				// Not waited for: keep the source until the tenant shows the
				// task, or the next launch's idle check could miss it.
				awaitListed(ctx, client, req, launch.TaskID)
			}
			return out, diags
		}
		req.progress.finished(ctx, ts)
		if attempt > req.retryAttempts || !sailpoint.StatusIn(ptrString(ts.CompletionStatus), req.retryOn) {
			if len(req.expected) > 0 {
				if d := expectationDiagnostic(launch.TaskID, ts, req.expected); d != nil {
					diags.Append(withEarlier(d, ended))
				}
			}
			return out, diags
		}
		ended = append(ended, ts)
		req.progress.retrying(ctx, ts, attempt+1, req.retryAttempts+1, req.retryDelay)
		if err := sailpoint.Pause(ctx, req.retryDelay); err != nil {
			out.interrupted = errors.Is(err, context.Canceled)
			out.timedOut = !out.interrupted
			return out, append(diags, retryStoppedDiagnostic(err, req, ts, attempt+1))
		}
	}
}

// withEarlier adds to what ended the last attempt the tasks restarted
// before it.
func withEarlier(d diag.Diagnostic, ended []*sailpoint.TaskStatus) diag.Diagnostic {
	if len(ended) == 0 {
		return d
	}
	earlier := make([]string, len(ended))
	for i, ts := range ended {
		earlier[i] = fmt.Sprintf("%s (%s)", ts.ID, sailpoint.CleanText(ptrOr(ts.CompletionStatus, "no status")))
	}
	detail := d.Detail() + fmt.Sprintf("\n\nEarlier attempts, each restarted for its status (retry_on_statuses): %s.", strings.Join(earlier, ", "))
	if d.Severity() == diag.SeverityError {
		return diag.NewErrorDiagnostic(d.Summary(), detail)
	}
	return diag.NewWarningDiagnostic(d.Summary(), detail)
}

// retryStoppedDiagnostic explains a pause before the next attempt that
// ran out of time or was stopped.
func retryStoppedDiagnostic(err error, req launchRequest, last *sailpoint.TaskStatus, attempt int) diag.Diagnostic {
	status := sailpoint.CleanText(ptrOr(last.CompletionStatus, "no status"))
	if errors.Is(err, context.Canceled) && req.resumable {
		return diag.NewWarningDiagnostic(fmt.Sprintf("Stopped before restarting task %q", last.ID), fmt.Sprintf(
			"Task %q of the %s ended with %s, and Terraform was interrupted before attempt %d started. The resource keeps "+
				"that task; the next apply checks it against expected_completion_statuses (and starts a new task after a failed gate).",
			last.ID, req.operation, status, attempt))
	}
	verb := "Timed out"
	if errors.Is(err, context.Canceled) {
		verb = "Stopped"
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s before restarting task %q", verb, last.ID), fmt.Sprintf(
		"Task %q of the %s ended with %s, and %s ran out (or the run was stopped) during the %s pause before attempt %d. "+
			"Nothing more was started. Raise %s, or lower retry_delay.",
		last.ID, req.operation, status, req.timeoutName, shortDuration(req.retryDelay), attempt, req.timeoutName))
}

// resumeLaunch waits for and gates a task started earlier (by an apply
// that was interrupted, or adopted by import), starting nothing. The task
// takes its source's turn like a new launch. graceFrom starts the time a
// task that has never been read may answer 404; zero means none.
func resumeLaunch(ctx context.Context, data *providerData, req launchRequest, taskID string, graceFrom time.Time) (launchOutcome, diag.Diagnostics) {
	var out launchOutcome
	started := time.Now()
	if req.sourceID != "" {
		turn, d := takeSourceTurn(ctx, &data.sources, req, started)
		if d != nil {
			return out, diag.Diagnostics{d}
		}
		defer turn.release()
		turn.holding(fmt.Sprintf("%s (task %s)", req.operation, taskID))
	}
	ctx = tflog.SetField(ctx, "task_id", taskID)
	tflog.Info(ctx, "Resuming the wait for a SailPoint task started earlier", map[string]any{"operation": req.operation})
	return out, awaitAndGate(ctx, data.client, req, taskID, graceFrom, started, &out)
}

// awaitAndGate waits for the task (or reads it once, without
// wait_for_completion) and checks how it ended, keeping the last status
// read in out.
func awaitAndGate(ctx context.Context, client *sailpoint.Client, req launchRequest, taskID string, graceFrom, started time.Time, out *launchOutcome) diag.Diagnostics {
	ts, diags := awaitTask(ctx, client, req, taskID, graceFrom, started, out)
	if ts == nil || !ts.IsFinished() {
		return diags // read once, still running: nothing to check yet
	}
	req.progress.finished(ctx, ts)
	if len(req.expected) > 0 {
		if d := expectationDiagnostic(taskID, ts, req.expected); d != nil {
			diags.Append(d)
		}
	}
	return diags
}

// awaitTask waits for the task, or reads it once without
// wait_for_completion, keeping the last status read in out.
func awaitTask(ctx context.Context, client *sailpoint.Client, req launchRequest, taskID string, graceFrom, started time.Time, out *launchOutcome) (*sailpoint.TaskStatus, diag.Diagnostics) {
	var ts *sailpoint.TaskStatus
	var diags diag.Diagnostics
	if req.wait {
		ts, diags = waitForTask(ctx, client, req, taskID, graceFrom, started, out)
	} else {
		ts, diags = readTask(ctx, client, req, taskID)
	}
	if ts != nil {
		out.task = ts
	}
	return ts, diags
}

// readTask reads a started task once (wait_for_completion = false). A
// failed read is a warning: the task was started, and failing now would
// start it again on the next apply.
func readTask(ctx context.Context, client *sailpoint.Client, req launchRequest, taskID string) (*sailpoint.TaskStatus, diag.Diagnostics) {
	var diags diag.Diagnostics
	ts, err := client.GetTaskStatus(ctx, taskID)
	if err != nil {
		summary, detail := explain(err, fmt.Sprintf("task %q", taskID))
		diags.AddWarning("Started task "+taskID+", but could not read it", fmt.Sprintf(
			"The %s started task %q (wait_for_completion is false). Reading it once afterwards failed; %s.\n\n%s: %s",
			req.operation, taskID, req.taskKept, summary, detail))
		return nil, diags
	}
	return ts, diags
}

// waitForTask waits until a started task has finished, keeping the last
// status read in out as it goes. A task that answers 404 within
// notVisibleGrace of graceFrom counts as running.
func waitForTask(ctx context.Context, client *sailpoint.Client, req launchRequest, taskID string, graceFrom, started time.Time, out *launchOutcome) (*sailpoint.TaskStatus, diag.Diagnostics) {
	var diags diag.Diagnostics
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
		MaxInterval: req.pollInterval,
		OnPoll: func(ctx context.Context, poll int, ts *sailpoint.TaskStatus, next time.Duration) {
			if ts != notYet {
				out.task = ts
			}
			req.progress.running(ctx, ts, poll, next)
		},
		OnError: logTransientReadError,
	}
	ts, err := w.Wait(ctx, taskID, get)
	var waitErr *sailpoint.WaitError
	switch {
	case errors.As(err, &waitErr):
		if waitErr.Last == notYet {
			waitErr.Last = nil
		}
		out.interrupted = errors.Is(waitErr.Err, context.Canceled)
		out.timedOut = !out.interrupted
		diags.Append(waitDiagnostic(waitErr, waitContext{operation: req.operation, timeoutName: req.timeoutName,
			timeout: req.timeout, elapsed: time.Since(started), taskKept: req.taskKept, resumes: req.resumable, afterTimeout: req.afterTimeout}))
	case err != nil:
		summary, detail := explain(err, fmt.Sprintf("task %q", taskID))
		diags.AddError(summary, fmt.Sprintf("The %s started task %q, but waiting for it failed.\n\n%s\n\n"+
			"The task may still be running in the tenant; %s.", req.operation, taskID, detail, req.taskKept))
	}
	return ts, diags
}

// awaitListed waits until the tenant lists a task just started as running
// on its source, or the task has finished, so the next launch's idle check
// sees it. It never fails the launch: a failure is logged and the source
// passed on.
func awaitListed(ctx context.Context, client *sailpoint.Client, req launchRequest, taskID string) {
	w := sailpoint.Waiter{MaxInterval: req.pollInterval, OnError: logTransientReadError}
	if err := client.WaitUntilListed(ctx, req.sourceID, taskID, w); err != nil {
		tflog.Debug(ctx, "Could not see the task just started listed as running; passing the source on", map[string]any{"error": err.Error()})
	}
}

// waitForIdleSource waits until no task of the source is still running,
// with the same waiter as the task itself.
func waitForIdleSource(ctx context.Context, client *sailpoint.Client, req launchRequest, started time.Time, out *launchOutcome) diag.Diagnostic {
	w := sailpoint.Waiter{MaxInterval: req.pollInterval, OnError: logTransientReadError}
	var stale func(context.Context, []sailpoint.TaskStatus) ([]sailpoint.TaskStatus, error)
	if req.clearOlderThan > 0 {
		stale = func(ctx context.Context, running []sailpoint.TaskStatus) ([]sailpoint.TaskStatus, error) {
			return clearStale(ctx, client, req, running, out)
		}
	}
	err := client.WaitForIdleSource(ctx, req.sourceID, w, req.progress.waitingForRunning, stale)
	var idleErr *sailpoint.IdleWaitError
	var staleErr *sailpoint.StaleTaskError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &staleErr):
		return clearFailedDiagnostic(staleErr, req, client.APIVersion())
	case !errors.As(err, &idleErr):
		summary, detail := explain(err, fmt.Sprintf("the running tasks of source %q", req.sourceID))
		detail += "\n\nBefore starting the " + req.operation + ", the provider reads which tasks of the source are still running. Nothing was started."
		if hasStatus(err, http.StatusForbidden) {
			// The launch itself may be allowed where the task list is not.
			detail += " Give the credentials what reading task statuses needs, or set wait_for_running_tasks = false to start without this check."
		}
		return diag.NewErrorDiagnostic(summary, detail)
	}
	verb := "Timed out"
	if errors.Is(err, context.Canceled) {
		verb = "Stopped"
	}
	waited := time.Since(started).Round(time.Second)
	var found, advice string
	switch {
	case len(idleErr.Running) > 0:
		tasks := make([]string, len(idleErr.Running))
		for i, t := range idleErr.Running {
			tasks[i] = fmt.Sprintf("%s (%s, launched %s)", t.ID, sailpoint.CleanText(ptrOr(t.UniqueName, "no name")), sailpoint.CleanText(ptrOr(t.Launched, ptrOr(t.Created, "not yet"))))
		}
		found = fmt.Sprintf("After %s these were still running: %s.", waited, strings.Join(tasks, "; "))
		advice = fmt.Sprintf(" Wait for them to finish (or stop them in ISC), or raise %s.", req.timeoutName)
	case idleErr.LastErr != nil:
		summary, detail := explain(idleErr.LastErr, fmt.Sprintf("the running tasks of source %q", req.sourceID))
		found = fmt.Sprintf("After %s the provider still could not read which tasks of the source are running. The last read failed: %s: %s", waited, summary, detail)
	default:
		found = fmt.Sprintf("It was stopped after %s, before it could read which tasks of the source are running.", waited)
	}
	if idleErr.LastErr != nil && len(idleErr.Running) > 0 {
		summary, detail := explain(idleErr.LastErr, fmt.Sprintf("the running tasks of source %q", req.sourceID))
		found += fmt.Sprintf(" The last read failed: %s: %s", summary, detail)
	}
	if verb == "Stopped" {
		advice = ""
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s waiting for source %q to be idle", verb, req.sourceID), fmt.Sprintf(
		"Before starting the %s, the provider waits until no task of the source is still running. %s\n\nNothing was started.%s",
		req.operation, found, advice))
}

// launchErrorDiagnostic explains a launch the tenant refused or that
// failed on the way, in the words of that operation; nothing was started
// unless the text says it may have been.
func launchErrorDiagnostic(err error, req launchRequest, version string) diag.Diagnostic {
	var apiErr *sailpoint.APIError
	var summary, detail string
	if errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusTooManyRequests && apiErr.RetryAfterRefused == nil {
		summary, detail = explainRefusedLaunch(apiErr, req, version)
	} else {
		summary, detail = explain(err, "the "+req.operation)
		summary = "Could not start the " + req.operation + ": " + summary
	}
	if sailpoint.MayHaveStarted(err) {
		detail += "\n\nThe request may have reached the tenant, so it was not sent again (a second launch would start a second task). " +
			"Check in ISC whether the task started before you apply again."
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// explainRefusedLaunch words a 4xx to a launch: the operation, the
// request, the tenant's words, and what this operation needs.
func explainRefusedLaunch(e *sailpoint.APIError, req launchRequest, version string) (string, string) {
	exchange := fmt.Sprintf("%s %s answered HTTP %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	detail := fmt.Sprintf("Starting the %s: %s.%s\n\nNothing was started.", req.operation, exchange, tenantSaid(e))
	needs := ""
	if n := needsText(sailpoint.Needs(req.kind, version)); n != "" {
		needs = " Starting it needs " + n + "."
	}
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return "Could not start the " + req.operation + ": SailPoint refused the credentials", detail +
			" The access token was refused, and a fresh one did not help: check that the client id and secret (or the access token) are current and belong to the tenant in base_url." + needs
	case http.StatusForbidden:
		return "Could not start the " + req.operation + ": not allowed", detail + " The credentials are not allowed to start it." + needs
	case http.StatusNotFound:
		return "Could not start the " + req.operation + ": not found", detail +
			" The tenant found no such target: check the ids in the configuration, and that base_url and api_version are the tenant's and offer this operation."
	}
	return "Could not start the " + req.operation + ": SailPoint refused the request", detail +
		" Check the arguments against what the tenant said."
}

// logProgress reports a launch through the provider's log (TF_LOG=info
// shows a long wait moving): what a resource does.
type logProgress struct{}

func (logProgress) waitingForLaunch(context.Context, string) {} // takeSourceTurn logs it

func (logProgress) waitingForRunning(ctx context.Context, tasks []sailpoint.TaskStatus) {
	tflog.Info(ctx, fmt.Sprintf("Waiting for %d running task(s) of the source to finish before starting", len(tasks)), map[string]any{"running_task_id": tasks[0].ID})
}

func (logProgress) cleared(context.Context, *sailpoint.TaskStatus, time.Duration) {} // a warning names it

func (logProgress) retrying(ctx context.Context, ts *sailpoint.TaskStatus, attempt, attempts int, delay time.Duration) {
	tflog.Info(ctx, fmt.Sprintf("Task %s ended with %s: starting attempt %d of %d in %s", ts.ID, ptrString(ts.CompletionStatus), attempt, attempts, delay))
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

// needsText says what the spec asks of the credentials for an operation.
func needsText(n sailpoint.OperationNeeds) string {
	var b strings.Builder
	if n.UserTokenOnly {
		b.WriteString("a personal access token (a user token: the API documents this operation for user tokens only, not for an API client's credentials)")
	} else {
		b.WriteString("an API client or a personal access token")
	}
	switch len(n.Scopes) {
	case 0:
	case 1:
		b.WriteString(" with the scope " + n.Scopes[0])
	default:
		b.WriteString(" with the scopes " + strings.Join(n.Scopes, " and ") + ", all of them")
	}
	switch {
	case len(n.UserLevels) == 1 && n.UserTokenOnly:
		b.WriteString(", of a user with the user level " + n.UserLevels[0])
	case len(n.UserLevels) > 0 && n.UserTokenOnly:
		b.WriteString(", of a user with one of the user levels " + orList(n.UserLevels))
	case len(n.UserLevels) > 0:
		b.WriteString("; a personal access token's user needs one of the user levels " + orList(n.UserLevels))
	}
	if len(n.Scopes) == 0 && len(n.UserLevels) == 0 && !n.UserTokenOnly {
		return ""
	}
	return b.String()
}

// orList writes a, b or c.
func orList(ss []string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " or " + ss[len(ss)-1]
}

func hasStatus(err error, status int) bool {
	var apiErr *sailpoint.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}
