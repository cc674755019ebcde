package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// The action clears a pending task with one PATCH and says so; a task
// that has finished is left alone.
func TestClearPendingTaskAction_clearsOnlyPending(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck", SourceID: faketenant.ActiveDirectorySourceID, Created: time.Now().Add(-72 * time.Hour)})
	msgs, resp := invokeAction(context.Background(), t, ft, NewClearPendingTaskAction, map[string]tftypes.Value{
		"task_id":           tfString("stuck"),
		"completion_status": tfString("terminated"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("diagnostics %v", resp.Diagnostics)
	}
	patches := ft.Patches()
	if len(patches) != 1 || patches[0].TaskID != "stuck" || patches[0].ContentType != "application/json-patch+json" ||
		len(patches[0].Operations) != 2 || string(patches[0].Operations[0].Value) != `"TERMINATED"` {
		t.Fatalf("PATCHes %+v", patches)
	}
	if all := strings.Join(msgs, "\n"); !strings.Contains(all, "launched 3d0h ago") || !strings.Contains(all, "Task stuck cleared: TERMINATED") {
		t.Errorf("progress:\n%s", all)
	}

	msgs, resp = invokeAction(context.Background(), t, ft, NewClearPendingTaskAction, map[string]tftypes.Value{"task_id": tfString(faketenant.CompleteTaskID)})
	if resp.Diagnostics.HasError() || len(ft.Patches()) != 1 || !strings.Contains(strings.Join(msgs, "\n"), "has already finished") {
		t.Fatalf("a finished task: %v, %d PATCHes, %q", resp.Diagnostics, len(ft.Patches()), msgs)
	}
}

// A refused clear says what clearing takes.
func TestClearPendingTaskAction_refused(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck", SourceID: faketenant.ActiveDirectorySourceID, Created: time.Now().Add(-time.Hour)})
	ft.Inject(faketenant.Fault{Path: "/task-status/v1/stuck", Status: http.StatusForbidden, Times: -1,
		Body: `{"detailCode":"403 Forbidden","trackingId":"p403","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"Forbidden"}],"causes":[]}`})
	// The GET is refused too here; a tenant that lets the GET through is the CLI test's.
	_, resp := invokeAction(context.Background(), t, ft, NewClearPendingTaskAction, map[string]tftypes.Value{"task_id": tfString("stuck")})
	if !resp.Diagnostics.HasError() {
		t.Fatal("no error for a refused clear")
	}
}

// terraform apply -invoke of sailpoint_clear_pending_task on a CLI with
// actions: one PATCH for a pending task, none for a finished one; a refused
// PATCH names what clearing takes.
func TestAccClearPendingTaskAction_invoke(t *testing.T) {
	t.Parallel()
	tf := actionsCLIPath(t)
	ft := newTenant(t)
	ft.PutPendingTask(faketenant.PendingTask{ID: "stuck", SourceID: faketenant.ActiveDirectorySourceID, Created: time.Now().Add(-48 * time.Hour)})
	ft.PutPendingTask(faketenant.PendingTask{ID: "guarded", SourceID: faketenant.ActiveDirectorySourceID, Created: time.Now().Add(-48 * time.Hour)})
	dir, env := cliWorkspace(t, ft, fmt.Sprintf(`
action "sailpoint_clear_pending_task" "stuck" {
  config {
    task_id = "stuck"
  }
}

action "sailpoint_clear_pending_task" "done" {
  config {
    task_id = %q
  }
}

action "sailpoint_clear_pending_task" "guarded" {
  config {
    task_id = "guarded"
  }
}
`, faketenant.CompleteTaskID))
	progress, errs, err := invokeCLI(t, tf, dir, env, "sailpoint_clear_pending_task.stuck")
	if err != nil || len(errs) > 0 || len(ft.Patches()) != 1 || !strings.Contains(strings.Join(progress, "\n"), "Task stuck cleared: ERROR") {
		t.Fatalf("clearing a pending task: %v %v, %d PATCHes, %q", err, errs, len(ft.Patches()), progress)
	}
	progress, errs, err = invokeCLI(t, tf, dir, env, "sailpoint_clear_pending_task.done")
	if err != nil || len(errs) > 0 || len(ft.Patches()) != 1 || !strings.Contains(strings.Join(progress, "\n"), "has already finished") {
		t.Fatalf("a finished task: %v %v, %d PATCHes, %q", err, errs, len(ft.Patches()), progress)
	}
	ft.Inject(faketenant.Fault{Path: "/task-status/v1/guarded", Status: http.StatusForbidden, Times: -1, Method: http.MethodPatch,
		Body: `{"detailCode":"403 Forbidden","trackingId":"p403","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"Forbidden"}],"causes":[]}`})
	_, errs, err = invokeCLI(t, tf, dir, env, "sailpoint_clear_pending_task.guarded")
	all := strings.Join(errs, "\n")
	if err == nil || !strings.Contains(all, "idn:task-management:write") || !strings.Contains(all, "personal access token") {
		t.Fatalf("a refused PATCH: %v\n%s", err, all)
	}
}
