package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A launch list resource finds the tenant's tasks of one launch's kind for
// `terraform query` (Terraform 1.14 and newer): a task a killed run left
// behind, say, so it can be adopted. The provider lists one for each of
// operations, beside its resource (provider.go). Each task found is
// shown by its identity (the task's id) and a display name, and, with
// include_resource, as the resource an import of it keeps (adoptedState),
// which is what -generate-config-out writes configuration from.
type launchList struct {
	op   operation
	data *providerData
}

func newLaunchList(op operation) list.ListResource { return &launchList{op: op} }

var (
	_ list.ListResourceWithConfigure      = (*launchList)(nil)
	_ list.ListResourceWithValidateConfig = (*launchList)(nil)
)

func (l *launchList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + l.op.typeName
}

func (l *launchList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// listArgs are the filters of every launch's list; an operation on a
// source has source_id too (sourceFilter).
type listArgs struct {
	Running            types.Bool        `tfsdk:"running"`
	CompletionStatuses types.List        `tfsdk:"completion_statuses"`
	LaunchedAfter      timetypes.RFC3339 `tfsdk:"launched_after"`
}

type sourceFilter struct {
	SourceID types.String `tfsdk:"source_id"`
}

func (l *launchList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]schema.Attribute{
		"running": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "`true`: only tasks that have not finished (no completion status yet), such as one a " +
				"killed run left behind; `false`: only finished ones. Not set: both. On `api_version` `v2024` and `beta`, " +
				"whose task list holds finished tasks only, the running tasks come from the deprecated `pending-tasks` list.",
		},
		"completion_statuses": schema.ListAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Only tasks that finished with one of these statuses: `SUCCESS`, `WARNING`, `ERROR`, " +
				"`TERMINATED`, `TEMPERROR` (compared without regard to case; `TEMP_ERROR` and `TEMPERROR` are the same). " +
				"Cannot be set with `running = true`: a running task has no status.",
			Validators: []validator.List{
				listvalidator.SizeAtLeast(1),
				listvalidator.ValueStringsAre(stringvalidator.OneOfCaseInsensitive(append(slices.Clone(sailpoint.CompletionStatuses), "TEMP_ERROR")...)),
			},
		},
		"launched_after": schema.StringAttribute{
			Optional:   true,
			CustomType: timetypes.RFC3339Type{},
			MarkdownDescription: "Only tasks launched at or after this time, in RFC 3339 such as `2026-11-28T00:00:00Z` " +
				"(for a task not launched yet, when it was created). The task list cannot filter on it, so it is checked " +
				"on each task read.",
		},
	}
	if l.op.source {
		attrs["source_id"] = schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only tasks of this source (their `target.id`), such as `2c9180835d191a86015d28455b4a2329`. Not set: every source's.",
			Validators:          []validator.String{idValidator("source id", sailpoint.ValidateSourceID)},
		}
	}
	resp.Schema = schema.Schema{MarkdownDescription: l.description(), Attributes: attrs}
}

// description says which tasks the list finds: the rule of listedKind.
func (l *launchList) description() string {
	name := l.op.declared.TaskName
	kind := fmt.Sprintf("the tasks named `%s` (or `%s - ...`)", name, name)
	if name == "" {
		kind = "the tasks that no launch of this provider names as its own: the API names no task of " + withArticle(l.op.title()) +
			", so its tasks cannot be told from other unnamed tasks (those of the other operations the API names none for, " +
			"an identity refresh...); check each task's display name before you adopt it"
	}
	where := "that work on a source (a `target` that is not an identity)"
	if !l.op.source {
		where = "that work on no source (no `target`, or an identity)"
	}
	return fmt.Sprintf("Finds the tenant's tasks a `sailpoint_%s` resource could adopt, for `terraform query` (Terraform 1.14 "+
		"and newer): %s %s, newest first, filtered by the arguments below. Each is shown by its identity (the task's id) "+
		"and a display name; with `include_resource = true`, also as the resource an import of it keeps, which "+
		"`terraform query -generate-config-out=FILE` writes configuration and an `import` block from. The tenant's task "+
		"list is read in pages of %d, at most %s tasks per query (a warning says when that cut the search short).",
		l.op.typeName, kind, where, sailpoint.MaxPageSize, thousands(sailpoint.MaxTasksSearched))
}

// thousands writes n with a comma between thousands: 10,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// listedKind reports whether task ts may be one the operation started,
// so its list shows it. A task is told apart by its name where the spec
// names the operation's tasks (TaskOf); where it names none (identity
// processing, the resets), a task no launch's name claims may be one. An
// operation on a source lists tasks on a source (its target, which its
// configuration needs as source_id), one on no source lists tasks on none.
func (op operation) listedKind(ts *sailpoint.TaskStatus) bool {
	if named := sailpoint.TaskOf(ts); named != nil && named != op.declared || named == nil && op.declared.TaskName != "" {
		return false
	}
	onSource := ts.Target != nil && ts.Target.ID != nil && *ts.Target.ID != "" && !strings.EqualFold(ptrString(ts.Target.Type), "IDENTITY")
	return onSource == op.source
}

func (l *launchList) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var obj types.Object
	var args listArgs
	resp.Diagnostics.Append(req.Config.Get(ctx, &obj)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(attrs(obj.Attributes()).decode(ctx, &args)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if args.Running.ValueBool() && !args.CompletionStatuses.IsNull() && len(args.CompletionStatuses.Elements()) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("completion_statuses"), "A running task has no completion status",
			"completion_statuses finds tasks that finished with one of them, and running = true finds tasks that have not "+
				"finished: together they find nothing. Remove one of them.")
	}
}

func (l *launchList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if l.data == nil || l.data.client == nil {
		diags.AddError("SailPoint provider not configured", "The provider's configuration (base_url, credentials or "+
			"api_version) is not known while terraform query runs. Give it values known without an apply: literals, "+
			"variables, or the SAIL_* environment variables.")
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	ctx = l.data.maskSecrets(ctx)
	q, diags := l.query(ctx, req)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	found, err := l.data.client.FindTasks(ctx, q)
	if err != nil {
		diags.Append(apiErrorDiagnostic(err, "the task list"))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	tflog.Debug(ctx, "Listed the tasks of a launch", map[string]any{"operation": l.op.title(), "found": len(found.Tasks), "read": found.Read})
	if found.Truncated {
		diags.AddWarning("Not every task was searched", fmt.Sprintf("The search for %ss read the %d newest tasks of the "+
			"tenant's list and stopped with fewer than %d found; older tasks were not looked at. Narrow it with "+
			"source_id, running, completion_statuses or launched_after.", l.op.title(), found.Read, q.Limit))
	}
	stream.Results = func(push func(list.ListResult) bool) {
		if len(diags) > 0 && !push(list.ListResult{Diagnostics: diags}) {
			return
		}
		for i := range found.Tasks {
			if !push(l.result(ctx, req, &found.Tasks[i])) {
				return
			}
		}
	}
}

// query is the list's configuration as a search.
func (l *launchList) query(ctx context.Context, req list.ListRequest) (sailpoint.TaskQuery, diag.Diagnostics) {
	var obj types.Object
	diags := req.Config.Get(ctx, &obj)
	if diags.HasError() {
		return sailpoint.TaskQuery{}, diags
	}
	values := attrs(obj.Attributes())
	var args listArgs
	diags.Append(values.decode(ctx, &args)...)
	q := sailpoint.TaskQuery{Running: args.Running.ValueBoolPointer(), Keep: l.op.listedKind, Limit: int(req.Limit)}
	if l.op.source {
		var src sourceFilter
		diags.Append(values.decode(ctx, &src)...)
		q.SourceID = src.SourceID.ValueString()
	}
	for _, e := range args.CompletionStatuses.Elements() {
		if s, ok := e.(types.String); ok {
			q.CompletionStatuses = append(q.CompletionStatuses, s.ValueString())
		}
	}
	if !args.LaunchedAfter.IsNull() {
		t, d := args.LaunchedAfter.ValueRFC3339Time()
		diags.Append(d...)
		q.LaunchedAfter = t
	}
	if q.Limit <= 0 {
		q.Limit = defaultListLimit
	}
	return q, diags
}

// defaultListLimit is Terraform's default limit of a list block, for a
// request that names none.
const defaultListLimit = 100

// result is one task found: its identity, its display name, and, when
// asked for, the resource an import of it keeps.
func (l *launchList) result(ctx context.Context, req list.ListRequest, ts *sailpoint.TaskStatus) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = displayName(l.op, ts)
	result.Diagnostics.Append(setIdentity(ctx, result.Identity, types.StringValue(ts.ID))...)
	if req.IncludeResource {
		values, diags := l.op.adoptedState(ctx, req.ResourceSchema.Type(), ts.ID, ts)
		result.Diagnostics.Append(diags...)
		if !diags.HasError() {
			obj, d := values.object(req.ResourceSchema.Type())
			result.Diagnostics.Append(d...)
			result.Diagnostics.Append(result.Resource.Set(ctx, obj)...)
		}
	}
	return result
}

// displayName names a task for people: "Cloud Account Aggregation of
// Active Directory [source]: running, launched 2026-11-28T10:00:00Z".
func displayName(op operation, ts *sailpoint.TaskStatus) string {
	name := sailpoint.CleanText(ts.KindName())
	if name == "" {
		name = capitalize(op.title())
	}
	if ts.Target != nil && ptrString(ts.Target.Name) != "" {
		name += " of " + sailpoint.CleanText(*ts.Target.Name)
	}
	if ts.IsFinished() {
		return fmt.Sprintf("%s: %s, completed %s", name, sailpoint.CleanText(*ts.CompletionStatus), sailpoint.CleanText(*ts.Completed))
	}
	since := ptrString(ts.Launched)
	if since == "" {
		return fmt.Sprintf("%s: not launched yet, created %s", name, sailpoint.CleanText(ptrString(ts.Created)))
	}
	return fmt.Sprintf("%s: running, launched %s", name, sailpoint.CleanText(since))
}
