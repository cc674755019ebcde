package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Promoting configuration between tenants: an SP-Config import is a job
// that is not a task. It is one more declaration in the client
// (sailpoint.ConfigImportOp, its job read at its own status endpoint), the
// same launch path (runLaunch: one POST, the wait, the gate; imports of one
// configuration take turns), with an awaiter of its own (configImportJob:
// the job's status, then its results, downloaded once) and forms of its own,
// since what it keeps is a job's status and results, not a task's
// (config_import_resource.go, config_import_action.go).

// configImport is the operation, for messages and what it needs.
var configImport = operation{
	typeName: "config_import",
	declared: sailpoint.ConfigImportOp.Operation,
}

// configTurn is what the imports of one configuration take turns on: the
// tenant's configuration, which two imports at once would both change.
const configTurn = "SP-Config imports"

// configImportArgs are what an import takes, in every form.
type configImportArgs struct {
	File              types.String         `tfsdk:"file"`
	Content           configDocumentValue  `tfsdk:"content"`
	IncludeTypes      types.Set            `tfsdk:"include_types"`
	ExcludeTypes      types.Set            `tfsdk:"exclude_types"`
	ObjectOptions     types.Map            `tfsdk:"object_options"`
	DefaultReferences types.Set            `tfsdk:"default_references"`
	ExcludeBackup     types.Bool           `tfsdk:"exclude_backup"`
	Preview           types.Bool           `tfsdk:"preview"`
	FailOnWarnings    types.Bool           `tfsdk:"fail_on_warnings"`
	PollInterval      timetypes.GoDuration `tfsdk:"poll_interval"`
	MinPollInterval   timetypes.GoDuration `tfsdk:"min_poll_interval"`
}

// objectOptionsModel is one entry of object_options.
type objectOptionsModel struct {
	IncludedIDs   types.Set `tfsdk:"included_ids"`
	IncludedNames types.Set `tfsdk:"included_names"`
}

// configDocument is the import's document as read at plan or at apply:
// what it holds and where its bytes come from.
type configDocument struct {
	parsed *sailpoint.ConfigDocument
	source *sailpoint.LaunchFile
	// name names it in messages: the file's path, or "content".
	name string
}

// readConfigDocument reads and checks the document of file or content. A
// file that does not exist yet is not an error when missingOK (a plan:
// another resource of the apply may write it): the document is nil then.
func readConfigDocument(args configImportArgs, missingOK bool) (*configDocument, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case !args.File.IsNull() && !args.File.IsUnknown():
		name := args.File.ValueString()
		parsed, err := sailpoint.ParseConfigDocumentFile(name)
		if errors.Is(err, fs.ErrNotExist) && missingOK {
			diags.AddAttributeWarning(path.Root("file"), "The SP-Config document does not exist yet", fmt.Sprintf(
				"%q does not exist now. If another resource of this apply writes it, it is read when this resource is applied; "+
					"if it is still missing then, nothing is imported.", name))
			return nil, diags
		}
		if err != nil {
			diags.AddAttributeError(path.Root("file"), "Not an SP-Config document", fmt.Sprintf("Reading %q: %s. Nothing was sent: "+
				"name a JSON document with an objects array, as `sail spconfig export` or the sailpoint_config_export data source writes it.",
				name, err))
			return nil, diags
		}
		source, err := sailpoint.ConfigDocumentFile(name)
		if err != nil {
			diags.AddAttributeError(path.Root("file"), "Cannot read the SP-Config document", fmt.Sprintf("Reading %q: %s. Nothing was sent.", name, err))
			return nil, diags
		}
		return &configDocument{parsed: parsed, source: source, name: name}, diags
	case !args.Content.IsNull() && !args.Content.IsUnknown():
		content := args.Content.ValueString()
		parsed, err := sailpoint.ParseConfigDocument(strings.NewReader(content))
		if err != nil {
			diags.AddAttributeError(path.Root("content"), "Not an SP-Config document", fmt.Sprintf("content: %s. Nothing was sent: "+
				"give a JSON document with an objects array, as `sail spconfig export` or the sailpoint_config_export data source writes it.", err))
			return nil, diags
		}
		return &configDocument{parsed: parsed, source: &sailpoint.LaunchFile{Name: "sp-config.json", Content: []byte(content), Size: int64(len(content))}, name: "content"}, diags
	}
	return nil, diags // unknown until apply
}

// importOptions are the configured options as the API takes them.
func importOptions(ctx context.Context, args configImportArgs) (sailpoint.ConfigImportOptions, diag.Diagnostics) {
	opts := sailpoint.ConfigImportOptions{
		IncludeTypes:      setStrings(args.IncludeTypes),
		ExcludeTypes:      setStrings(args.ExcludeTypes),
		DefaultReferences: setStrings(args.DefaultReferences),
		ExcludeBackup:     args.ExcludeBackup.ValueBool(),
	}
	slices.Sort(opts.IncludeTypes)
	slices.Sort(opts.ExcludeTypes)
	slices.Sort(opts.DefaultReferences)
	var diags diag.Diagnostics
	if args.ObjectOptions.IsNull() || args.ObjectOptions.IsUnknown() {
		return opts, diags
	}
	var byType map[string]objectOptionsModel
	diags.Append(args.ObjectOptions.ElementsAs(ctx, &byType, false)...)
	opts.ObjectOptions = map[string]sailpoint.ConfigObjectOptions{}
	for typ, o := range byType {
		ids, names := setStrings(o.IncludedIDs), setStrings(o.IncludedNames)
		slices.Sort(ids)
		slices.Sort(names)
		opts.ObjectOptions[typ] = sailpoint.ConfigObjectOptions{IncludedIDs: ids, IncludedNames: names}
	}
	return opts, diags
}

// optionsProblem checks the options against the spec and the document:
// a diagnostic naming what is wrong, nil when nothing is.
func optionsProblem(opts sailpoint.ConfigImportOptions, doc *sailpoint.ConfigDocument) diag.Diagnostic {
	if err := sailpoint.ValidateConfigImportOptions(opts, doc); err != nil {
		return diag.NewErrorDiagnostic("Invalid SP-Config import options", capitalize(err.Error())+". Nothing was sent.")
	}
	return nil
}

// prepareConfigImport reads what an import starts from: the document, the
// options, checked; plannedSum, when known, must be the document's
// objects_sha256 still.
func prepareConfigImport(ctx context.Context, args configImportArgs, preview bool, plannedSum types.String) (launch, *configDocument, diag.Diagnostics) {
	var l launch
	doc, diags := readConfigDocument(args, false)
	if diags.HasError() {
		return l, nil, diags
	}
	if doc == nil {
		diags.AddError("No SP-Config document", "Set file or content. Nothing was sent.")
		return l, nil, diags
	}
	if !plannedSum.IsNull() && !plannedSum.IsUnknown() && plannedSum.ValueString() != doc.parsed.ObjectsSHA256 {
		diags.AddError("The SP-Config document changed after the plan", fmt.Sprintf(
			"%s held objects with objects_sha256 %s when the plan was made and holds %s now. Nothing was sent; plan again to import what it holds now.",
			doc.name, plannedSum.ValueString(), doc.parsed.ObjectsSHA256))
		return l, nil, diags
	}
	opts, d := importOptions(ctx, args)
	diags.Append(d...)
	if d := optionsProblem(opts, doc.parsed); d != nil {
		diags.Append(d)
	}
	if diags.HasError() {
		return l, nil, diags
	}
	start, err := sailpoint.ConfigImportOp.Prepare(sailpoint.ConfigImportRequest{Document: doc.source, Options: opts, Preview: preview})
	if err != nil {
		diags.AddError("Invalid SP-Config import", capitalize(err.Error())+". Nothing was sent.")
		return l, nil, diags
	}
	what := "SP-Config import"
	if preview {
		what = "SP-Config import preview"
	}
	l = configImportLaunch(args, preview)
	l.start, l.describe = start, fmt.Sprintf("%s of %d objects (%s)", what, len(doc.parsed.Objects), filepath.Base(doc.name))
	return l, doc, diags
}

// configImportLaunch is how an import is waited for and gated, from its
// arguments: the job awaited at its own status endpoint, imports of one
// configuration taking turns.
func configImportLaunch(args configImportArgs, preview bool) launch {
	return launch{op: configImport, describe: "SP-Config import", wait: true, pollInterval: goDuration(args.PollInterval),
		pollMin: goDuration(args.MinPollInterval), turn: configTurn,
		awaiter: configImportJob{failOnWarnings: args.FailOnWarnings.ValueBool(), preview: preview}}
}

// configImportJob waits for an import job at its own status endpoint,
// downloads its results once it is COMPLETE, and gates on them.
type configImportJob struct {
	failOnWarnings bool
	preview        bool
	// atPlan: a preview at plan, whose caller reports the results itself.
	atPlan bool
}

func (j configImportJob) await(ctx context.Context, client *sailpoint.Client, l launch, rep report, id string, _, began time.Time, out *launchOutcome) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	w := sailpoint.Waiter{MinInterval: l.pollMin, MaxInterval: l.pollInterval, OnError: logTransientReadError}
	job, err := client.WaitForConfigJob(ctx, sailpoint.ConfigJobTypeImport, id, w, func(ctx context.Context, poll int, job *sailpoint.ConfigJob, next time.Duration) {
		out.configJob = job
		rep.progress.jobRunning(ctx, id, sailpoint.CleanText(job.Status), poll, next)
	})
	var waitErr *sailpoint.ConfigJobWaitError
	switch {
	case errors.As(err, &waitErr):
		if waitErr.Last != nil {
			out.configJob = waitErr.Last
		}
		out.interrupted = errors.Is(waitErr.Err, context.Canceled)
		out.timedOut = !out.interrupted
		return false, append(diags, configWaitDiagnostic(waitErr, l, rep, time.Since(began)))
	case err != nil:
		summary, detail := explain(err, fmt.Sprintf("SP-Config import job %q", id))
		diags.AddError(summary, fmt.Sprintf("The %s started job %q, but waiting for it failed.\n\n%s\n\nThe job may still be running in the tenant; %s.",
			l.describe, id, detail, rep.taskKept))
		return false, diags
	}
	out.configJob = job
	if strings.EqualFold(job.Status, sailpoint.ConfigJobComplete) {
		results, err := client.DownloadConfigImportResults(ctx, id)
		if err != nil {
			summary, detail := explain(err, fmt.Sprintf("the results of SP-Config import job %q", id))
			expired := ""
			if job.ExpiredAt(time.Now()) {
				expired = fmt.Sprintf(" Its results were available until %s (expiration).", sailpoint.CleanText(ptrString(job.Expiration)))
			}
			diags.AddError("Could not read the results of SP-Config import job "+id, fmt.Sprintf(
				"The job finished COMPLETE, but its results could not be downloaded, so whether each object was imported is not known.%s\n\n%s: %s",
				expired, summary, detail))
			return false, diags
		}
		out.configResults = results
	}
	imported, warnings, errs := 0, 0, 0
	if out.configResults != nil {
		imported, warnings, errs = out.configResults.Counts()
	}
	rep.progress.jobFinished(ctx, id, fmt.Sprintf("%s; %s", sailpoint.CleanText(job.Status), resultsSummary(out.configResults, imported, warnings, errs, j.preview)))
	return true, diags
}

// gate: the job must end COMPLETE, and no object may have an error (nor a
// warning, with fail_on_warnings).
func (j configImportJob) gate(_ context.Context, _ *sailpoint.Client, l launch, id string, out *launchOutcome) (diag.Diagnostic, bool) {
	if j.atPlan {
		return nil, false
	}
	job, results := out.configJob, out.configResults
	backup := ""
	if results != nil && results.ExportJobID != nil {
		backup = fmt.Sprintf("\n\nThe import first exported a backup: export job %q. Restore from it by downloading it "+
			"(GET /sp-config/v1/export/%s/download, or /{version}/sp-config/export/%s/download) and importing it.",
			sailpoint.CleanText(*results.ExportJobID), sailpoint.CleanText(*results.ExportJobID), sailpoint.CleanText(*results.ExportJobID))
	}
	if !strings.EqualFold(job.Status, sailpoint.ConfigJobComplete) {
		message := "The job left no message."
		if job.Message != nil && *job.Message != "" {
			message = "The job's message: " + sailpoint.CleanText(*job.Message)
		}
		return diag.NewErrorDiagnostic(fmt.Sprintf("SP-Config import job %q ended %s", id, sailpoint.CleanText(job.Status)), fmt.Sprintf(
			"The %s ended with status %s, not COMPLETE. %s%s", l.describe, sailpoint.CleanText(job.Status), message, backup)), false
	}
	var problems []string
	_, warnings, errs := results.Counts()
	for _, typ := range results.Types() {
		r := results.Results[typ]
		for _, m := range r.Errors {
			problems = append(problems, "  "+configMessageText(typ, "ERROR", m))
		}
		if j.failOnWarnings {
			for _, m := range r.Warnings {
				problems = append(problems, "  "+configMessageText(typ, "WARNING", m))
			}
		}
	}
	if len(problems) == 0 {
		return nil, false
	}
	what := fmt.Sprintf("%d object error(s)", errs)
	if j.failOnWarnings && errs == 0 {
		what = fmt.Sprintf("%d warning(s) (fail_on_warnings)", warnings)
	} else if j.failOnWarnings && warnings > 0 {
		what += fmt.Sprintf(" and %d warning(s) (fail_on_warnings)", warnings)
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("SP-Config import job %q finished COMPLETE with %s", id, what), fmt.Sprintf(
		"The %s finished COMPLETE, but not every object was imported cleanly:\n%s%s", l.describe, strings.Join(problems, "\n"), backup)), false
}

// configMessageText quotes one message of the results: the object type,
// the kind, the key, the text and any details.
func configMessageText(typ, kind string, m sailpoint.ConfigMessage) string {
	s := fmt.Sprintf("%s %s %s: %s", typ, kind, sailpoint.CleanText(ptrOr(m.Key, "(no key)")), sailpoint.CleanText(ptrOr(m.Text, "(no text)")))
	if len(m.Details) > 0 && string(m.Details) != "{}" {
		s += " (details: " + sailpoint.CleanText(string(m.Details)) + ")"
	}
	return s
}

// resultsSummary says per object type what an import did (or a preview
// would do): "TRANSFORM: 3 imported, 0 warnings, 0 errors".
func resultsSummary(results *sailpoint.ConfigImportResults, imported, warnings, errs int, preview bool) string {
	if results == nil {
		return "no results"
	}
	verb := "imported"
	var parts []string
	for _, typ := range results.Types() {
		r := results.Results[typ]
		n := len(r.ImportedObjects)
		if preview {
			verb, n = "would be imported", countKey(r.Infos, "IMPORT_PREVIEW")
		}
		parts = append(parts, fmt.Sprintf("%s: %d %s, %d warnings, %d errors", typ, n, verb, len(r.Warnings), len(r.Errors)))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("no objects (%d %s, %d warnings, %d errors)", imported, verb, warnings, errs)
	}
	return strings.Join(parts, "; ")
}

func countKey(ms []sailpoint.ConfigMessage, key string) int {
	n := 0
	for _, m := range ms {
		if ptrString(m.Key) == key {
			n++
		}
	}
	return n
}

// configWaitDiagnostic explains a wait for an import job that ran out of
// time or was stopped.
func configWaitDiagnostic(e *sailpoint.ConfigJobWaitError, l launch, rep report, elapsed time.Duration) diag.Diagnostic {
	last := "No read completed."
	if e.Last != nil {
		last = "Its last status was " + sailpoint.CleanText(e.Last.Status) + "."
	}
	if e.LastErr != nil {
		last += fmt.Sprintf(" The last read failed: %s.", e.LastErr)
	}
	verb := stoppedOrTimedOut(e.Err)
	if verb == "Stopped" && rep.resumable {
		return diag.NewWarningDiagnostic(fmt.Sprintf("Stopped waiting for SP-Config import job %q: the next apply resumes the wait", e.JobID), fmt.Sprintf(
			"The %s started job %q. Terraform was interrupted after %s and %d reads, before it finished. %s\n\n"+
				"The job goes on in the tenant. The resource keeps it in state, not tainted: the next apply imports nothing again, "+
				"waits for this job and checks its results then.", l.describe, e.JobID, e.Waited.Round(time.Second), e.Polls, last))
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s waiting for SP-Config import job %q", verb, e.JobID), fmt.Sprintf(
		"The %s started job %q. Waited %s (%s is %s, %s spent in all) over %d reads, and it has not finished. %s\n\n"+
			"The job goes on in the tenant; %s. Raise %s if the import is just slow.%s",
		l.describe, e.JobID, e.Waited.Round(time.Second), rep.timeoutName, shortDuration(rep.timeout), elapsed.Round(time.Second), e.Polls, last,
		rep.taskKept, rep.timeoutName, rep.afterTimeout))
}

// configResultsValue maps the results into the results attribute: per
// object type, its messages and the objects imported.
func configResultsValue(results *sailpoint.ConfigImportResults) (types.Map, diag.Diagnostics) {
	if results == nil {
		return types.MapNull(configResultType), nil
	}
	var diags diag.Diagnostics
	values := map[string]attr.Value{}
	for _, typ := range results.Types() {
		r := results.Results[typ]
		obj, d := types.ObjectValue(configResultType.AttrTypes, map[string]attr.Value{
			"infos":            configMessagesValue(r.Infos),
			"warnings":         configMessagesValue(r.Warnings),
			"errors":           configMessagesValue(r.Errors),
			"imported_objects": importedObjectsValue(r.ImportedObjects),
		})
		diags.Append(d...)
		values[typ] = obj
	}
	m, d := types.MapValue(configResultType, values)
	return m, append(diags, d...)
}

var (
	configMessageType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"key": types.StringType, "text": types.StringType, "details": jsontypes.NormalizedType{},
	}}
	importedObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"type": types.StringType, "id": types.StringType, "name": types.StringType,
	}}
	configResultType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"infos":            types.ListType{ElemType: configMessageType},
		"warnings":         types.ListType{ElemType: configMessageType},
		"errors":           types.ListType{ElemType: configMessageType},
		"imported_objects": types.ListType{ElemType: importedObjectType},
	}}
)

func configMessagesValue(ms []sailpoint.ConfigMessage) types.List {
	elems := make([]attr.Value, len(ms))
	for i, m := range ms {
		details := jsontypes.NewNormalizedNull()
		if len(m.Details) > 0 {
			details = jsontypes.NewNormalizedValue(string(m.Details))
		}
		elems[i] = types.ObjectValueMust(configMessageType.AttrTypes, map[string]attr.Value{
			"key": types.StringPointerValue(m.Key), "text": types.StringPointerValue(m.Text), "details": details,
		})
	}
	return types.ListValueMust(configMessageType, elems)
}

func importedObjectsValue(os []sailpoint.ConfigImportedObject) types.List {
	elems := make([]attr.Value, len(os))
	for i, o := range os {
		elems[i] = types.ObjectValueMust(importedObjectType.AttrTypes, map[string]attr.Value{
			"type": types.StringPointerValue(o.Type), "id": types.StringPointerValue(o.ID), "name": types.StringPointerValue(o.Name),
		})
	}
	return types.ListValueMust(importedObjectType, elems)
}

// previewAtPlan runs one preview import of the document and reports its
// results: a warning with what would be imported and every warning and
// error, and an error when any object has one.
func previewAtPlan(ctx context.Context, data *providerData, args configImportArgs, timeout time.Duration) diag.Diagnostics {
	l, doc, diags := prepareConfigImport(ctx, args, true, types.StringNull())
	if diags.HasError() {
		return diags
	}
	l.awaiter = configImportJob{preview: true, atPlan: true}
	rep := report{timeout: timeout, timeoutName: resourceTimeoutName, taskKept: "it changes nothing", progress: logProgress{}}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tflog.Info(ctx, "Previewing the SP-Config import at plan (preview_on_plan)", map[string]any{"objects": len(doc.parsed.Objects)})
	out, d := runLaunch(ctx, data, l, rep)
	diags.Append(d...)
	if out.launch == nil || out.configResults == nil {
		return diags
	}
	jobID := out.launch.TaskID
	imported, warnings, errs := out.configResults.Counts()
	var lines []string
	for _, typ := range out.configResults.Types() {
		r := out.configResults.Results[typ]
		for _, m := range r.Warnings {
			lines = append(lines, "  "+configMessageText(typ, "WARNING", m))
		}
		for _, m := range r.Errors {
			lines = append(lines, "  "+configMessageText(typ, "ERROR", m))
		}
	}
	detail := fmt.Sprintf("Preview job %q of %s (objects_sha256 %s), which imports nothing: %s.",
		jobID, doc.name, doc.parsed.ObjectsSHA256, resultsSummary(out.configResults, imported, warnings, errs, true))
	if len(lines) > 0 {
		detail += "\n\nIts warnings and errors:\n" + strings.Join(lines, "\n")
	}
	if errs > 0 {
		diags.AddError(fmt.Sprintf("The SP-Config import preview found %d error(s)", errs), detail+
			"\n\nThe plan stops here so that this document never reaches apply: fix the objects (or their references) and plan again.")
		return diags
	}
	diags.AddWarning("SP-Config import preview", detail)
	return diags
}

// configImportArguments are what an import takes, as every form shows
// them: the document, the options mirrored from the spec's ImportOptions,
// how to gate and how often to read; object_options, a map of objects, is
// rendered by each form itself.
func configImportArguments() map[string]argument {
	types7 := "`" + strings.Join(sailpoint.ConfigImportTypes, "`, `") + "`"
	args := map[string]argument{
		"file": {description: "Path of an SP-Config JSON document to import, as `sail spconfig export` or the `sailpoint_config_export` " +
			"data source writes it: an object with an `objects` array. Exactly one of `file` and `content`. Read as a stream, at plan " +
			"(to compute `objects_sha256`) and when uploaded.", stringValidators: []validator.String{stringvalidator.LengthAtLeast(1)}},
		"content": {kind: argConfigDocument, description: "The SP-Config document as text (for instance " +
			"`data.sailpoint_config_export.dev.content`). Exactly one of `file` and `content`. Another text of the same objects (another " +
			"export of them, another order or formatting) is the same document: it plans no change.",
			stringValidators: []validator.String{stringvalidator.LengthAtLeast(1)}},
		"include_types": {kind: argStringSet, description: "Import only objects of these types (the API's `includeTypes`, which " +
			"takes precedence over `exclude_types`): " + types7 + ".", setValidators: []validator.Set{configImportTypesValidator()}},
		"exclude_types": {kind: argStringSet, description: "Import no objects of these types (the API's `excludeTypes`): " + types7 + ".",
			setValidators: []validator.Set{configImportTypesValidator()}},
		"default_references": {kind: argStringSet, description: "Object types whose references may be resolved to the tenant's own " +
			"objects of that type (the API's `defaultReferences`, type names as its schema says): " + types7 + ".",
			setValidators: []validator.Set{configImportTypesValidator()}},
		"exclude_backup": {kind: argBool, boolDefault: &defaultFalse, description: "Skip the backup: by default every import first " +
			"exports every object SP-Config supports, and `backup_export_job_id` names that export. Defaults to `false`."},
		"preview": {kind: argBool, boolDefault: &defaultFalse, description: "Run the import as a preview only: nothing is imported, and " +
			"the results say which objects would be, with every warning and error. Defaults to `false`."},
		"fail_on_warnings": {kind: argBool, boolDefault: &defaultFalse, description: "Fail {run} when an object has a warning too, not " +
			"only an error. Defaults to `false`."},
		"poll_interval": {kind: argDuration, description: configPollIntervalDesc,
			stringValidators: []validator.String{minDuration(sailpoint.DefaultPollMin, "Poll interval")}},
		"min_poll_interval": {kind: argDuration, description: configMinPollIntervalDesc,
			stringValidators: []validator.String{minDuration(sailpoint.DefaultPollMin, "Minimum poll interval"), notAbovePollInterval{}}},
	}
	return args
}

// How often an SP-Config job's status is read, in every form that waits
// for one (the import's, the export data source). A job shows no progress
// and has no earlier runs to time the reads by, so its pauses back off
// between the two bounds; set equal, they are a fixed interval, as for a
// task.
const (
	configPollIntervalDesc = "The longest pause between two reads of the job's status while waiting, as a Go duration such as " +
		"`\"10s\"` (at least `1s`). Defaults to `30s`. The pauses double from `min_poll_interval` up to it, with jitter; to read " +
		"at a fixed interval instead, set `min_poll_interval` to the same value."
	configMinPollIntervalDesc = "The shortest pause between two reads of the job's status while waiting, and the first, as a Go " +
		"duration such as `\"5s\"` (at least `1s`, at most `poll_interval`). Defaults to `1s`. Set to the same value as " +
		"`poll_interval`, the status is read at exactly that interval."
)

const (
	objectOptionsDesc = "Pick objects of a type by id or name (the API's `objectOptions`), keyed by object type; each type must be one " +
		"the document holds and `include_types` (when set) lists."
	includedIDsDesc   = "Import only the objects of this type with these ids."
	includedNamesDesc = "Import only the objects of this type with these names."
)

// configImportResourceAttributes are the arguments as a resource shows them.
func configImportResourceAttributes() map[string]rschema.Attribute {
	out := map[string]rschema.Attribute{}
	for name, a := range configImportArguments() {
		out[name] = a.resourceAttribute()
	}
	out["object_options"] = rschema.MapNestedAttribute{Optional: true, MarkdownDescription: objectOptionsDesc,
		NestedObject: rschema.NestedAttributeObject{Attributes: map[string]rschema.Attribute{
			"included_ids":   rschema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: includedIDsDesc},
			"included_names": rschema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: includedNamesDesc},
		}}}
	return out
}

// configImportActionAttributes are the arguments as an action shows them.
func configImportActionAttributes() map[string]aschema.Attribute {
	out := map[string]aschema.Attribute{}
	for name, a := range configImportArguments() {
		out[name] = a.actionAttribute()
	}
	out["object_options"] = aschema.MapNestedAttribute{Optional: true, MarkdownDescription: objectOptionsDesc,
		NestedObject: aschema.NestedAttributeObject{Attributes: map[string]aschema.Attribute{
			"included_ids":   aschema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: includedIDsDesc},
			"included_names": aschema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: includedNamesDesc},
		}}}
	return out
}

var defaultFalse = false
