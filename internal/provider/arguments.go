package provider

import (
	"context"
	"fmt"
	"reflect"
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

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Arguments are written once and rendered into each form's schema (data
// source, resource, action). The arguments every launch shares are here,
// each group with its typed model: a model's tfsdk tags must name
// attributes of the schema, or decoding it fails (attrs.decode), so a
// misspelt name is an error, never a silent null.

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
	// argConfigDocument is an SP-Config document as text, the same when
	// its objects are (configDocumentType).
	argConfigDocument
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
	switch a.kind {
	case argDuration:
		s.CustomType = timetypes.GoDurationType{}
	case argConfigDocument:
		s.CustomType = configDocumentType{}
	}
	return s
}

// resourceDefault is what a resource plans for the argument when it is not
// set, as resourceAttribute renders it; nil without a default.
func (a argument) resourceDefault() attr.Value {
	switch {
	case a.boolDefault != nil:
		return types.BoolValue(*a.boolDefault)
	case a.setDefault != nil:
		return stringSetValue(a.setDefault)
	}
	return nil
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
	switch a.kind {
	case argDuration:
		s.CustomType = timetypes.GoDurationType{}
	case argConfigDocument:
		s.CustomType = configDocumentType{}
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
			"Terraform runs in (use `\"${path.module}/accounts.csv\"`). A regular file of at most 256 MiB (268,435,456 bytes), " +
			"streamed when it is uploaded.",
		notes:            [3]string{resourceForm: " A change of its content is noticed at plan time (through `file_sha256`) and starts a new task."},
		stringValidators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
)

// sourceArgs are the arguments of an operation on a source.
type sourceArgs struct {
	SourceID              types.String         `tfsdk:"source_id"`
	WaitForRunningTasks   types.Bool           `tfsdk:"wait_for_running_tasks"`
	ClearPendingOlderThan timetypes.GoDuration `tfsdk:"clear_pending_tasks_older_than"`
}

// sourceArguments render sourceArgs.
var sourceArguments = map[string]argument{
	"source_id":                      sourceIDArgument,
	"wait_for_running_tasks":         waitForRunningArgument,
	"clear_pending_tasks_older_than": clearPendingArgument,
}

// fileArgs is the file an operation uploads.
type fileArgs struct {
	File types.String `tfsdk:"file"`
}

// retryArgs restart a task that ended with one of the listed statuses
// (ISC's TEMPERROR, say): every launch has them.
type retryArgs struct {
	RetryOnStatuses types.Set            `tfsdk:"retry_on_statuses"`
	RetryAttempts   types.Int64          `tfsdk:"retry_attempts"`
	RetryDelay      timetypes.GoDuration `tfsdk:"retry_delay"`
}

// decode reads the attributes a model's tfsdk tags name into it (a
// pointer to a struct of framework values). A tag that names no attribute
// is an error: the model and the schema disagree.
func (a attrs) decode(ctx context.Context, model any) diag.Diagnostics {
	var diags diag.Diagnostics
	names, err := tfsdkNames(model)
	if err != nil {
		diags.AddError("Provider model error", err.Error()+". This is a bug in the provider; please report it.")
		return diags
	}
	values, valueTypes := map[string]attr.Value{}, map[string]attr.Type{}
	for _, name := range names {
		v, ok := a[name]
		if !ok {
			diags.AddError("Provider model error", fmt.Sprintf("The model %T reads the attribute %q, which the schema does not have. "+
				"This is a bug in the provider; please report it.", model, name))
			continue
		}
		values[name], valueTypes[name] = v, v.Type(ctx)
	}
	if diags.HasError() {
		return diags
	}
	obj, d := types.ObjectValue(valueTypes, values)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	return append(diags, obj.As(ctx, model, basetypes.ObjectAsOptions{})...)
}

// encode writes a model's values into a under its tfsdk tags.
func (a attrs) encode(model any) diag.Diagnostics {
	var diags diag.Diagnostics
	rv := reflect.ValueOf(model)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	for i := range rv.NumField() {
		name := rv.Type().Field(i).Tag.Get("tfsdk")
		if name == "" || name == "-" {
			continue
		}
		v, ok := rv.Field(i).Interface().(attr.Value)
		if !ok {
			diags.AddError("Provider model error", fmt.Sprintf("%T.%s is not a framework value. This is a bug in the provider; please report it.", model, rv.Type().Field(i).Name))
			continue
		}
		if _, ok := a[name]; !ok {
			diags.AddError("Provider model error", fmt.Sprintf("The model %T writes the attribute %q, which the schema does not have. "+
				"This is a bug in the provider; please report it.", model, name))
			continue
		}
		a[name] = v
	}
	return diags
}

// tfsdkNames are the tfsdk tags of a model's fields.
func tfsdkNames(model any) ([]string, error) {
	t := reflect.TypeOf(model)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("the model %T is not a struct", model)
	}
	var names []string
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("tfsdk"); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names, nil
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

// setStrings are the known strings of a set of strings, nil when it is
// null or unknown.
func setStrings(s types.Set) []string {
	var out []string
	for _, e := range s.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}
