package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Every operation's definition agrees with itself and with the client's
// declaration: its model reads exactly its arguments.
func TestOperationDefinitions(t *testing.T) {
	t.Parallel()
	if len(operations) != len(sailpoint.Launches()) {
		t.Errorf("%d operations, %d launches declared by the client", len(operations), len(sailpoint.Launches()))
	}
	for _, op := range operations {
		for _, problem := range operationProblems(op) {
			t.Error(problem)
		}
		if !slices.Contains(sailpoint.Launches(), op.declared) {
			t.Errorf("sailpoint_%s: its declaration is not one of the client's launches", op.typeName)
		}
	}
}

// misspeltArgs misspell their argument: "shine_levels" for "shine_level".
type misspeltArgs struct {
	ShineLevel types.String `tfsdk:"shine_levels"`
}

// A misspelt attribute name in an operation's model fails: the check the
// tests run over every operation names it, and reading it through the
// model is an error, never a silent null.
func TestOperationMisspeltAttribute(t *testing.T) {
	t.Parallel()
	op := define(operationSpec[misspeltArgs]{
		operation: operation{
			typeName:  "account_aggregation",
			declared:  sailpoint.AccountAggregationOp.Operation,
			source:    true,
			arguments: map[string]argument{"shine_level": {description: "How much."}},
		},
		start: func(in launchInput, args misspeltArgs) (sailpoint.Start, error) {
			return sailpoint.AccountAggregationOp.Prepare(sailpoint.AccountAggregation{SourceID: in.sourceID})
		},
	})
	problems := strings.Join(operationProblems(op), "\n")
	if !strings.Contains(problems, `"shine_levels"`) || !strings.Contains(problems, `"shine_level"`) {
		t.Errorf("the problems do not name the misspelt attribute:\n%s", problems)
	}
	values := attrs{"shine_level": types.StringValue("bright")}
	_, _, diags := op.request(context.Background(), launchInput{sourceID: "s"}, values)
	if !diags.HasError() || !strings.Contains(fmt.Sprint(diags), `"shine_levels"`) {
		t.Errorf("reading through the misspelt model: %v", diags)
	}
	var gate gateArgs
	if diags := (attrs{"wait_for_completion": types.BoolValue(true)}).decode(context.Background(), &gate); !diags.HasError() {
		t.Error("a model read from values that lack some of its attributes is not an error")
	}
}

// widgetPolishArgs are the throwaway operation's own arguments.
type widgetPolishArgs struct {
	Shine types.Bool `tfsdk:"shine"`
}

// widgetPolish is an operation the API does not have, declared in the
// client and defined in the provider and nowhere else.
type widgetPolish struct {
	SourceID string
	Shine    *bool
}

var widgetPolishOp = &sailpoint.Launcher[widgetPolish]{
	Operation: &sailpoint.Operation{
		Name: "widget polish", OperationID: "polishWidgets", Method: http.MethodPost,
		Paths: map[string]string{
			sailpoint.APIVersionV1:    "/widgets/v1/{sourceId}/polish",
			sailpoint.APIVersionV2026: "/v2026/widgets/{sourceId}/polish",
		},
		Needs: map[string]sailpoint.OperationNeeds{
			sailpoint.APIVersionV1:    {Scopes: []string{"idn:widgets:polish"}},
			sailpoint.APIVersionV2026: {Scopes: []string{"idn:widgets:polish"}},
		},
		Answer: "WidgetPolishTask", JobID: "task.id", Job: sailpoint.TaskJob, Body: sailpoint.FormBody,
	},
	Check:  func(w widgetPolish) error { return sailpoint.ValidateSourceID(w.SourceID) },
	Target: func(w widgetPolish) string { return w.SourceID },
	Build: func(w widgetPolish) (sailpoint.Body, error) {
		return sailpoint.Form(sailpoint.BoolPart("shine", w.Shine)), nil
	},
}

var widgetPolishOperation = define(operationSpec[widgetPolishArgs]{
	operation: operation{
		typeName: "widget_polish", declared: widgetPolishOp.Operation, source: true,
		resourceDescription: "Polishes the widgets of a source.", actionDescription: "Polishes the widgets of a source.",
		arguments: map[string]argument{"shine": {kind: argBool, description: "Polish until they shine."}},
	},
	start: func(in launchInput, args widgetPolishArgs) (sailpoint.Start, error) {
		return widgetPolishOp.Prepare(widgetPolish{SourceID: in.sourceID, Shine: args.Shine.ValueBoolPointer()})
	},
})

// A new operation is one declaration in the client and one definition in
// the provider: the fake tenant answers it from the declaration alone, and
// its resource starts it once, waits for it and gates it, on the versions
// it declares; on the others the plan refuses it and sends nothing.
func TestAccOperation_declaredOnce(t *testing.T) {
	t.Parallel()
	if problems := operationProblems(widgetPolishOperation); len(problems) > 0 {
		t.Fatal(problems)
	}
	ft := faketenant.New()
	ft.AddOperation(widgetPolishOp.Operation)
	ft.Start()
	t.Cleanup(ft.Close)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 2})
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"sailpoint": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(&sailpointProvider{version: "test", ledgerDir: testLedgerDir,
				operations: append(slices.Clone(operations), widgetPolishOperation)})()
		},
	}
	config := func(version string) string {
		return providerConfig(ft, fmt.Sprintf("api_version = %q", version)) + fmt.Sprintf(`
resource "sailpoint_widget_polish" "test" {
  source_id     = %q
  shine         = true
  poll_interval = "1s"
}
`, faketenant.WorkdaySourceID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:      config("beta"),
				ExpectError: errorWith("api_version beta has no widget polish", "v1 or v2026"),
				Check:       wantPosts(ft, 0),
			},
			{
				Config:            config("v2026"),
				ConfigStateChecks: []statecheck.StateCheck{expectState("sailpoint_widget_polish.test", "completion_status", str("SUCCESS"))},
				Check: func(*terraform.State) error {
					launches := ft.Launches()
					if len(launches) != 1 {
						return fmt.Errorf("%d launches, want 1", len(launches))
					}
					l := launches[0]
					want := "/v2026/widgets/" + faketenant.WorkdaySourceID + "/polish"
					if l.Operation != "widget polish" || l.Form["shine"] != "true" || ft.Count(func(r faketenant.Request) bool { return isPost(r) && r.Path == want }) != 1 {
						return fmt.Errorf("launch %+v, want one POST to %s with shine=true", l, want)
					}
					if n := ft.Reads(l.TaskID); n < 3 {
						return fmt.Errorf("task %s read %d times: the apply did not wait for it", l.TaskID, n)
					}
					return nil
				},
			},
			{
				Config:           config("v2026"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            wantPosts(ft, 1),
			},
		},
	})
}
