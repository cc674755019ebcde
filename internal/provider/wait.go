package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Waiting for a task, the same in every form: the waiter the gate
// arguments make, and what a wait logs. How a wait that ran out of time or
// was stopped is explained is launch_diagnostics.go's.

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
