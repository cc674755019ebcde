package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The gate: how to wait for a task and what it must have finished with.
// Its arguments are written once for the data source, the resources and
// the actions: the same names, types and validators, each form with its
// own default (the data source reads once and checks nothing unless asked;
// a launch waits, and expects success).

// gateArgs are the gate's arguments as configured.
type gateArgs struct {
	WaitForCompletion          types.Bool           `tfsdk:"wait_for_completion"`
	ExpectedCompletionStatuses types.Set            `tfsdk:"expected_completion_statuses"`
	PollInterval               timetypes.GoDuration `tfsdk:"poll_interval"`
	MinPollInterval            timetypes.GoDuration `tfsdk:"min_poll_interval"`
}

// defaultExpected is what a launch expects unless told otherwise.
var defaultExpected = []string{sailpoint.CompletionStatusSuccess, sailpoint.CompletionStatusWarning}

// wait says whether to wait for the task: a null value is the form's
// default (an action's arguments have none in its schema).
func (g gateArgs) wait(f form) bool {
	if g.WaitForCompletion.IsNull() || g.WaitForCompletion.IsUnknown() {
		return f != dataSourceForm
	}
	return g.WaitForCompletion.ValueBool()
}

// expected are the statuses the task must finish with; none means no
// check (the data source's default).
func (g gateArgs) expected(f form) []string {
	if g.ExpectedCompletionStatuses.IsNull() || g.ExpectedCompletionStatuses.IsUnknown() {
		if f == dataSourceForm {
			return nil
		}
		return defaultExpected
	}
	return setStrings(g.ExpectedCompletionStatuses)
}

// gateArguments are the gate's arguments; the resource's defaults are in
// its plan, the others' are applied by gateArgs.
func gateArguments() map[string]argument {
	return map[string]argument{
		"wait_for_completion": {
			kind:        argBool,
			boolDefault: &defaultTrue,
			description: "Wait until the task has finished, then check `expected_completion_statuses`. A task counts as " +
				"finished only when both `completed` and `completion_status` are set (ISC writes them separately). Polls " +
				"until {timeout} runs out, timing each pause from what the task shows: sparse while its end is far, a poll " +
				"every 2.5 s or less around its predicted end, backing off again if it runs past it. The end is predicted " +
				"from how fast `percent_complete` rises and, for a task on a source, from how long its last runs of the same " +
				"kind there took (one extra request per wait, once the task has run past its first pause). Knowing neither, " +
				"the pauses back off from `min_poll_interval` to `poll_interval`, with jitter.",
			notes: [3]string{
				dataSourceForm: " Defaults to `false`: read once.",
				resourceForm:   " Defaults to `true`. With `false` the task is read once after it starts, and checked only if it has already finished.",
				actionForm:     " Defaults to `true`. With `false` the task is read once after it starts, and checked only if it has already finished.",
			},
		},
		"expected_completion_statuses": {
			kind:       argStringSet,
			setDefault: defaultExpected,
			description: "Fail {run} unless the task finished with one of these statuses: `SUCCESS`, `WARNING`, " +
				"`ERROR`, `TERMINATED`, `TEMPERROR` (compared without regard to case; `TEMP_ERROR` and `TEMPERROR` are the same). " +
				"The error names the task and quotes its `ERROR` and `WARN` messages.",
			notes: [3]string{
				dataSourceForm: " A task still running fails the expectation: set `wait_for_completion` to wait for it first. Not set: no check.",
				resourceForm:   " Defaults to `[\"SUCCESS\", \"WARNING\"]`. The task id is kept in state either way.",
				actionForm:     " Defaults to `[\"SUCCESS\", \"WARNING\"]`.",
			},
			setValidators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOfCaseInsensitive(append(slices.Clone(sailpoint.CompletionStatuses), "TEMP_ERROR")...)),
			},
		},
		"poll_interval": {
			kind: argDuration,
			description: "The longest pause between two polls while waiting, as a Go duration such as `\"10s\"` or " +
				"`\"1m\"` (at least `1s`). Defaults to `30s`. To poll at a fixed interval instead, set `min_poll_interval` " +
				"to the same value.",
			stringValidators: []validator.String{minDuration(sailpoint.DefaultPollMin, "Poll interval")},
		},
		"min_poll_interval": {
			kind: argDuration,
			description: "The shortest pause between two polls while waiting, as a Go duration such as `\"5s\"` (at least " +
				"`1s`, at most `poll_interval`). Defaults to `1s`. Set to the same value as `poll_interval`, the task is " +
				"polled at exactly that interval, and its earlier runs are not read.",
			stringValidators: []validator.String{minDuration(sailpoint.DefaultPollMin, "Minimum poll interval"), notAbovePollInterval{}},
		},
	}
}

// expectationDiagnostic is nil when the task finished with one of the
// expected statuses, and otherwise says why not in the task's own words.
func expectationDiagnostic(id string, ts *sailpoint.TaskStatus, expected []string) diag.Diagnostic {
	want := strings.Join(upper(expected), ", ")
	name := describeTask(id, ts)
	if !ts.IsFinished() {
		return diag.NewErrorDiagnostic(fmt.Sprintf("Task %q has not finished", id), fmt.Sprintf(
			"%s has not finished (completion_status %s, completed %s; %s), so it cannot have finished with %s.\n\n"+
				"Set wait_for_completion = true on the data source to wait for it to finish before checking expected_completion_statuses.",
			name, orNull(ts.CompletionStatus), orNull(ts.Completed), progressText(ts), want))
	}
	status := *ts.CompletionStatus
	if sailpoint.StatusIn(status, expected) {
		return nil
	}
	status = sailpoint.CleanText(status)
	detail := fmt.Sprintf("%s finished with completion_status %s at %s, not %s.", name, status, sailpoint.CleanText(*ts.Completed), oneOf(expected, want))
	if msgs := problemMessages(ts); len(msgs) > 0 {
		detail += "\n\nThe task's messages:\n" + strings.Join(msgs, "\n")
	} else {
		detail += "\n\nThe task left no ERROR or WARN messages; look it up in ISC by its id."
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Task %q finished with status %s", id, status), detail)
}

func describeTask(id string, ts *sailpoint.TaskStatus) string {
	s := fmt.Sprintf("Task %q", id)
	var about []string
	if name := sailpoint.CleanText(ptrString(ts.UniqueName)); name != "" {
		about = append(about, name)
	}
	if ts.Target != nil {
		if target := sailpoint.CleanText(ptrString(ts.Target.Name)); target != "" {
			about = append(about, "target "+target)
		}
	}
	if len(about) > 0 {
		s += " (" + strings.Join(about, ", ") + ")"
	}
	return s
}

// problemMessages quotes the task's ERROR and WARN messages.
func problemMessages(ts *sailpoint.TaskStatus) []string {
	var out []string
	for _, m := range ts.Messages {
		typ := ptrString(m.Type)
		if !strings.EqualFold(typ, "ERROR") && !strings.EqualFold(typ, "WARN") {
			continue
		}
		// The tenant's text goes to a terminal: no escape sequences.
		text := ""
		if m.LocalizedText != nil {
			text = sailpoint.CleanText(ptrString(m.LocalizedText.Message))
		}
		if text == "" {
			text = "(no text; key " + sailpoint.CleanText(ptrOr(m.Key, "none")) + ")"
		}
		out = append(out, fmt.Sprintf("  %s: %s", sailpoint.CleanText(typ), text))
	}
	return out
}

func progressText(ts *sailpoint.TaskStatus) string {
	return fmt.Sprintf("progress %s, percent_complete %s", orNull(ts.Progress), percentCompleteOr(ts, "null"))
}

func oneOf(expected []string, joined string) string {
	if len(expected) == 1 {
		return joined
	}
	return "one of " + joined
}

func upper(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToUpper(s)
	}
	return out
}
