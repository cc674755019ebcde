package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Waiting for a task, the same in every form: the waiter the gate
// arguments make (its schedule is the client's, sailpoint.Waiter), and
// what a wait logs. How a wait that ran out of time or was stopped is
// explained is launch_diagnostics.go's.

// waiter polls within the gate's bounds, timed from what the task shows
// and the earlier runs history reads (nil: none), and logs each poll at
// Info, so TF_LOG=info shows a long wait moving, and each transient
// failure at Warn.
func waiter(g gateArgs, history func(context.Context, *sailpoint.TaskStatus) ([]time.Duration, error)) sailpoint.Waiter {
	return sailpoint.Waiter{MinInterval: goDuration(g.MinPollInterval), MaxInterval: goDuration(g.PollInterval),
		History: history, OnHistory: logHistory, OnPoll: logPoll, OnError: logTransientReadError}
}

// logHistory reports at Debug what the read of earlier runs found, or why
// it failed: the wait goes on either way, timed without them.
func logHistory(ctx context.Context, runs []time.Duration, err error) {
	if err != nil {
		tflog.Debug(ctx, "Could not read how long earlier runs of this task took; polling without them", map[string]any{"error": err.Error()})
		return
	}
	if len(runs) == 0 {
		tflog.Debug(ctx, "Found no earlier runs of this task to time the polls by", map[string]any{"earlier_runs": 0})
		return
	}
	took := make([]string, len(runs))
	for i, d := range runs {
		took[i] = d.Round(time.Second).String()
	}
	tflog.Debug(ctx, "Earlier runs of this task took "+strings.Join(took, ", "), map[string]any{"earlier_runs": len(runs)})
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
