package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Clearing a pending task: ISC leaves tasks pending (an aggregation that
// never completes blocks every later launch on its source), and documents
// PATCH /task-status/{id} for clearing one: its completionStatus and
// completed are replaced. The sailpoint_clear_pending_task action clears
// one by id; a launch clears its source's stuck tasks with
// clear_pending_tasks_older_than (idle_source.go).

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
