package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Gating: what a read says when a task did not finish, or did not finish
// the way the configuration expects.

// expectationDiagnostic is nil when the task finished with one of the
// expected statuses, and otherwise says why not in the task's own words.
func expectationDiagnostic(id string, ts *sailpoint.TaskStatus, expected []string) diag.Diagnostic {
	want := strings.Join(upper(expected), ", ")
	name := describeTask(id, ts)
	if !ts.IsFinished() {
		return diag.NewErrorDiagnostic(fmt.Sprintf("Task %q has not finished", id), fmt.Sprintf(
			"%s has not finished (completion_status %s, completed %s; %s), so it cannot have finished with %s.\n\n"+
				"Set wait_for_completion = true on the data source to wait for it to finish before checking expected_completion_statuses.",
			name, orNull(ts.CompletionStatus), orNull(ts.Completed), progressText(ts), want))
	}
	status := *ts.CompletionStatus
	if sailpoint.StatusIn(status, expected) {
		return nil
	}
	status = sailpoint.CleanText(status)
	detail := fmt.Sprintf("%s finished with completion_status %s at %s, not %s.", name, status, sailpoint.CleanText(*ts.Completed), oneOf(expected, want))
	if msgs := problemMessages(ts); len(msgs) > 0 {
		detail += "\n\nThe task's messages:\n" + strings.Join(msgs, "\n")
	} else {
		detail += "\n\nThe task left no ERROR or WARN messages; look it up in ISC by its id."
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Task %q finished with status %s", id, status), detail)
}

// waitDiagnostic explains a wait that ran out of time or was cancelled.
func waitDiagnostic(e *sailpoint.WaitError, timeout time.Duration) diag.Diagnostic {
	last := lastReadText(e)
	if errors.Is(e.Err, context.Canceled) {
		return diag.NewErrorDiagnostic(fmt.Sprintf("Stopped waiting for task %q", e.TaskID), fmt.Sprintf(
			"The wait was cancelled after %s and %d reads. %s", e.Waited.Round(time.Second), e.Polls, last))
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Timed out waiting for task %q", e.TaskID), fmt.Sprintf(
		"Waited %s (timeouts.read is %s) over %d reads, and the task has not finished. %s\n\n"+
			"Raise timeouts.read if the task is just slow, or check the task in ISC if it is stuck.",
		e.Waited.Round(time.Second), timeout, e.Polls, last))
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

func describeTask(id string, ts *sailpoint.TaskStatus) string {
	s := fmt.Sprintf("Task %q", id)
	var about []string
	if name := sailpoint.CleanText(ptrString(ts.UniqueName)); name != "" {
		about = append(about, name)
	}
	if ts.Target != nil {
		if target := sailpoint.CleanText(ptrString(ts.Target.Name)); target != "" {
			about = append(about, "target "+target)
		}
	}
	if len(about) > 0 {
		s += " (" + strings.Join(about, ", ") + ")"
	}
	return s
}

// problemMessages quotes the task's ERROR and WARN messages.
func problemMessages(ts *sailpoint.TaskStatus) []string {
	var out []string
	for _, m := range ts.Messages {
		typ := ptrString(m.Type)
		if !strings.EqualFold(typ, "ERROR") && !strings.EqualFold(typ, "WARN") {
			continue
		}
		// The tenant's text goes to a terminal: no escape sequences.
		text := ""
		if m.LocalizedText != nil {
			text = sailpoint.CleanText(ptrString(m.LocalizedText.Message))
		}
		if text == "" {
			text = "(no text; key " + sailpoint.CleanText(ptrOr(m.Key, "none")) + ")"
		}
		out = append(out, fmt.Sprintf("  %s: %s", sailpoint.CleanText(typ), text))
	}
	return out
}

func progressText(ts *sailpoint.TaskStatus) string {
	return fmt.Sprintf("progress %s, percent_complete %s", orNull(ts.Progress), percentCompleteOr(ts, "null"))
}

func oneOf(expected []string, joined string) string {
	if len(expected) == 1 {
		return joined
	}
	return "one of " + joined
}

func upper(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToUpper(s)
	}
	return out
}
