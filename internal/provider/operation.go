package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// An operation is one kind of task a pipeline starts: an account
// aggregation, an identity processing, ... Each is one value, declared in
// its own file (account_aggregation.go, ...): its own arguments, the
// request it makes and its doc text. The one launch resource
// (launch_resource.go) and the one launch action (launch_action.go) take
// it as a value, and both start it through runLaunch (launch.go).
type operation struct {
	typeName string // after "sailpoint_"
	// title names the operation in messages: "account aggregation".
	title               string
	resourceDescription string
	actionDescription   string
	// source marks an operation on a source: it has source_id and
	// wait_for_running_tasks, and waits for the source to be idle first.
	source bool
	// file says whether the operation uploads a CSV: the file argument,
	// and file_sha256 on the resource.
	file fileUse
	// arguments are the operation's own, besides the source's and the file.
	// Each shapes the task: changing one starts a new task.
	arguments map[string]argument
	// start starts the task from what was configured.
	start func(ctx context.Context, c *sailpoint.Client, in launchInput) (*sailpoint.Launch, error)
	// liveDetail reads what the tenant reports of a running task besides
	// its progress, for an action's progress lines (resources read nothing
	// more); false ends it for the invocation. nil: none.
	liveDetail func(ctx context.Context, c *sailpoint.Client, taskID string) (detail string, ok bool)
	// subject says what the task works on, for messages; nil means the
	// source: `of source "2c91..."`.
	subject func(in launchInput) string
}

type fileUse int

const (
	noFile fileUse = iota
	optionalFile
	requiredFile
)

// launchInput is what an operation starts from: its arguments as
// configured and, for an operation on a source, the source and the file
// to upload (nil without one).
type launchInput struct {
	args     attrs
	sourceID string
	file     *sailpoint.LaunchFile
}

// describe names a launch for people: `account aggregation of source "2c91..."`.
func (op operation) describe(in launchInput) string {
	if op.subject != nil {
		return op.title + " " + op.subject(in)
	}
	return fmt.Sprintf("%s of source %q", op.title, in.sourceID)
}

// versionProblem refuses, at plan, an operation the configured api_version
// lacks, naming the versions that have it; nil when it has it, or while the
// provider is not configured yet.
func (op operation) versionProblem(data *providerData) diag.Diagnostic {
	if data == nil || data.client == nil {
		return nil
	}
	var unsupported *sailpoint.UnsupportedOperationError
	if err := sailpoint.ValidateOperationVersion(op.title, data.client.APIVersion()); errors.As(err, &unsupported) {
		return diag.NewErrorDiagnostic(fmt.Sprintf("api_version %s has no %s", unsupported.Version, op.title), fmt.Sprintf(
			"The provider is configured with api_version %q, and the API offers %s on %s only. Nothing was started. "+
				"Use a provider block with one of those versions for sailpoint_%s (an aliased provider block, if the rest "+
				"of the configuration needs %s).", unsupported.Version, op.title, orList(unsupported.Versions), op.typeName, unsupported.Version))
	}
	return nil
}

// shaping are the resource attributes whose change starts a new task:
// the operation's own arguments, the source, the file's content (not its
// path) and the triggers. The others say how to wait, and update in place.
func (op operation) shaping() []string {
	names := []string{"triggers"}
	if op.source {
		names = append(names, "source_id")
	}
	if op.file != noFile {
		names = append(names, "file_sha256")
	}
	for name := range op.arguments {
		names = append(names, name)
	}
	return names
}

// allArguments are the operation's arguments with the source's and the
// file, as every form shows them.
func (op operation) allArguments() map[string]argument {
	out := map[string]argument{}
	if op.source {
		out["source_id"] = sourceIDArgument
		out["wait_for_running_tasks"] = waitForRunningArgument
		out["clear_pending_tasks_older_than"] = clearPendingArgument
	}
	for name, a := range retryArguments {
		out[name] = a
	}
	if op.file != noFile {
		f := fileArgument
		f.required = op.file == requiredFile
		out["file"] = f
	}
	for name, a := range op.arguments {
		out[name] = a
	}
	return out
}

// prepare builds what to start from the arguments and the gate, reading
// the file to upload (checked against plannedSum unless that is null or
// unknown); fileSHA256 is that file's hash, "" without one.
func (op operation) prepare(args attrs, gate gateArgs, f form, plannedSum types.String) (lr launchRequest, fileSHA256 string, diags diag.Diagnostics) {
	in := launchInput{args: args}
	if op.source {
		in.sourceID = args.str("source_id").ValueString()
		lr.sourceID = in.sourceID
		w := args.boolean("wait_for_running_tasks")
		lr.waitForRunning = w.IsNull() || w.ValueBool()
		lr.clearOlderThan = goDuration(args.duration("clear_pending_tasks_older_than"))
	}
	lr.retryOn = args.strings("retry_on_statuses")
	if len(lr.retryOn) > 0 {
		lr.retryAttempts, lr.retryDelay = 1, defaultRetryDelay
		if n := args.int64("retry_attempts"); !n.IsNull() && !n.IsUnknown() {
			lr.retryAttempts = int(n.ValueInt64())
		}
		if d := goDuration(args.duration("retry_delay")); d > 0 {
			lr.retryDelay = d
		}
	}
	if op.file != noFile {
		in.file, fileSHA256, diags = readUpload(args.str("file"), plannedSum)
		if diags.HasError() {
			return lr, "", diags
		}
	}
	lr.operation = op.describe(in)
	lr.kind = op.title
	lr.start = func(ctx context.Context, c *sailpoint.Client) (*sailpoint.Launch, error) { return op.start(ctx, c, in) }
	lr.wait = gate.wait(f)
	lr.expected = gate.expected(f)
	lr.pollInterval = goDuration(gate.PollInterval)
	return lr, fileSHA256, diags
}

// attrs is a configuration, plan or state read as its attributes by name:
// the one shape every operation's values share, whatever its arguments.
type attrs map[string]attr.Value

// object is a as the value of a schema of type t.
func (a attrs) object(t attr.Type) (types.Object, diag.Diagnostics) {
	ot, ok := t.(types.ObjectType)
	if !ok {
		var diags diag.Diagnostics
		diags.AddError("Unexpected schema type", fmt.Sprintf("The schema is a %T, not an object. This is a bug in the provider; please report it.", t))
		return types.ObjectNull(nil), diags
	}
	return types.ObjectValue(ot.AttrTypes, a)
}

func (a attrs) str(name string) types.String {
	if v, ok := a[name].(basetypes.StringValuable); ok {
		s, _ := v.ToStringValue(context.Background())
		return s
	}
	return types.StringNull()
}

func (a attrs) boolean(name string) types.Bool {
	if v, ok := a[name].(types.Bool); ok {
		return v
	}
	return types.BoolNull()
}

func (a attrs) int64(name string) types.Int64 {
	if v, ok := a[name].(types.Int64); ok {
		return v
	}
	return types.Int64Null()
}

func (a attrs) set(name string) types.Set {
	if v, ok := a[name].(types.Set); ok {
		return v
	}
	return types.SetNull(types.StringType)
}

func (a attrs) duration(name string) timetypes.GoDuration {
	if v, ok := a[name].(timetypes.GoDuration); ok {
		return v
	}
	return timetypes.NewGoDurationNull()
}

// strings are the known strings of a set of strings, nil when it is null.
func (a attrs) strings(name string) []string {
	var out []string
	for _, e := range a.set(name).Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// form is where an argument is shown: a data source, a resource, an action.
type form int

const (
	dataSourceForm form = iota
	resourceForm
	actionForm
)

// run is what fails when a gate fails, in each form.
func (f form) run() string {
	return [...]string{"the read", "the apply", "the invocation"}[f]
}

func (f form) timeoutName() string {
	return [...]string{readTimeoutName, resourceTimeoutName, actionTimeoutName}[f]
}

type argKind int

const (
	argString argKind = iota
	argBool
	argStringSet
	argDuration
	argInt
)

// argument is one argument, written once and rendered into each form's
// schema. In descriptions, {timeout} names what bounds the wait and {run}
// what a failed gate fails; notes are said of one form only.
type argument struct {
	kind        argKind
	required    bool
	description string
	notes       [3]string // by form
	// The resource's defaults, in its plan; a data source and an action
	// have none in their schema (gateArgs applies each form's own).
	boolDefault      *bool
	setDefault       []string
	stringValidators []validator.String
	setValidators    []validator.Set
	intValidators    []validator.Int64
}

func (a argument) describe(f form) string {
	r := strings.NewReplacer("{timeout}", "`"+f.timeoutName()+"`", "{run}", f.run())
	return r.Replace(a.description + a.notes[f])
}

// resourceAttribute renders a for a resource, with the defaults in the
// plan. What a change does is the resource's ModifyPlan's to say (a new
// task, unless the resource adopted its task by import).
func (a argument) resourceAttribute() rschema.Attribute {
	desc := a.describe(resourceForm)
	optional := !a.required
	switch a.kind {
	case argBool:
		b := rschema.BoolAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc}
		if a.boolDefault != nil {
			b.Computed, b.Default = true, booldefault.StaticBool(*a.boolDefault)
		}
		return b
	case argInt:
		return rschema.Int64Attribute{Required: a.required, Optional: optional, MarkdownDescription: desc, Validators: a.intValidators}
	case argStringSet:
		s := rschema.SetAttribute{Required: a.required, Optional: optional, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: a.setValidators}
		if a.setDefault != nil {
			s.Computed, s.Default = true, setdefault.StaticValue(stringSetValue(a.setDefault))
		}
		return s
	}
	s := rschema.StringAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc, Validators: a.stringValidators}
	if a.kind == argDuration {
		s.CustomType = timetypes.GoDurationType{}
	}
	return s
}

func (a argument) actionAttribute() aschema.Attribute {
	desc := a.describe(actionForm)
	optional := !a.required
	switch a.kind {
	case argBool:
		return aschema.BoolAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc}
	case argInt:
		return aschema.Int64Attribute{Required: a.required, Optional: optional, MarkdownDescription: desc, Validators: a.intValidators}
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

func (a argument) dataSourceAttribute() dsschema.Attribute {
	desc := a.describe(dataSourceForm)
	optional := !a.required
	switch a.kind {
	case argBool:
		return dsschema.BoolAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc}
	case argInt:
		return dsschema.Int64Attribute{Required: a.required, Optional: optional, MarkdownDescription: desc, Validators: a.intValidators}
	case argStringSet:
		return dsschema.SetAttribute{Required: a.required, Optional: optional, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: a.setValidators}
	}
	s := dsschema.StringAttribute{Required: a.required, Optional: optional, MarkdownDescription: desc, Validators: a.stringValidators}
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

var defaultTrue = true

// Restarting a task that ended in a temporary error.
const (
	defaultRetryDelay = time.Minute
	maxRetryAttempts  = 5
)

// retryArguments restart a task that ended with one of the listed statuses
// (ISC's TEMPERROR, say): every launch has them.
var retryArguments = map[string]argument{
	"retry_on_statuses": {
		kind: argStringSet,
		description: "Start the task again when it finishes with one of these statuses, such as `[\"TEMPERROR\"]`, ISC's status " +
			"for a temporary error (a virtual appliance that did not answer). A new task is safe then: the one before has " +
			"finished. Not set (the default): never. A launch whose request may have reached the tenant is never sent again. " +
			"Only the last task is checked against `expected_completion_statuses`; the error names the earlier ones.",
		notes: [3]string{resourceForm: " Every task started is in `task_ids`; `task_id` and `task` are the last. An update " +
			"(after Ctrl-C, an import) starts nothing, so it does not restart a task either."},
		setValidators: []validator.Set{
			setvalidator.SizeAtLeast(1),
			setvalidator.ValueStringsAre(stringvalidator.OneOfCaseInsensitive(append(slices.Clone(sailpoint.CompletionStatuses), "TEMP_ERROR")...)),
		},
	},
	"retry_attempts": {
		kind: argInt,
		description: fmt.Sprintf("How many more tasks `retry_on_statuses` may start, 1 to %d. Defaults to 1 when "+
			"`retry_on_statuses` is set. Every attempt counts against {timeout}.", maxRetryAttempts),
		intValidators: []validator.Int64{int64validator.Between(1, maxRetryAttempts), int64validator.AlsoRequires(path.MatchRoot("retry_on_statuses"))},
	},
	"retry_delay": {
		kind: argDuration,
		description: "How long to wait after a task ended with a status of `retry_on_statuses` before starting the next, as a " +
			"Go duration such as `\"5m\"` (at least `1s`). Defaults to `1m`.",
		stringValidators: []validator.String{minDuration(time.Second, "Retry delay")},
	},
}

// clearPendingArgument clears tasks of the source stuck for longer than
// this before starting: every operation on a source has it.
var clearPendingArgument = argument{
	kind: argDuration,
	description: "Clear the source's running tasks that were launched longer ago than this (`created` when not launched " +
		"yet), as a Go duration such as `\"12h\"`, while waiting for the source to be idle: each is marked finished with " +
		"`ERROR` (`PATCH /task-status/{id}`, which ISC documents for clearing a pending task) and named in a warning, " +
		"then the wait goes on; younger ones are waited for. A task that cannot be cleared fails {run} and nothing is " +
		"started. Clearing takes a user token: a personal access token with `idn:task-management:write`. Not set (the " +
		"default): nothing is cleared.",
	stringValidators: []validator.String{minDuration(time.Minute, "Age of a pending task")},
}

// The arguments of an operation on a source.
var (
	sourceIDArgument = argument{
		required:         true,
		description:      "The id of the source, such as `2c9180835d191a86015d28455b4a2329`.",
		stringValidators: []validator.String{idValidator("source id", sailpoint.ValidateSourceID)},
	}
	waitForRunningArgument = argument{
		kind:        argBool,
		boolDefault: &defaultTrue,
		description: "Before starting, wait until no task of the source is still running, so two tasks " +
			"of one source never overlap (for instance after an interrupted apply). The wait counts against " +
			"{timeout}. Defaults to `true`. On `api_version` `v2024` and `beta`, whose task list has only " +
			"finished tasks, the running tasks come from the deprecated `pending-tasks` list.",
	}
	fileArgument = argument{
		description: "Path of a CSV file to upload, for delimited-file sources, relative to the directory " +
			"Terraform runs in (use `\"${path.module}/accounts.csv\"`).",
		notes:            [3]string{resourceForm: " A change of its content is noticed at plan time (through `file_sha256`) and starts a new task."},
		stringValidators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
)

// readUpload reads the file to upload, nil without one. planned is the
// SHA-256 the plan holds; unknown or null is not checked.
func readUpload(file, planned types.String) (*sailpoint.LaunchFile, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if file.IsNull() {
		return nil, "", diags
	}
	name := file.ValueString()
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
		// Another resource of the apply (a local_file) may write it; it is
		// read when this one is applied.
		tflog.Debug(ctx, "The file to upload does not exist yet; its hash is known after apply", map[string]any{"file": file.ValueString()})
		diags.AddAttributeWarning(path.Root("file"), "The file to upload does not exist yet", fmt.Sprintf(
			"%q does not exist now. If another resource of this apply writes it, it is read when this resource is applied; "+
				"if it is still missing then, nothing is started. Otherwise check the path (relative paths are read from the "+
				"directory Terraform runs in: use \"${path.module}/...\").", file.ValueString()))
		return types.StringUnknown(), diags
	}
	diags.AddAttributeError(path.Root("file"), "Cannot read the file to upload", fmt.Sprintf("Reading %q: %v. Name a readable CSV file.", file.ValueString(), err))
	return types.StringUnknown(), diags
}
