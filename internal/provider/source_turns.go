package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

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

// takeSourceTurn waits for the source of req, telling its progress what it
// waits for; a launch that is stopped or times out meanwhile started nothing.
func takeSourceTurn(ctx context.Context, turns *sourceTurns, req launchRequest, started time.Time) (*heldTurn, diag.Diagnostic) {
	var waitedFor string
	turn, err := turns.take(ctx, req.sourceID, req.operation, func(holder string) {
		waitedFor = holder
		tflog.Info(ctx, "Waiting for another launch of this configuration on the same source", map[string]any{"source_id": req.sourceID, "holder": holder})
		req.progress.waitingForLaunch(ctx, holder)
	})
	if err == nil {
		return turn, nil
	}
	verb := "Timed out"
	if errors.Is(err, context.Canceled) {
		verb = "Stopped"
	}
	return nil, diag.NewErrorDiagnostic(fmt.Sprintf("%s waiting for source %q", verb, req.sourceID), fmt.Sprintf(
		"Tasks of one source run one at a time: before starting the %s, the provider waits for the %s of this configuration "+
			"to finish. After %s it had not (%s is %s).\n\nNothing was started. Raise %s, or order the resources with depends_on "+
			"so that the longer one is not waited for first.",
		req.operation, orUnknown(waitedFor), time.Since(started).Round(time.Second), req.timeoutName, shortDuration(req.timeout), req.timeoutName))
}

func orUnknown(s string) string {
	if s == "" {
		return "other launch"
	}
	return s
}
