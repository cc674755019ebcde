package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/action"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A launch action starts one task each time Terraform 1.14+ invokes it
// (an action_trigger, or terraform apply -invoke) and gates on it like the
// resource of the same operation, showing its progress in the console.
// Older Terraform and OpenTofu never ask for actions.

// launchAction is every launch action: this one type with its operation
// as a value, like launchResource.
type launchAction struct {
	op   operation
	data *providerData
	// now is the progress messages' clock; nil is time.Now.
	now func() time.Time
}

func newLaunchAction(op operation) action.Action { return &launchAction{op: op} }

var (
	_ action.ActionWithConfigure  = (*launchAction)(nil)
	_ action.ActionWithModifyPlan = (*launchAction)(nil)
)

// ModifyPlan refuses at plan an operation the configured api_version lacks.
func (a *launchAction) ModifyPlan(_ context.Context, _ action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if d := a.op.versionProblem(a.data); d != nil {
		resp.Diagnostics.Append(d)
	}
}

func (a *launchAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + a.op.typeName
}

func (a *launchAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (a *launchAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := map[string]aschema.Attribute{"timeout": actionTimeoutAttribute()}
	for name, arg := range gateArguments() {
		attrs[name] = arg.actionAttribute()
	}
	for name, arg := range a.op.allArguments() {
		attrs[name] = arg.actionAttribute()
	}
	resp.Schema = aschema.Schema{MarkdownDescription: a.op.actionDescription + " " + actionsNeedTerraform114, Attributes: attrs}
}

const actionsNeedTerraform114 = "Actions need Terraform 1.14 or newer; with OpenTofu or an older Terraform, use the resource of the same name."

func (a *launchAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var obj types.Object
	ctx, ok := begin(ctx, a.data, "action", req.Config, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	cfg := attrs(obj.Attributes())
	var own actionArgs
	resp.Diagnostics.Append(cfg.decode(ctx, &own)...)
	l, _, diags := a.op.prepare(ctx, cfg, actionForm, types.StringNull())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	rep, progress := actionReport(own, "read it with the `sailpoint_task_status` data source by that id", a.now, resp, l.describe)
	if a.op.liveDetail != nil {
		progress.detail = func(ctx context.Context, taskID string) (string, bool) {
			return a.op.liveDetail(ctx, a.data.client, taskID)
		}
	}

	ctx, cancel := context.WithTimeout(ctx, rep.timeout)
	defer cancel()
	_, diags = runLaunch(ctx, a.data, l, rep)
	resp.Diagnostics.Append(diags...)
}

// actionReport is how an action reports a launch: bounded by its timeout,
// its progress in the console on the clock now (nil is time.Now); taskKept
// says where a started job can be read.
func actionReport(own actionArgs, taskKept string, now func() time.Time, resp *action.InvokeResponse, describe string) (report, *actionProgress) {
	if now == nil {
		now = time.Now
	}
	progress := &actionProgress{send: func(msg string) {
		resp.SendProgress(action.InvokeProgressEvent{Message: msg})
	}, now: now, operation: describe}
	rep := report{timeout: defaultLaunchTimeout, timeoutName: actionTimeoutName, taskKept: taskKept, progress: progress}
	if d := goDuration(own.Timeout); d > 0 {
		rep.timeout = d
	}
	return rep, progress
}

// actionArgs are what an action has besides the launch's arguments.
type actionArgs struct {
	Timeout timetypes.GoDuration `tfsdk:"timeout"`
}

// The cadence of the messages while a task runs: a changed progress is
// shown once progressMinGap has passed since the last message, an
// unchanged one again after progressMaxGap, so a long wait still shows it
// is alive without a line per poll.
const (
	progressMinGap = 5 * time.Second
	progressMaxGap = 30 * time.Second
)

// actionProgress shows a launch in the console through SendProgress:
// waiting for the source and the running task at the cadence above, the
// start (naming the task id) and the end (its status) at once.
type actionProgress struct {
	send      func(string)
	now       func() time.Time
	operation string

	// detail reads what the tenant says of a running task besides its
	// progress; false ends it for the invocation. nil: nothing to read.
	// It is read off the poll's path (readDetail): a line shows the last
	// text read.
	detail func(ctx context.Context, taskID string) (string, bool)
	// detailRead hears each read of detail that ended (tests wait on it).
	detailRead func()
	detailMu   sync.Mutex
	detailText string
	detailOff  bool
	detailBusy bool
	// detailFresh: a read ended since the last line took its text.
	detailFresh bool

	startedAt time.Time
	lastSent  time.Time
	lastState string // what the last message said, less the elapsed time
}

func (p *actionProgress) emit(state, msg string) {
	p.lastSent, p.lastState = p.now(), state
	p.send(msg)
}

// due says whether a message of state goes now: when state changed and
// progressMinGap has passed, or when progressMaxGap has passed; the first
// message always goes.
func (p *actionProgress) due(state string) bool {
	gap := p.now().Sub(p.lastSent)
	return p.lastSent.IsZero() || (state != p.lastState && gap >= progressMinGap) || gap >= progressMaxGap
}

// paced emits msg when a message of state is due.
func (p *actionProgress) paced(state, msg string) {
	if p.due(state) {
		p.emit(state, msg)
	}
}

func (p *actionProgress) waitingForLaunch(_ context.Context, holder string) {
	state := "waiting for " + holder
	p.paced(state, fmt.Sprintf("Waiting for this configuration's %s to finish before starting the %s (one task of a source at a time)", orUnknown(holder), p.operation))
}

func (p *actionProgress) waitingForRunning(_ context.Context, tasks []sailpoint.TaskStatus) {
	ids := make([]string, len(tasks))
	for i, t := range tasks {
		ids[i] = t.ID
	}
	state := "waiting " + strings.Join(ids, ", ")
	p.paced(state, fmt.Sprintf("Waiting for the source's running task(s) %s to finish before starting the %s", strings.Join(ids, ", "), p.operation))
}

func (p *actionProgress) cleared(_ context.Context, ts *sailpoint.TaskStatus, age time.Duration) {
	p.emit("cleared "+ts.ID, fmt.Sprintf("Cleared the source's pending task %s (%s), launched %s ago, before starting the %s",
		ts.ID, sailpoint.CleanText(ptrOr(ts.UniqueName, "no name")), roughDuration(age), p.operation))
}

func (p *actionProgress) retrying(_ context.Context, ts *sailpoint.TaskStatus, attempt, attempts int, delay time.Duration) {
	p.emit("retrying", fmt.Sprintf("Task %s ended with %s: starting attempt %d of %d in %s (retry_on_statuses)",
		ts.ID, sailpoint.CleanText(ptrOr(ts.CompletionStatus, "no status")), attempt, attempts, shortDuration(delay)))
}

func (p *actionProgress) started(_ context.Context, l *sailpoint.Launch) {
	p.startedAt = p.now()
	noun := "task"
	if op := sailpoint.OperationNamed(l.Operation); op != nil && op.Job != sailpoint.TaskJob {
		noun = "job"
	}
	p.emit("started", fmt.Sprintf("Started the %s: %s %s (%s %s)", p.operation, noun, l.TaskID, l.Method, l.Path))
}

// running shows the task's progress and, for an operation that has one,
// what the tenant reports besides (an account aggregation's counts): read
// only for a line that goes out, so never more than one read per line.
func (p *actionProgress) running(ctx context.Context, ts *sailpoint.TaskStatus, _ int, _ time.Duration) {
	state := fmt.Sprintf("%s, %s%% complete", sailpoint.CleanText(ptrOr(ts.Progress, "no progress yet")), percentCompleteOr(ts, "?"))
	// With counts to show, a line is due every progressMinGap: they move
	// while the percentage does not.
	counts := p.detail != nil && !p.countsOff()
	if counts {
		// The next line's detail is read while the task runs on.
		defer p.prefetchDetail(ctx, ts.ID)
	}
	if !p.due(state) && (!counts || p.now().Sub(p.lastSent) < progressMinGap) {
		return
	}
	line := state
	if counts {
		if detail := p.takeDetail(); detail != "" {
			line += "; " + detail
		}
	}
	p.emit(state, fmt.Sprintf("Task %s running: %s (%s elapsed)", ts.ID, line, p.now().Sub(p.startedAt).Round(time.Second)))
}

// detailTimeout bounds one read of a running task's detail: a line goes
// out without it rather than wait.
const detailTimeout = 5 * time.Second

func (p *actionProgress) countsOff() bool {
	p.detailMu.Lock()
	defer p.detailMu.Unlock()
	return p.detailOff
}

// prefetchDetail starts, in the background, the read of the detail the
// next line shows, unless one is under way or its text has not been shown
// yet: one attempt, bounded by detailTimeout, so a tenant slow or failing
// to give the counts never delays a poll, and at most one read per line.
func (p *actionProgress) prefetchDetail(ctx context.Context, taskID string) {
	p.detailMu.Lock()
	defer p.detailMu.Unlock()
	if p.detailBusy || p.detailFresh || p.detailOff {
		return
	}
	p.detailBusy = true
	go func() {
		readCtx, cancel := context.WithTimeout(sailpoint.OneAttempt(ctx), detailTimeout)
		defer cancel()
		text, ok := p.detail(readCtx, taskID)
		p.detailMu.Lock()
		if text != "" || !ok {
			p.detailText = text
		}
		p.detailOff, p.detailBusy, p.detailFresh = !ok, false, true
		p.detailMu.Unlock()
		if p.detailRead != nil {
			p.detailRead()
		}
	}()
}

// takeDetail is the detail last read, for a line going out; the next poll
// reads it again.
func (p *actionProgress) takeDetail() string {
	p.detailMu.Lock()
	defer p.detailMu.Unlock()
	p.detailFresh = false
	return p.detailText
}

// jobRunning shows a job that is not a task at the cadence of a task's
// progress: a changed status after progressMinGap, the same after
// progressMaxGap.
func (p *actionProgress) jobRunning(_ context.Context, id, status string, _ int, _ time.Duration) {
	p.paced("job "+status, fmt.Sprintf("Job %s running: %s (%s elapsed)", id, status, p.now().Sub(p.startedAt).Round(time.Second)))
}

func (p *actionProgress) jobFinished(_ context.Context, id, summary string) {
	p.emit("finished", fmt.Sprintf("Job %s finished: %s after %s", id, summary, p.now().Sub(p.startedAt).Round(time.Second)))
}

func (p *actionProgress) finished(_ context.Context, ts *sailpoint.TaskStatus) {
	p.emit("finished", fmt.Sprintf("Task %s finished: %s after %s", ts.ID, sailpoint.CleanText(ptrOr(ts.CompletionStatus, "no status")), p.now().Sub(p.startedAt).Round(time.Second)))
}
