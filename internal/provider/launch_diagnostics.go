package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// What a launch or a wait says when it does not end well, in every form:
// a refused launch, a wait that ran out of time or was stopped, a source
// that stayed busy, a stuck task that could not be cleared. How a client
// error itself is worded is diagnostics.go's.

// stoppedOrTimedOut is the one rule for how a wait ended early: "Stopped"
// when Terraform cancelled it (Ctrl-C), "Timed out" when its own time ran
// out.
func stoppedOrTimedOut(err error) string {
	if errors.Is(err, context.Canceled) {
		return "Stopped"
	}
	return "Timed out"
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

// waitDiagnostic explains a wait for a task that ran out of time or was
// stopped.
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
	verb := stoppedOrTimedOut(e.Err)
	switch {
	case verb == "Stopped" && w.resumes:
		return diag.NewWarningDiagnostic(fmt.Sprintf("Stopped waiting for task %q: the next apply resumes the wait", e.TaskID), fmt.Sprintf(
			"%sTerraform was interrupted, and the wait was stopped after %s and %d reads, before the task finished. %s\n\n"+
				"The task goes on in the tenant. The resource keeps it in state, not tainted: the next apply starts no new task, "+
				"waits for this one and checks expected_completion_statuses then.", started, e.Waited.Round(time.Second), e.Polls, last))
	case verb == "Stopped":
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
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s reading %s", stoppedOrTimedOut(err), what), fmt.Sprintf(
		"The read did not finish within timeouts.read (%s): %s. Raise timeouts.read, or check the tenant's status.", shortDuration(readTimeout), err))
}

// taskWaitDiagnostic explains a wait for a started task that did not see
// it finish: out of time or stopped, or ended by a permanent error.
func taskWaitDiagnostic(err error, l launch, rep report, taskID string, elapsed time.Duration) diag.Diagnostic {
	var waitErr *sailpoint.WaitError
	if errors.As(err, &waitErr) {
		return waitDiagnostic(waitErr, waitContext{operation: l.describe, timeoutName: rep.timeoutName,
			timeout: rep.timeout, elapsed: elapsed, taskKept: rep.taskKept, resumes: rep.resumable, afterTimeout: rep.afterTimeout})
	}
	summary, detail := explain(err, fmt.Sprintf("task %q", taskID))
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf("The %s started task %q, but waiting for it failed.\n\n%s\n\n"+
		"The task may still be running in the tenant; %s.", l.describe, taskID, detail, rep.taskKept))
}

// readStartedTaskDiagnostic warns that a started task could not be read
// once (wait_for_completion = false): a warning, since failing would start
// it again on the next apply.
func readStartedTaskDiagnostic(err error, l launch, rep report, taskID string) diag.Diagnostic {
	summary, detail := explain(err, fmt.Sprintf("task %q", taskID))
	return diag.NewWarningDiagnostic("Started task "+taskID+", but could not read it", fmt.Sprintf(
		"The %s started task %q (wait_for_completion is false). Reading it once afterwards failed; %s.\n\n%s: %s",
		l.describe, taskID, rep.taskKept, summary, detail))
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
func retryStoppedDiagnostic(err error, l launch, rep report, last *sailpoint.TaskStatus, attempt int) diag.Diagnostic {
	status := sailpoint.CleanText(ptrOr(last.CompletionStatus, "no status"))
	verb := stoppedOrTimedOut(err)
	if verb == "Stopped" && rep.resumable {
		return diag.NewWarningDiagnostic(fmt.Sprintf("Stopped before restarting task %q", last.ID), fmt.Sprintf(
			"Task %q of the %s ended with %s, and Terraform was interrupted before attempt %d started. The resource keeps "+
				"that task; the next apply checks it against expected_completion_statuses (and starts a new task after a failed gate).",
			last.ID, l.describe, status, attempt))
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s before restarting task %q", verb, last.ID), fmt.Sprintf(
		"Task %q of the %s ended with %s, and %s ran out (or the run was stopped) during the %s pause before attempt %d. "+
			"Nothing more was started. Raise %s, or lower retry_delay.",
		last.ID, l.describe, status, rep.timeoutName, shortDuration(l.retryDelay), attempt, rep.timeoutName))
}

// sourceTurnDiagnostic explains a launch that was stopped or timed out
// while another launch of this configuration had its source; it started
// nothing.
func sourceTurnDiagnostic(err error, l launch, rep report, waitedFor string, elapsed time.Duration) diag.Diagnostic {
	what := fmt.Sprintf("source %q", l.sourceID)
	rule := "Tasks of one source run one at a time"
	if l.sourceID == "" {
		what, rule = l.turnWhat(), "The "+l.turnWhat()+" of one configuration run one at a time"
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s waiting for %s", stoppedOrTimedOut(err), what), fmt.Sprintf(
		"%s: before starting the %s, the provider waits for the %s of this configuration "+
			"to finish. After %s it had not (%s is %s).\n\nNothing was started. Raise %s, or order the resources with depends_on "+
			"so that the longer one is not waited for first.",
		rule, l.describe, orUnknown(waitedFor), elapsed.Round(time.Second), rep.timeoutName, shortDuration(rep.timeout), rep.timeoutName))
}

// nothingStarted says what the launch did not start: nothing at all, or,
// after earlier attempts (retry_on_statuses), no further task.
func nothingStarted(out *launchOutcome) string {
	if out == nil || len(out.taskIDs) == 0 {
		return "Nothing was started."
	}
	return fmt.Sprintf("No further task was started; this launch started %s earlier.", strings.Join(out.taskIDs, ", "))
}

// idleWaitDiagnostic explains a wait for an idle source that failed, ran
// out of time or was stopped; no task was started by it.
func idleWaitDiagnostic(err error, l launch, rep report, version string, elapsed time.Duration, out *launchOutcome) diag.Diagnostic {
	var idleErr *sailpoint.IdleWaitError
	var staleErr *sailpoint.StaleTaskError
	running := fmt.Sprintf("the running tasks of source %q", l.sourceID)
	switch {
	case errors.As(err, &staleErr):
		return clearFailedDiagnostic(staleErr, l, version, out)
	case !errors.As(err, &idleErr):
		summary, detail := explain(err, running)
		detail += "\n\nBefore starting the " + l.describe + ", the provider reads which tasks of the source are still running. " + nothingStarted(out)
		if sailpoint.HasStatus(err, http.StatusForbidden) {
			// The launch itself may be allowed where the task list is not.
			detail += " Give the credentials what reading task statuses needs, or set wait_for_running_tasks = false to start without this check."
		}
		return diag.NewErrorDiagnostic(summary, detail)
	}
	verb := stoppedOrTimedOut(err)
	waited := elapsed.Round(time.Second)
	var found, advice string
	switch {
	case len(idleErr.Running) > 0:
		tasks := make([]string, len(idleErr.Running))
		for i, t := range idleErr.Running {
			tasks[i] = fmt.Sprintf("%s (%s, launched %s)", t.ID, sailpoint.CleanText(ptrOr(t.UniqueName, "no name")), sailpoint.CleanText(ptrOr(t.Launched, ptrOr(t.Created, "not yet"))))
		}
		found = fmt.Sprintf("After %s these were still running: %s.", waited, strings.Join(tasks, "; "))
		advice = fmt.Sprintf(" Wait for them to finish (or stop them in ISC), or raise %s.", rep.timeoutName)
	case idleErr.LastErr != nil:
		summary, detail := explain(idleErr.LastErr, running)
		found = fmt.Sprintf("After %s the provider still could not read which tasks of the source are running. The last read failed: %s: %s", waited, summary, detail)
	default:
		found = fmt.Sprintf("It was stopped after %s, before it could read which tasks of the source are running.", waited)
	}
	if idleErr.LastErr != nil && len(idleErr.Running) > 0 {
		summary, detail := explain(idleErr.LastErr, running)
		found += fmt.Sprintf(" The last read failed: %s: %s", summary, detail)
	}
	if out != nil && len(out.notCleared) > 0 {
		found += fmt.Sprintf(" The tenant accepted a clear (PATCH) of %s, but its answer still showed it running, so it was waited for instead.",
			strings.Join(out.notCleared, ", "))
	}
	if verb == "Stopped" {
		advice = ""
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s waiting for source %q to be idle", verb, l.sourceID), fmt.Sprintf(
		"Before starting the %s, the provider waits until no task of the source is still running. %s\n\n%s%s",
		l.describe, found, nothingStarted(out), advice))
}

// launchErrorDiagnostic explains a launch the tenant refused or that
// failed on the way, in the words of that operation; nothing was started
// unless the text says it may have been.
func launchErrorDiagnostic(err error, l launch, version string) diag.Diagnostic {
	var apiErr *sailpoint.APIError
	var summary, detail string
	if errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusTooManyRequests && apiErr.RetryAfterRefused == nil {
		summary, detail = explainRefusedLaunch(apiErr, l, version)
	} else {
		summary, detail = explain(err, "the "+l.describe)
		summary = "Could not start the " + l.describe + ": " + summary
	}
	if sailpoint.MayHaveStarted(err) {
		detail += "\n\nThe request may have reached the tenant, so it was not sent again (a second launch would start a second task). " +
			"Check in ISC whether the task started before you apply again."
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// explainRefusedLaunch words a 4xx to a launch: the operation, the
// request, the tenant's words, and what this operation needs.
func explainRefusedLaunch(e *sailpoint.APIError, l launch, version string) (string, string) {
	exchange := fmt.Sprintf("%s %s answered HTTP %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	detail := fmt.Sprintf("Starting the %s: %s.%s\n\nNothing was started.", l.describe, exchange, tenantSaid(e))
	needs := ""
	if n := needsText(l.op.declared.NeedsOn(version)); n != "" {
		needs = " Starting it needs " + n + "."
	}
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return "Could not start the " + l.describe + ": SailPoint refused the credentials", detail +
			" The access token was refused, and a fresh one did not help: check that the client id and secret (or the access token) are current and belong to the tenant in base_url." + needs
	case http.StatusForbidden:
		return "Could not start the " + l.describe + ": not allowed", detail + " The credentials are not allowed to start it." + needs
	case http.StatusNotFound:
		return "Could not start the " + l.describe + ": not found", detail +
			" The tenant found no such target: check the ids in the configuration, and that base_url and api_version are the tenant's and offer this operation."
	}
	return "Could not start the " + l.describe + ": SailPoint refused the request", detail +
		" Check the arguments against what the tenant said."
}

// clearFailedDiagnostic explains a stuck task that could not be cleared;
// nothing was started.
func clearFailedDiagnostic(e *sailpoint.StaleTaskError, l launch, version string, out *launchOutcome) diag.Diagnostic {
	summary, detail := explainClearError(e.Err, e.TaskID, version)
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf("Task %q of source %q has been running longer than clear_pending_tasks_older_than "+
		"(%s), so the provider tried to clear it before starting the %s. %s\n\n%s",
		e.TaskID, l.sourceID, shortDuration(l.clearOlderThan), l.describe, detail, nothingStarted(out)))
}

// explainClearError words a failed PATCH of a task, with what clearing
// takes for a refusal.
func explainClearError(err error, taskID, version string) (string, string) {
	var apiErr *sailpoint.APIError
	if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusUnauthorized) {
		return fmt.Sprintf("Could not clear task %q: not allowed", taskID), fmt.Sprintf(
			"%s %s answered HTTP %d %s.%s Clearing a task takes %s.", apiErr.Method, apiErr.Path, apiErr.StatusCode,
			http.StatusText(apiErr.StatusCode), tenantSaid(apiErr), needsText(sailpoint.ClearTaskOp.NeedsOn(version)))
	}
	summary, detail := explain(err, fmt.Sprintf("task %q", taskID))
	return fmt.Sprintf("Could not clear task %q: %s", taskID, summary), detail
}

// clearedWarnings name each task a launch cleared.
func clearedWarnings(describe string, cleared []clearedTask) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, c := range cleared {
		diags.AddWarning(fmt.Sprintf("Cleared pending task %q", c.id), fmt.Sprintf(
			"Task %q (%s), launched %s ago, was still running on the source; it was older than clear_pending_tasks_older_than, "+
				"so it was marked finished with ERROR before the %s started.", c.id, c.name, roughDuration(c.age), describe))
	}
	return diags
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

func orUnknown(s string) string {
	if s == "" {
		return "other launch"
	}
	return s
}
