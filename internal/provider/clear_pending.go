package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Clearing a pending task: ISC leaves tasks pending (an aggregation that
// never completes blocks every later launch on its source), and documents
// PATCH /task-status/{id} for clearing one: its completionStatus and
// completed are replaced. A launch clears its source's stuck tasks with
// clear_pending_tasks_older_than; the sailpoint_clear_pending_task action
// clears one by id.

// clearedTask is a stuck task of a source cleared before a launch.
type clearedTask struct {
	id, name string
	age      time.Duration
}

// taskAge is how long ago a task was launched (created, when it has not
// been launched); false when the tenant gave neither time.
func taskAge(ts *sailpoint.TaskStatus, now time.Time) (time.Duration, bool) {
	for _, at := range []*string{ts.Launched, ts.Created} {
		if at == nil {
			continue
		}
		if t, err := time.Parse(time.RFC3339, *at); err == nil {
			return now.Sub(t), true
		}
	}
	return 0, false
}

// clearStale clears each running task of the source launched longer ago
// than req.clearOlderThan, and returns the ones still running. A task that
// cannot be cleared ends the wait: nothing is started.
func clearStale(ctx context.Context, client *sailpoint.Client, req launchRequest, running []sailpoint.TaskStatus, out *launchOutcome) ([]sailpoint.TaskStatus, error) {
	now := time.Now()
	var still []sailpoint.TaskStatus
	for i := range running {
		ts := &running[i]
		age, known := taskAge(ts, now)
		if !known || age <= req.clearOlderThan || containsFold(out.taskIDs, ts.ID) {
			still = append(still, *ts)
			continue
		}
		if _, err := client.ClearTask(ctx, ts.ID, sailpoint.CompletionStatusError, now); err != nil {
			return nil, &sailpoint.StaleTaskError{TaskID: ts.ID, Err: err}
		}
		c := clearedTask{id: ts.ID, name: sailpoint.CleanText(ptrOr(ts.UniqueName, "no name")), age: age}
		out.cleared = append(out.cleared, c)
		tflog.Warn(ctx, "Cleared a pending task of the source", map[string]any{"cleared_task_id": c.id, "age": c.age.Round(time.Minute).String()})
		req.progress.cleared(ctx, ts, age)
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

// clearedWarnings name each task a launch cleared.
func clearedWarnings(op string, cleared []clearedTask) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, c := range cleared {
		diags.AddWarning(fmt.Sprintf("Cleared pending task %q", c.id), fmt.Sprintf(
			"Task %q (%s), launched %s ago, was still running on the source; it was older than clear_pending_tasks_older_than, "+
				"so it was marked finished with ERROR before the %s started.", c.id, c.name, roughDuration(c.age), op))
	}
	return diags
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

// clearFailedDiagnostic explains a stuck task that could not be cleared;
// nothing was started.
func clearFailedDiagnostic(e *sailpoint.StaleTaskError, req launchRequest, version string) diag.Diagnostic {
	summary, detail := explainClearError(e.Err, e.TaskID, version)
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf("Task %q of source %q has been running longer than clear_pending_tasks_older_than "+
		"(%s), so the provider tried to clear it before starting the %s. %s\n\nNothing was started.",
		e.TaskID, req.sourceID, shortDuration(req.clearOlderThan), req.operation, detail))
}

// explainClearError words a failed PATCH of a task, with what clearing
// takes for a refusal.
func explainClearError(err error, taskID, version string) (string, string) {
	var apiErr *sailpoint.APIError
	if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusUnauthorized) {
		return fmt.Sprintf("Could not clear task %q: not allowed", taskID), fmt.Sprintf(
			"%s %s answered HTTP %d %s.%s Clearing a task takes %s.", apiErr.Method, apiErr.Path, apiErr.StatusCode,
			http.StatusText(apiErr.StatusCode), tenantSaid(apiErr), needsText(sailpoint.Needs(sailpoint.OperationClearTask, version)))
	}
	summary, detail := explain(err, fmt.Sprintf("task %q", taskID))
	return "Could not clear task " + fmt.Sprintf("%q", taskID) + ": " + summary, detail
}

// NewClearPendingTaskAction is the sailpoint_clear_pending_task action.
func NewClearPendingTaskAction() action.Action { return &clearPendingTaskAction{} }

type clearPendingTaskAction struct {
	data *providerData
}

var _ action.ActionWithConfigure = (*clearPendingTaskAction)(nil)

func (a *clearPendingTaskAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clear_pending_task"
}

func (a *clearPendingTaskAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (a *clearPendingTaskAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = aschema.Schema{
		MarkdownDescription: "Clears a pending task: one that ISC left running, which blocks every later launch on its source. " +
			"Reads the task; one that has already finished is left alone. Otherwise sends one `PATCH /task-status/v1/{id}` (or " +
			"`/{version}/task-status/{id}`) that replaces its `completionStatus` and `completed`, as ISC documents for clearing " +
			"a pending task, and checks that the answer shows it finished. It does not stop work the task may still be doing " +
			"in ISC. Needs a user token: a personal access token with `idn:task-management:write`. " + actionsNeedTerraform114,
		Attributes: map[string]aschema.Attribute{
			"task_id": aschema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the task to clear, such as `2c91808a7813090a01781412a1110a30`.",
				Validators:          []validator.String{taskIDValidator},
			},
			"completion_status": aschema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The status to mark it finished with: `ERROR` (the default) or `TERMINATED`. A launch that " +
					"gates on the task sees this status.",
				Validators: []validator.String{stringvalidator.OneOfCaseInsensitive(sailpoint.ClearCompletionStatuses...)},
			},
		},
	}
}

func (a *clearPendingTaskAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var obj types.Object
	ctx, ok := begin(ctx, a.data, "action", req.Config, &obj, &resp.Diagnostics)
	if !ok {
		return
	}
	cfg := attrs(obj.Attributes())
	id := cfg.str("task_id").ValueString()
	status := strings.ToUpper(cfg.str("completion_status").ValueString())
	if status == "" {
		status = sailpoint.CompletionStatusError
	}
	ctx = tflog.SetField(ctx, "task_id", id)
	progress := func(msg string) { resp.SendProgress(action.InvokeProgressEvent{Message: msg}) }
	client := a.data.client

	ts, err := client.GetTaskStatus(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(err, fmt.Sprintf("task %q", id)))
		return
	}
	if ts.IsFinished() {
		progress(fmt.Sprintf("Task %s has already finished (%s at %s): left alone", id,
			sailpoint.CleanText(*ts.CompletionStatus), sailpoint.CleanText(*ts.Completed)))
		return
	}
	about := describeTask(id, ts)
	if age, known := taskAge(ts, time.Now()); known {
		about += fmt.Sprintf(", launched %s ago", roughDuration(age))
	}
	progress(fmt.Sprintf("Clearing %s: marking it finished with %s", about, status))
	cleared, err := client.ClearTask(ctx, id, status, time.Now())
	if err != nil {
		summary, detail := explainClearError(err, id, client.APIVersion())
		resp.Diagnostics.AddError(summary, detail+"\n\nThe task was not cleared.")
		return
	}
	if !cleared.IsFinished() {
		resp.Diagnostics.AddError(fmt.Sprintf("Task %q is not shown cleared", id), fmt.Sprintf(
			"The tenant accepted the PATCH, but its answer shows the task not finished (completion_status %s, completed %s). "+
				"Read it again with sailpoint_task_status; if it stays so, clear it in ISC.", orNull(cleared.CompletionStatus), orNull(cleared.Completed)))
		return
	}
	progress(fmt.Sprintf("Task %s cleared: %s at %s", id, sailpoint.CleanText(*cleared.CompletionStatus), sailpoint.CleanText(*cleared.Completed)))
}
