package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Waiting for a source before a launch on it: within one configuration,
// one launch at a time has the source (sourceTurns); in the tenant, no
// task of the source may still run (waitForIdleSource), and tasks stuck
// for longer than clear_pending_tasks_older_than are cleared on the way
// (clearStale). A launch not waited for keeps the source until the tenant
// lists it (awaitListed), so the next launch's check sees it.

// sourceTurns let one launch at a time work on a source, within one
// provider configuration: the next launch's idle check and POST wait until
// the previous launch's task has finished (or, when it is not waited for,
// until the tenant lists it as running, so the next idle check sees it).
// Checks made at the same moment would all see an idle source; this is
// what keeps two tasks of one source apart. Different sources go in
// parallel. The zero value is ready to use.
type sourceTurns struct {
	mu    sync.Mutex
	turns map[string]*sourceTurn
}

// sourceTurn is one source's turn: its channel holds a token while a
// launch has the source, and blocked senders are served in arrival order.
type sourceTurn struct {
	token  chan struct{}
	holder string // what has the source, for messages; guarded by sourceTurns.mu
}

// heldTurn is a launch's turn on a source.
type heldTurn struct {
	turns *sourceTurns
	turn  *sourceTurn
}

func (s *sourceTurns) of(sourceID string) *sourceTurn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.turns == nil {
		s.turns = map[string]*sourceTurn{}
	}
	t, ok := s.turns[sourceID]
	if !ok {
		t = &sourceTurn{token: make(chan struct{}, 1)}
		s.turns[sourceID] = t
	}
	return t
}

// take waits for the source's turn: who names the launch waiting. onWait
// hears what holds the source when the launch has to wait.
func (s *sourceTurns) take(ctx context.Context, sourceID, who string, onWait func(holder string)) (*heldTurn, error) {
	t := s.of(sourceID)
	select {
	case t.token <- struct{}{}:
	default:
		if onWait != nil {
			onWait(s.holder(t))
		}
		select {
		case t.token <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	h := &heldTurn{turns: s, turn: t}
	h.holding(who)
	return h, nil
}

func (s *sourceTurns) holder(t *sourceTurn) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return t.holder
}

// holding says what holds the turn now, such as the task once started.
func (h *heldTurn) holding(what string) {
	if h == nil {
		return
	}
	h.turns.mu.Lock()
	defer h.turns.mu.Unlock()
	h.turn.holder = what
}

// release passes the source to the next launch; nil is a no-op.
func (h *heldTurn) release() {
	if h == nil {
		return
	}
	h.holding("")
	<-h.turn.token
}

// takeSourceTurn waits for the source's turn, telling the launch's
// progress what it waits for; a launch that is stopped or times out
// meanwhile started nothing.
func takeSourceTurn(ctx context.Context, turns *sourceTurns, l launch, rep report, began time.Time) (*heldTurn, diag.Diagnostic) {
	var waitedFor string
	turn, err := turns.take(ctx, l.turnKey(), l.describe, func(holder string) {
		waitedFor = holder
		tflog.Info(ctx, "Waiting for another launch of this configuration on the same "+l.turnWhat(), map[string]any{"turn": l.turnKey(), "holder": holder})
		rep.progress.waitingForLaunch(ctx, holder)
	})
	if err != nil {
		return nil, sourceTurnDiagnostic(err, l, rep, waitedFor, time.Since(began))
	}
	return turn, nil
}

// waitForIdleSource waits until no task of the source is still running,
// with the same waiter as the task itself, clearing stuck ones when asked.
func waitForIdleSource(ctx context.Context, client *sailpoint.Client, l launch, rep report, began time.Time, out *launchOutcome) diag.Diagnostic {
	w := sailpoint.Waiter{MinInterval: l.pollMin, MaxInterval: l.pollInterval, OnError: logTransientReadError}
	var stale func(context.Context, []sailpoint.TaskStatus) ([]sailpoint.TaskStatus, error)
	if l.clearOlderThan > 0 {
		stale = func(ctx context.Context, running []sailpoint.TaskStatus) ([]sailpoint.TaskStatus, error) {
			return clearStale(ctx, client, l, rep, running, out)
		}
	}
	if err := client.WaitForIdleSource(ctx, l.sourceID, w, rep.progress.waitingForRunning, stale); err != nil {
		return idleWaitDiagnostic(err, l, rep, client.APIVersion(), time.Since(began), out)
	}
	return nil
}

// awaitListed waits until the tenant lists a task just started as running
// on its source, or the task has finished, so the next launch's idle check
// sees it. It never fails the launch: a failure is logged and the source
// passed on.
func awaitListed(ctx context.Context, client *sailpoint.Client, l launch, taskID string) {
	w := sailpoint.Waiter{MinInterval: l.pollMin, MaxInterval: l.pollInterval, OnError: logTransientReadError}
	if err := client.WaitUntilListed(ctx, l.sourceID, taskID, w); err != nil {
		tflog.Debug(ctx, "Could not see the task just started listed as running; passing the source on", map[string]any{"error": err.Error()})
	}
}

// clearedTask is a stuck task of a source cleared before a launch.
type clearedTask struct {
	id, name string
	age      time.Duration
}

// taskAge is how long ago a task was launched (created, when it has not
// been launched); false when the tenant gave neither time.
func taskAge(ts *sailpoint.TaskStatus, now time.Time) (time.Duration, bool) {
	at, ok := ts.LaunchedAt()
	return now.Sub(at), ok
}

// clearStale clears each running task of the source launched longer ago
// than l.clearOlderThan, and returns the ones still running. A task that
// cannot be cleared ends the wait: nothing is started.
func clearStale(ctx context.Context, client *sailpoint.Client, l launch, rep report, running []sailpoint.TaskStatus, out *launchOutcome) ([]sailpoint.TaskStatus, error) {
	now := time.Now()
	var still []sailpoint.TaskStatus
	for i := range running {
		ts := &running[i]
		age, known := taskAge(ts, now)
		if !known || age <= l.clearOlderThan || containsFold(out.taskIDs, ts.ID) || containsFold(out.notCleared, ts.ID) {
			still = append(still, *ts)
			continue
		}
		// Read it first: the tenant's history is not the provider's to
		// change, so a task its own answer shows finished is left alone.
		current, err := client.GetTaskStatus(ctx, ts.ID)
		switch {
		case sailpoint.IsNotFound(err):
			continue // gone: nothing runs
		case err != nil:
			return nil, err
		case current.IsFinished():
			tflog.Debug(ctx, "A task listed as running shows itself finished; it is left alone", map[string]any{"running_task_id": ts.ID})
			continue
		}
		cleared, err := client.ClearTask(ctx, ts.ID, sailpoint.CompletionStatusError, now)
		if err != nil {
			return nil, &sailpoint.StaleTaskError{TaskID: ts.ID, Err: err}
		}
		if !cleared.IsFinished() {
			// Answered 200 but not cleared: the wait goes on for it, as for
			// any running task, and it is not sent again.
			out.notCleared = append(out.notCleared, ts.ID)
			tflog.Warn(ctx, "The tenant accepted the clear of a pending task, but its answer shows it still running; waiting for it instead",
				map[string]any{"running_task_id": ts.ID, "completion_status": ptrString(cleared.CompletionStatus), "completed": ptrString(cleared.Completed)})
			still = append(still, *current)
			continue
		}
		c := clearedTask{id: ts.ID, name: sailpoint.CleanText(ptrOr(ts.UniqueName, "no name")), age: age}
		out.cleared = append(out.cleared, c)
		tflog.Warn(ctx, "Cleared a pending task of the source", map[string]any{"cleared_task_id": c.id, "age": c.age.Round(time.Minute).String()})
		rep.progress.cleared(ctx, ts, age)
	}
	return still, nil
}

func containsFold(ids []string, id string) bool {
	for _, x := range ids {
		if strings.EqualFold(x, id) {
			return true
		}
	}
	return false
}

// roughDuration writes an age as people read it: 2d3h, 5h10m, 12m.
func roughDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", d/time.Hour, d%time.Hour/time.Minute)
	}
	return d.Round(time.Second).String()
}
