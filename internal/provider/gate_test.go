package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Progress is logged at Info while waiting, so TF_LOG=info shows it.
func TestWaiterLogsProgressAtInfo(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	var ts sailpoint.TaskStatus
	if err := json.Unmarshal(taskDoc(t, "x", runningChanges), &ts); err != nil {
		t.Fatal(err)
	}
	w := waiter(gateArgs{PollInterval: timetypes.NewGoDurationValue(10 * time.Second), MinPollInterval: timetypes.NewGoDurationValue(2 * time.Second)}, nil)
	if w.MaxInterval != 10*time.Second || w.MinInterval != 2*time.Second {
		t.Errorf("MinInterval %v, MaxInterval %v", w.MinInterval, w.MaxInterval)
	}
	w.OnPoll(ctx, 2, &ts, 1500*time.Millisecond)
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil || len(entries) != 1 {
		t.Fatalf("%v %v", entries, err)
	}
	e := entries[0]
	if e["@level"] != "info" || !strings.Contains(e["@message"].(string), "Aggregating accounts, 40% complete") || e["poll"] != float64(2) || e["next_poll_in"] != "1.5s" {
		t.Errorf("log entry %v", e)
	}
}

// The tenant's text reaches a diagnostic without control or
// invisible characters.
func TestTenantTextCleanInDiagnostics(t *testing.T) {
	t.Parallel()
	evil := "\x1b[2J\x1b]0;pwned\x07Account\u202e skipped\r\nFAKE: ok"
	ts := &sailpoint.TaskStatus{ID: "t", UniqueName: &evil, CompletionStatus: ptrTo("ERROR\x1b[0m"), Completed: ptrTo("2026-11-28T10:00:00Z"),
		Messages: []sailpoint.TaskStatusMessage{{Type: ptrTo("ERROR"), LocalizedText: &sailpoint.LocalizedMessage{Message: &evil}}}}
	d := expectationDiagnostic("t", ts, []string{"SUCCESS"})
	for _, text := range []string{d.Summary(), d.Detail()} {
		if strings.ContainsAny(text, "\x1b\x07\r\u202e") || strings.Contains(text, "\nFAKE") {
			t.Errorf("raw tenant text in the diagnostic: %q", text)
		}
	}
	if !strings.Contains(d.Detail(), "Account skipped") {
		t.Errorf("the message was lost: %q", d.Detail())
	}
}

// A wait that ends while the status is set but completed is not
// says so, with both.
func TestWaitDiagnosticNamesStatusWithoutCompleted(t *testing.T) {
	t.Parallel()
	last := &sailpoint.TaskStatus{ID: "t", CompletionStatus: ptrTo("ERROR")}
	d := waitDiagnostic(&sailpoint.WaitError{TaskID: "t", Last: last, Polls: 3, Err: context.DeadlineExceeded}, waitContext{timeoutName: readTimeoutName, timeout: time.Minute})
	if !strings.Contains(d.Detail(), `completion_status "ERROR", completed null`) {
		t.Errorf("detail %q", d.Detail())
	}
}

// gateAttribute is what the test compares of an attribute in any schema.
type gateAttribute interface {
	GetType() attr.Type
	IsOptional() bool
	IsRequired() bool
}

// The data source, the resources and the actions take the gate's
// arguments from one definition: the same names, types and validators;
// only the resource has defaults in its schema (the others apply their
// own when an argument is null).
func TestGateArgumentsOneDefinition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var ds datasource.SchemaResponse
	NewTaskStatusDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
	var rs fwresource.SchemaResponse
	accountAggregation.newResource().Schema(ctx, fwresource.SchemaRequest{}, &rs)
	var as action.SchemaResponse
	accountAggregation.newAction().Schema(ctx, action.SchemaRequest{}, &as)
	forms := map[string]map[string]gateAttribute{"data source": {}, "resource": {}, "action": {}}
	for name := range gateArguments() {
		forms["data source"][name] = ds.Schema.Attributes[name]
		forms["resource"][name] = rs.Schema.Attributes[name]
		forms["action"][name] = as.Schema.Attributes[name]
	}
	if len(gateArguments()) != 4 {
		t.Fatalf("gate arguments %v", gateArguments())
	}
	validators := func(a gateAttribute) []string {
		var out []string
		if v, ok := a.(interface{ StringValidators() []validator.String }); ok {
			for _, x := range v.StringValidators() {
				out = append(out, x.Description(ctx))
			}
		}
		if v, ok := a.(interface{ SetValidators() []validator.Set }); ok {
			for _, x := range v.SetValidators() {
				out = append(out, x.Description(ctx))
			}
		}
		return out
	}
	for name, want := range forms["resource"] {
		if want == nil {
			t.Fatalf("the resource has no %s", name)
		}
		for form, attrs := range forms {
			got := attrs[name]
			switch {
			case got == nil:
				t.Errorf("the %s has no %s", form, name)
			case !got.GetType().Equal(want.GetType()):
				t.Errorf("%s: %s is a %s, the resource's a %s", form, name, got.GetType(), want.GetType())
			case !slices.Equal(validators(got), validators(want)):
				t.Errorf("%s: %s validators %q, the resource's %q", form, name, validators(got), validators(want))
			case !got.IsOptional() || got.IsRequired():
				t.Errorf("%s: %s is not optional", form, name)
			}
		}
	}
	if !strings.Contains(strings.Join(validators(forms["data source"]["expected_completion_statuses"]), " "), `"TEMP_ERROR"`) {
		t.Errorf("the data source refuses TEMP_ERROR: %q", validators(forms["data source"]["expected_completion_statuses"]))
	}
	// Only the defaults differ: in the resource's plan, and in what a null
	// means to the others.
	if d, ok := forms["resource"]["wait_for_completion"].(rschema.BoolAttribute); !ok || d.Default == nil {
		t.Errorf("the resource's wait_for_completion has no default")
	}
	if (gateArgs{}).wait(dataSourceForm) || !(gateArgs{}).wait(actionForm) || (gateArgs{}).expected(dataSourceForm) != nil ||
		!slices.Equal((gateArgs{}).expected(actionForm), defaultExpected) {
		t.Errorf("null gate arguments: the data source reads once and checks nothing, an action waits and expects %v", defaultExpected)
	}
}
