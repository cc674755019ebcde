package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// An operation is one kind of job a pipeline starts, as the provider shows
// it: an account aggregation, an identity processing, ... Each is one
// value in its own file (account_aggregation.go, ...) over the client's one
// declaration of it: its own arguments with their typed model, the
// client request they make, and its doc text. The provider lists a
// resource and an action for each of operations (provider.go); the one
// launch resource (launch_resource.go) and the one launch action
// (launch_action.go) take it as a value, and both start it through
// runLaunch (launch.go).
type operation struct {
	typeName string // after "sailpoint_"
	// declared is the client's declaration: its name, the API versions
	// that have it, what it needs.
	declared            *sailpoint.Operation
	resourceDescription string
	actionDescription   string
	// source marks an operation on a source: it has source_id,
	// wait_for_running_tasks and clear_pending_tasks_older_than, and waits
	// for the source to be idle first.
	source bool
	// file says whether the operation uploads a CSV: the file argument,
	// and file_sha256 on the resource.
	file fileUse
	// arguments are the operation's own, besides the source's and the
	// file, rendered from ownModel's fields: each shapes the task, so
	// changing one starts a new task.
	arguments map[string]argument
	ownModel  reflect.Type
	// request builds the client's request from what every launch takes and
	// the operation's own arguments, and says what the task works on, for
	// messages (`of source "2c91..."`).
	request func(ctx context.Context, in launchInput, own attrs) (sailpoint.Start, string, diag.Diagnostics)
	// liveDetail reads what the tenant reports of a running task besides
	// its progress, for an action's progress lines (resources read nothing
	// more); false ends it for the invocation. nil: none.
	liveDetail func(ctx context.Context, c *sailpoint.Client, taskID string) (detail string, ok bool)
}

type fileUse int

const (
	noFile fileUse = iota
	optionalFile
	requiredFile
)

// launchInput is what every operation on a source starts from: the source
// and the file to upload (nil without one).
type launchInput struct {
	sourceID string
	file     *sailpoint.LaunchFile
}

// operationSpec is an operation whose own arguments are the typed model A
// (a struct of framework values with tfsdk tags, struct{} for none).
type operationSpec[A any] struct {
	operation
	// start builds the client's request.
	start func(in launchInput, args A) (sailpoint.Start, error)
	// subject says what the task works on, for messages; nil means the
	// source: `of source "2c91..."`.
	subject func(args A) string
}

// define makes the operation of spec: its own arguments are read through
// its model, so a model that names an attribute the schema lacks is an
// error (and a test failure, operationProblems), not a silent null.
func define[A any](spec operationSpec[A]) operation {
	op := spec.operation
	op.ownModel = reflect.TypeFor[A]()
	op.request = func(ctx context.Context, in launchInput, own attrs) (sailpoint.Start, string, diag.Diagnostics) {
		var args A
		diags := own.decode(ctx, &args)
		if diags.HasError() {
			return sailpoint.Start{}, "", diags
		}
		subject := fmt.Sprintf("of source %q", in.sourceID)
		if spec.subject != nil {
			subject = spec.subject(args)
		}
		start, err := spec.start(in, args)
		if err != nil {
			diags.AddError("Invalid arguments for the "+op.title(), capitalize(err.Error())+". Nothing was started.")
		}
		return start, subject, diags
	}
	return op
}

// operations are every operation the provider shows as a resource and an
// action, in the order the client declares them.
var operations = []operation{
	accountAggregation,
	entitlementAggregation,
	identityProcessing,
	uncorrelatedAccountImport,
	sourceAccountReset,
	sourceEntitlementReset,
	machineIdentityAggregation,
}

func (op operation) newResource() resource.Resource     { return newLaunchResource(op) }
func (op operation) newAction() action.Action           { return newLaunchAction(op) }
func (op operation) newListResource() list.ListResource { return newLaunchList(op) }

// title names the operation in messages: "account aggregation".
func (op operation) title() string { return op.declared.Name }

// operationProblems names what is wrong with an operation's definition:
// its model and its arguments must name the same attributes, and it must
// agree with the client's declaration. Tests run it over operations.
func operationProblems(op operation) []string {
	var out []string
	if op.typeName == "" || op.declared == nil || op.request == nil || op.ownModel == nil {
		return []string{fmt.Sprintf("%q is not defined with define (type name, declaration, request and model)", op.typeName)}
	}
	names, err := tfsdkNames(reflect.New(op.ownModel).Interface())
	if err != nil {
		return []string{err.Error()}
	}
	for _, name := range names {
		if _, ok := op.arguments[name]; !ok {
			out = append(out, fmt.Sprintf("sailpoint_%s: its model %s reads %q, which is not one of its arguments", op.typeName, op.ownModel, name))
		}
	}
	for name := range op.arguments {
		if !slices.Contains(names, name) {
			out = append(out, fmt.Sprintf("sailpoint_%s: its argument %q is not read by its model %s", op.typeName, name, op.ownModel))
		}
	}
	if !op.declared.StartsJob() {
		out = append(out, fmt.Sprintf("sailpoint_%s: the client's %q starts no job", op.typeName, op.declared.Name))
	}
	if op.file != noFile && op.declared.Body != sailpoint.FormBody {
		out = append(out, fmt.Sprintf("sailpoint_%s uploads a file, but the client's %q sends no form", op.typeName, op.declared.Name))
	}
	return out
}

// describe names a launch for people: `account aggregation of source "2c91..."`.
func (op operation) describe(subject string) string { return op.title() + " " + subject }

// versionProblem refuses, at plan, an operation the configured api_version
// lacks, naming the versions that have it; nil when it has it, or while the
// provider is not configured yet.
func (op operation) versionProblem(data *providerData) diag.Diagnostic {
	if data == nil || data.client == nil {
		return nil
	}
	var unsupported *sailpoint.UnsupportedOperationError
	if err := op.declared.Supports(data.client.APIVersion()); errors.As(err, &unsupported) {
		return diag.NewErrorDiagnostic(fmt.Sprintf("api_version %s has no %s", unsupported.Version, op.title()), fmt.Sprintf(
			"The provider is configured with api_version %q, and the API offers %s on %s only. Nothing was started. "+
				"Use a provider block with one of those versions for sailpoint_%s (an aliased provider block, if the rest "+
				"of the configuration needs %s).", unsupported.Version, op.title(), orList(unsupported.Versions), op.typeName, unsupported.Version))
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

// allArguments are the operation's arguments with the source's, the
// file's and the retry's, as every form shows them.
func (op operation) allArguments() map[string]argument {
	out := map[string]argument{}
	if op.source {
		for name, a := range sourceArguments {
			out[name] = a
		}
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
