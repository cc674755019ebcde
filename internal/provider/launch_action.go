package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/action"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A launch action starts one task each time Terraform 1.14+ invokes it
// (an action_trigger, or terraform apply -invoke) and gates on it like the
// resource of the same operation, showing its progress in the console.
// Older Terraform and OpenTofu never ask for actions.

// launchActionModel holds what every launch action has.
type launchActionModel struct {
	gateArgs
	Timeout timetypes.GoDuration `tfsdk:"timeout"`
}

func (m *launchActionModel) gate() *launchActionModel { return m }

// invokable is an action model: launchActionModel and the operation's arguments.
type invokable[A any] interface {
	gate() *launchActionModel
	withArgs[A]
}

type launchAction[A, M any, P interface {
	*M
	invokable[A]
}] struct {
	op   launchOperation[A]
	data *providerData
	// now is the progress messages' clock; nil is time.Now.
	now func() time.Time
}

var _ action.ActionWithConfigure = (*launchAction[accountAggregationArgs, accountAggregationActionModel, *accountAggregationActionModel])(nil)

func (a *launchAction[A, M, P]) setClock(now func() time.Time) { a.now = now }

func (a *launchAction[A, M, P]) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + a.op.typeName
}

func (a *launchAction[A, M, P]) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (a *launchAction[A, M, P]) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := map[string]aschema.Attribute{
		"timeout": aschema.StringAttribute{
			Optional:   true,
			CustomType: timetypes.GoDurationType{},
			MarkdownDescription: fmt.Sprintf("How long the invocation may take, as a Go duration such as `\"90m\"`: starting the "+
				"task and waiting for it (and, for an aggregation, waiting for its source to be idle first); at least `%s`. Defaults to `%s`.",
				shortDuration(minActionTimeout), shortDuration(defaultLaunchTimeout)),
			Validators: []validator.String{minDuration(minActionTimeout, "Timeout")},
		},
	}
	for name, arg := range gateArguments() {
		attrs[name] = arg.actionAttribute()
	}
	for name, arg := range a.op.arguments {
		attrs[name] = arg.actionAttribute()
	}
	resp.Schema = aschema.Schema{MarkdownDescription: a.op.actionDescription + " " + actionsNeedTerraform114, Attributes: attrs}
}

// minActionTimeout leaves time for a few polls: less could not see a task finish.
const minActionTimeout = 10 * time.Second

const actionsNeedTerraform114 = "Actions need Terraform 1.14 or newer; with OpenTofu or an older Terraform, use the resource of the same name."

func (a *launchAction[A, M, P]) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg M
	ctx, ok := begin(ctx, a.data, "action", req.Config, &cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	m := P(&cfg).gate()

	timeout := defaultLaunchTimeout
	if d := goDuration(m.Timeout); d > 0 {
		timeout = d
	}
	lr, _, diags := a.op.prepare(ctx, a.data.client, P(&cfg).arguments(), &m.gateArgs, types.StringNull())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	lr.timeout, lr.timeoutName = timeout, actionTimeoutName
	lr.taskKept = "read it with the `sailpoint_task_status` data source by that id"
	now := a.now
	if now == nil {
		now = time.Now
	}
	lr.progress = &actionProgress{send: func(msg string) {
		resp.SendProgress(action.InvokeProgressEvent{Message: msg})
	}, now: now, operation: lr.operation}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, diags = runLaunch(ctx, a.data.client, lr)
	resp.Diagnostics.Append(diags...)
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

	startedAt time.Time
	lastSent  time.Time
	lastState string // what the last message said, less the elapsed time
}

func (p *actionProgress) emit(state, msg string) {
	p.lastSent, p.lastState = p.now(), state
	p.send(msg)
}

// paced emits msg when state changed and progressMinGap has passed, or
// when progressMaxGap has passed; the first message always goes.
func (p *actionProgress) paced(state, msg string) {
	gap := p.now().Sub(p.lastSent)
	if p.lastSent.IsZero() || (state != p.lastState && gap >= progressMinGap) || gap >= progressMaxGap {
		p.emit(state, msg)
	}
}

func (p *actionProgress) waitingForRunning(_ context.Context, tasks []sailpoint.TaskStatus) {
	ids := make([]string, len(tasks))
	for i, t := range tasks {
		ids[i] = t.ID
	}
	state := "waiting " + strings.Join(ids, ", ")
	p.paced(state, fmt.Sprintf("Waiting for the source's running task(s) %s to finish before starting the %s", strings.Join(ids, ", "), p.operation))
}

func (p *actionProgress) started(_ context.Context, l *sailpoint.Launch) {
	p.startedAt = p.now()
	p.emit("started", fmt.Sprintf("Started the %s: task %s (%s %s)", p.operation, l.TaskID, l.Method, l.Path))
}

func (p *actionProgress) running(_ context.Context, ts *sailpoint.TaskStatus, _ int, _ time.Duration) {
	state := fmt.Sprintf("%s, %s%% complete", sailpoint.CleanText(ptrOr(ts.Progress, "no progress yet")), percentCompleteOr(ts, "?"))
	p.paced(state, fmt.Sprintf("Task %s running: %s (%s elapsed)", ts.ID, state, p.now().Sub(p.startedAt).Round(time.Second)))
}

func (p *actionProgress) finished(_ context.Context, ts *sailpoint.TaskStatus) {
	p.emit("finished", fmt.Sprintf("Task %s finished: %s after %s", ts.ID, sailpoint.CleanText(ptrOr(ts.CompletionStatus, "no status")), p.now().Sub(p.startedAt).Round(time.Second)))
}
