package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// A task that ends in ERROR fails the invocation with its own messages.
func TestIdentityProcessingAction_failedTask(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1, Status: "ERROR", Messages: []faketenant.Message{
		{Type: "ERROR", Text: "Identity 2c91808a is locked by another process"},
	}})
	msgs, resp := invokeAction(context.Background(), t, ft, identityProcessing.newAction, map[string]tftypes.Value{
		"identity_ids":  tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tfString("2c9180835d2e5168015d32f890ca1581")}),
		"poll_interval": tfString("1s"),
	})
	if !resp.Diagnostics.HasError() {
		t.Fatalf("no error for a task that ended in ERROR; messages:\n%s", strings.Join(msgs, "\n"))
	}
	detail := resp.Diagnostics.Errors()[0].Summary() + "\n" + resp.Diagnostics.Errors()[0].Detail()
	for _, want := range []string{"finished with status ERROR", "ERROR: Identity 2c91808a is locked by another process"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the error does not say %q:\n%s", want, detail)
		}
	}
	if last := msgs[len(msgs)-1]; !strings.Contains(last, "finished: ERROR") {
		t.Errorf("last message %q, want the task's status", last)
	}
	if n := ft.LaunchCount(""); n != 1 {
		t.Errorf("%d launches, want 1", n)
	}
}
