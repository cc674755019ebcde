package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A launch operation (account aggregation, entitlement aggregation,
// identity processing) is offered twice: as a resource, for every CLI, and
// as an action, for Terraform 1.14+. Its arguments, their model and the
// launchRequest built from them are written once, here and in the
// operation's file; the two forms differ only in how Terraform calls them.

// launchOperation is one kind of launch. A is the model of its own
// arguments, embedded in both the resource's and the action's model.
type launchOperation[A any] struct {
	typeName            string // after "sailpoint_"
	resourceDescription string
	actionDescription   string
	arguments           map[string]launchArgument
	// request turns the arguments into what to start; file is the content
	// of the file argument, nil without one.
	request func(ctx context.Context, client *sailpoint.Client, args *A, file *sailpoint.LaunchFile) (launchRequest, diag.Diagnostics)
}

// prepare builds what to start from the operation's arguments and the gate
// arguments, reading the file to upload (checked against plannedFileSHA256
// unless that is null or unknown); fileSHA256 is that file's hash, "" without one.
func (op launchOperation[A]) prepare(ctx context.Context, client *sailpoint.Client, args *A, gate *gateArgs, plannedFileSHA256 types.String) (lr launchRequest, fileSHA256 string, diags diag.Diagnostics) {
	file, fileSHA256, diags := readUpload(args, plannedFileSHA256)
	if diags.HasError() {
		return lr, "", diags
	}
	lr, d := op.request(ctx, client, args, file)
	diags.Append(d...)
	diags.Append(gate.apply(ctx, &lr)...)
	return lr, fileSHA256, diags
}

// withArgs is a model that embeds an operation's arguments A.
type withArgs[A any] interface{ arguments() *A }

type argKind int

const (
	argString argKind = iota
	argBool
	argStringSet
	argDuration
)

// launchArgument is one argument, written once and rendered into the
// resource schema (replacing the resource when it changes, defaults in
// the plan) and into the action schema (defaults applied when invoked).
// In descriptions, {timeout} names what bounds the launch.
type launchArgument struct {
	kind        argKind
	required    bool
	description string
	// resourceNote is said of the resource only (state, plan).
	resourceNote     string
	boolDefault      *bool
	setDefault       []string
	stringValidators []validator.String
	setValidators    []validator.Set
}

func (a launchArgument) describe(timeoutName string) string {
	return strings.ReplaceAll(a.description, "{timeout}", "`"+timeoutName+"`")
}

func (a launchArgument) resourceAttribute() rschema.Attribute {
	desc := a.describe(resourceTimeoutName) + a.resourceNote
	optional := !a.required
	switch a.kind {
	case argBool:
		b := rschema.BoolAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc,
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()}}
		if a.boolDefault != nil {
			b.Computed, b.Default = true, booldefault.StaticBool(*a.boolDefault)
		}
		return b
	case argStringSet:
		s := rschema.SetAttribute{Required: a.required, Optional: optional, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: a.setValidators, PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()}}
		if a.setDefault != nil {
			s.Computed, s.Default = true, setdefault.StaticValue(stringSetValue(a.setDefault))
		}
		return s
	}
	s := rschema.StringAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc,
		Validators: a.stringValidators, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	if a.kind == argDuration {
		s.CustomType = timetypes.GoDurationType{}
	}
	return s
}

func (a launchArgument) actionAttribute() aschema.Attribute {
	desc := a.describe(actionTimeoutName)
	optional := !a.required
	switch a.kind {
	case argBool:
		return aschema.BoolAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc}
	case argStringSet:
		return aschema.SetAttribute{Required: a.required, Optional: optional, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: a.setValidators}
	}
	s := aschema.StringAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc, Validators: a.stringValidators}
	if a.kind == argDuration {
		s.CustomType = timetypes.GoDurationType{}
	}
	return s
}

func stringSetValue(ss []string) types.Set {
	elems := make([]attr.Value, len(ss))
	for i, s := range ss {
		elems[i] = types.StringValue(s)
	}
	return types.SetValueMust(types.StringType, elems)
}

const (
	resourceTimeoutName = "timeouts.create"
	actionTimeoutName   = "timeout"
)

var (
	defaultTrue     = true
	defaultExpected = []string{sailpoint.CompletionStatusSuccess, sailpoint.CompletionStatusWarning}
)

// gateArgs are the arguments that say how to gate on the task, the same
// for every operation and both forms.
type gateArgs struct {
	WaitForCompletion          types.Bool           `tfsdk:"wait_for_completion"`
	ExpectedCompletionStatuses types.Set            `tfsdk:"expected_completion_statuses"`
	PollInterval               timetypes.GoDuration `tfsdk:"poll_interval"`
}

func gateArguments() map[string]launchArgument {
	return map[string]launchArgument{
		"wait_for_completion": {
			kind:        argBool,
			boolDefault: &defaultTrue,
			description: "Wait until the task has finished before the apply goes on, then check " +
				"`expected_completion_statuses`. Defaults to `true`. With `false` the task is read once after it starts, " +
				"and checked only if it has already finished.",
		},
		"expected_completion_statuses": {
			kind:       argStringSet,
			setDefault: defaultExpected,
			description: "Fail the apply unless the task finished with one of these statuses: `SUCCESS`, `WARNING`, " +
				"`ERROR`, `TERMINATED`, `TEMPERROR` (compared without regard to case; `TEMP_ERROR` and `TEMPERROR` are the same). " +
				"Defaults to `[\"SUCCESS\", \"WARNING\"]`, so a task that ends in `ERROR` fails the apply, quoting the task's " +
				"`ERROR` and `WARN` messages.",
			resourceNote: " The task id is kept in state either way.",
			setValidators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOfCaseInsensitive(append(sailpoint.CompletionStatuses, "TEMP_ERROR")...)),
			},
		},
		"poll_interval": {
			kind: argDuration,
			description: "The longest pause between two polls while waiting, as a Go duration such as `\"10s\"` or " +
				"`\"1m\"` (at least `1s`). Defaults to `30s`. Polls back off from about a second to this, with jitter.",
			stringValidators: []validator.String{minDuration(sailpoint.DefaultPollMin, "Poll interval")},
		},
	}
}

// apply sets how to gate on the task; null arguments (an action's, which
// has no defaults in its schema) take the resources' defaults.
func (g *gateArgs) apply(ctx context.Context, lr *launchRequest) diag.Diagnostics {
	var diags diag.Diagnostics
	lr.wait = g.WaitForCompletion.IsNull() || g.WaitForCompletion.ValueBool()
	lr.expected = defaultExpected
	if !g.ExpectedCompletionStatuses.IsNull() {
		lr.expected = nil
		diags = g.ExpectedCompletionStatuses.ElementsAs(ctx, &lr.expected, false)
	}
	lr.pollInterval = goDuration(g.PollInterval)
	return diags
}

// sourceArgs are the arguments of a launch that works on a source.
type sourceArgs struct {
	SourceID            types.String `tfsdk:"source_id"`
	WaitForRunningTasks types.Bool   `tfsdk:"wait_for_running_tasks"`
}

func sourceArguments() map[string]launchArgument {
	return map[string]launchArgument{
		"source_id": {
			required:         true,
			description:      "The id of the source to aggregate, such as `2c9180835d191a86015d28455b4a2329`.",
			stringValidators: []validator.String{idValidator("source id", sailpoint.ValidateSourceID)},
		},
		"wait_for_running_tasks": {
			kind:        argBool,
			boolDefault: &defaultTrue,
			description: "Before starting, wait until no task of the source is still running, so two aggregations " +
				"of one source never overlap (for instance after an interrupted apply). The wait counts against " +
				"{timeout}. Defaults to `true`. On `api_version` `v2024` and `beta`, whose task list has only " +
				"finished tasks, the running tasks come from the deprecated `pending-tasks` list.",
		},
	}
}

func (s *sourceArgs) waitForRunning() bool {
	return s.WaitForRunningTasks.IsNull() || s.WaitForRunningTasks.ValueBool()
}

// fileArg is the optional CSV to upload with an aggregation.
type fileArg struct {
	File types.String `tfsdk:"file"`
}

func (f *fileArg) upload() *fileArg { return f }

// withFile is a model with a file to upload.
type withFile interface{ upload() *fileArg }

func fileArgument() launchArgument {
	return launchArgument{
		description: "Path of a CSV file to upload, for delimited-file sources, relative to the directory " +
			"Terraform runs in (use `\"${path.module}/accounts.csv\"`).",
		resourceNote:     " A change of its content is noticed at plan time (through `file_sha256`) and starts a new task.",
		stringValidators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// readUpload reads the file a model names, nil without one. planned is the
// SHA-256 the plan holds; unknown or null is not checked.
func readUpload(args any, planned types.String) (*sailpoint.LaunchFile, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	f, ok := args.(withFile)
	if !ok || f.upload().File.IsNull() {
		return nil, "", diags
	}
	name := f.upload().File.ValueString()
	content, err := os.ReadFile(name)
	if err != nil {
		diags.AddAttributeError(path.Root("file"), "Cannot read the file to upload", fmt.Sprintf("Reading %q: %v. Nothing was started.", name, err))
		return nil, "", diags
	}
	sum := sha256Hex(content)
	if !planned.IsUnknown() && !planned.IsNull() && planned.ValueString() != sum {
		diags.AddAttributeError(path.Root("file"), "The file changed after the plan", fmt.Sprintf(
			"%q had SHA-256 %s when the plan was made and has %s now. Nothing was started; plan again to upload what the file holds now.",
			name, planned.ValueString(), sum))
		return nil, "", diags
	}
	return &sailpoint.LaunchFile{Name: filepath.Base(name), Content: content}, sum, diags
}

// plannedFileHash is the SHA-256 of the file to upload as the plan sees it:
// null without a file, unknown while the file or its path is not there yet.
func plannedFileHash(ctx context.Context, file types.String) (types.String, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case file.IsNull():
		return types.StringNull(), diags
	case file.IsUnknown():
		return types.StringUnknown(), diags
	}
	content, err := os.ReadFile(file.ValueString())
	switch {
	case err == nil:
		return types.StringValue(sha256Hex(content)), diags
	case errors.Is(err, fs.ErrNotExist):
		// It may be written during the apply; it is read then.
		tflog.Debug(ctx, "The file to upload does not exist yet; its hash is known after apply", map[string]any{"file": file.ValueString()})
		return types.StringUnknown(), diags
	}
	diags.AddAttributeError(path.Root("file"), "Cannot read the file to upload", fmt.Sprintf("Reading %q: %v.", file.ValueString(), err))
	return types.StringUnknown(), diags
}

// withFileArgument is an operation's arguments with the file to upload.
func withFileArgument(sets ...map[string]launchArgument) map[string]launchArgument {
	out := map[string]launchArgument{"file": fileArgument()}
	for _, set := range sets {
		for name, a := range set {
			out[name] = a
		}
	}
	return out
}
