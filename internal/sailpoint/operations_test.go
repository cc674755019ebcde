package sailpoint_test

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// specDocs loads every version's entry documents.
func specDocs(t *testing.T) map[string][]*openapi3.T {
	t.Helper()
	docs := map[string][]*openapi3.T{}
	for _, v := range sailpoint.APIVersions {
		for _, set := range []string{"task-status", "launch"} {
			loader := openapi3.NewLoader()
			loader.IsExternalRefsAllowed = true
			doc, err := loader.LoadFromFile(filepath.Join(faketenant.SpecDir(), "entry", set+"."+v+".openapi.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			docs[v] = append(docs[v], doc)
		}
	}
	return docs
}

// specOperation is an operation of a version's spec, where it is and the
// security that applies to it.
type specOperation struct {
	op       *openapi3.Operation
	method   string
	path     string // as the version's spec writes it, relative to its server
	security openapi3.SecurityRequirements
}

func findSpecOperation(docs []*openapi3.T, id string) *specOperation {
	for _, doc := range docs {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.OperationID != id {
					continue
				}
				s := &specOperation{op: op, method: method, path: path, security: doc.Security}
				if op.Security != nil {
					s.security = *op.Security
				}
				return s
			}
		}
	}
	return nil
}

// Every declaration says every part an operation needs, and the spec
// agrees with each: the operation is on the versions it lists and on no
// other, at the declared method and path (its parameter named as that
// version's spec names it), needing what Needs says; a launch sends the
// headers and the body the spec requires and reads its job's id where the
// answer's schema puts it.
func TestOperationsMatchSpec(t *testing.T) {
	docs := specDocs(t)
	for _, o := range sailpoint.Operations() {
		t.Run(o.Name, func(t *testing.T) {
			for _, problem := range declarationProblems(o, sailpoint.LauncherParts()) {
				t.Error(problem)
			}
			for _, v := range sailpoint.APIVersions {
				checkAgainstSpec(t, o, v, docs[v])
			}
		})
	}
	if n := len(sailpoint.Launches()); n != 7 {
		t.Errorf("%d launches; a launch is missing from the list, or this count is stale", n)
	}
}

// declarationProblems names each part a declaration lacks.
func declarationProblems(o *sailpoint.Operation, launchers map[*sailpoint.Operation][2]bool) []string {
	var out []string
	missing := func(part string) { out = append(out, fmt.Sprintf("%q declares no %s", o.Name, part)) }
	if o.Name == "" {
		missing("Name")
	}
	if o.OperationID == "" {
		missing("OperationID")
	}
	if o.Method == "" {
		missing("Method")
	}
	if len(o.Paths) == 0 {
		missing("Paths")
	}
	for v := range o.Paths {
		if _, ok := o.Needs[v]; !ok {
			missing("Needs on " + v)
		}
	}
	parts, isLauncher := launchers[o]
	if !o.StartsJob() {
		if isLauncher {
			missing("Job")
		}
		return out
	}
	if o.Answer == "" {
		missing("Answer")
	}
	if o.JobID == "" {
		missing("JobID")
	}
	if !isLauncher {
		out = append(out, fmt.Sprintf("%q starts a job but is no Launcher of the Launches list", o.Name))
		return out
	}
	hasParam := false
	for _, p := range o.Paths {
		hasParam = hasParam || strings.Contains(p, "{")
	}
	if target := parts[0]; target != hasParam {
		out = append(out, fmt.Sprintf("%q: its path has a parameter %v, its Launcher a Target %v", o.Name, hasParam, target))
	}
	if build := parts[1]; build != (o.Body != sailpoint.NoBody) {
		out = append(out, fmt.Sprintf("%q: its Body is %v, its Launcher a Build %v", o.Name, o.Body, build))
	}
	return out
}

func checkAgainstSpec(t *testing.T, o *sailpoint.Operation, v string, docs []*openapi3.T) {
	t.Helper()
	id := o.OperationID
	if v == sailpoint.APIVersionV1 {
		id += "V1"
	}
	spec := findSpecOperation(docs, id)
	declared, has := o.Paths[v]
	if (spec != nil) != has {
		t.Errorf("%s: in the spec %v, declared %v", v, spec != nil, has)
	}
	if err := o.Supports(v); (err == nil) != has {
		t.Errorf("%s: Supports says %v", v, err)
	}
	if spec == nil || !has {
		return
	}
	relative := declared
	if v != sailpoint.APIVersionV1 {
		relative = strings.TrimPrefix(declared, "/"+v)
	}
	if relative != spec.path || spec.method != o.Method {
		t.Errorf("%s: declared %s %s, the spec has %s %s", v, o.Method, relative, spec.method, spec.path)
	}
	checkNeeds(t, o, v, spec)
	required := false
	for _, p := range spec.op.Parameters {
		if p.Value != nil && p.Value.In == "header" && p.Value.Name == "X-SailPoint-Experimental" && p.Value.Required {
			required = true
		}
	}
	sent := slices.Contains(o.Experimental, v)
	if required && !sent || o.StartsJob() && sent != required {
		t.Errorf("%s: the spec requires X-SailPoint-Experimental %v, the declaration sends it %v", v, required, sent)
	}
	if o.StartsJob() {
		checkLaunchAgainstSpec(t, o, v, spec)
	}
}

func checkNeeds(t *testing.T, o *sailpoint.Operation, v string, spec *specOperation) {
	t.Helper()
	var want sailpoint.OperationNeeds
	want.UserTokenOnly = true
	for _, req := range spec.security {
		for scheme, scopes := range req {
			if scheme != "userAuth" {
				want.UserTokenOnly = false
				continue
			}
			want.Scopes = scopes
		}
	}
	if levels, ok := spec.op.Extensions["x-sailpoint-userLevels"].([]any); ok {
		for _, l := range levels {
			want.UserLevels = append(want.UserLevels, l.(string))
		}
	}
	got := o.NeedsOn(v)
	if strings.Join(got.Scopes, " ") != strings.Join(want.Scopes, " ") || strings.Join(got.UserLevels, " ") != strings.Join(want.UserLevels, " ") ||
		got.UserTokenOnly != want.UserTokenOnly {
		t.Errorf("%s: Needs %+v, the spec says %+v", v, got, want)
	}
}

func checkLaunchAgainstSpec(t *testing.T, o *sailpoint.Operation, v string, spec *specOperation) {
	t.Helper()
	var content []string
	if rb := spec.op.RequestBody; rb != nil && rb.Value != nil {
		for ct := range rb.Value.Content {
			content = append(content, ct)
		}
	}
	want := map[sailpoint.BodyKind]string{sailpoint.FormBody: "multipart/form-data", sailpoint.JSONBody: "application/json"}[o.Body]
	if want == "" && len(content) > 0 || want != "" && !slices.Contains(content, want) {
		t.Errorf("%s: the body is %q, the spec takes %v", v, want, content)
	}
	var answer *openapi3.SchemaRef
	for code, r := range spec.op.Responses.Map() {
		if strings.HasPrefix(code, "2") && r.Value != nil && r.Value.Content["application/json"] != nil {
			answer = r.Value.Content["application/json"].Schema
		}
	}
	if answer == nil {
		t.Fatalf("%s: the spec has no JSON 2xx answer", v)
	}
	if !strings.HasSuffix(strings.ToLower(strings.TrimSuffix(answer.Ref, ".yaml")), "/"+strings.ToLower(o.Answer)) {
		t.Errorf("%s: the answer is %s, declared %s", v, answer.Ref, o.Answer)
	}
	s := answer
	for _, field := range strings.Split(o.JobID, ".") {
		if s == nil || s.Value == nil || s.Value.Properties[field] == nil {
			t.Errorf("%s: the answer %s has no %s", v, o.Answer, o.JobID)
			return
		}
		s = s.Value.Properties[field]
	}
	if !s.Value.Type.Is("string") {
		t.Errorf("%s: %s of %s is not a string", v, o.JobID, o.Answer)
	}
}

// A declaration that lacks a part fails the test by the part's name.
func TestDeclarationProblemsNamed(t *testing.T) {
	incomplete := &sailpoint.Operation{Name: "thing", Method: http.MethodPost, Paths: map[string]string{"v1": "/things/v1"}, Job: sailpoint.TaskJob}
	got := strings.Join(declarationProblems(incomplete, map[*sailpoint.Operation][2]bool{incomplete: {}}), "\n")
	for _, part := range []string{"OperationID", "Needs on v1", "Answer", "JobID"} {
		if !strings.Contains(got, part) {
			t.Errorf("the problems do not name %s:\n%s", part, got)
		}
	}
	if got := declarationProblems(incomplete, nil); !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "no Launcher") }) {
		t.Errorf("a job that is not in Launches is not named: %v", got)
	}
}

func TestOperationVersions(t *testing.T) {
	if got := sailpoint.MachineIdentityAggregationOp.Versions(); strings.Join(got, ",") != "v1,v2026,v2025" {
		t.Errorf("machine identity aggregation: %v", got)
	}
	if got := sailpoint.SourceAccountResetOp.Versions(); strings.Join(got, ",") != strings.Join(sailpoint.APIVersions, ",") {
		t.Errorf("account reset: %v", got)
	}
	// The caller may keep and change what it gets.
	got := sailpoint.AccountAggregationOp.Versions()
	got[0] = "changed"
	if sailpoint.APIVersions[0] == "changed" || sailpoint.AccountAggregationOp.Versions()[0] == "changed" {
		t.Error("Versions hands out the package's own slice")
	}
	n := sailpoint.AccountAggregationOp.NeedsOn("v2026")
	n.Scopes[0] = "changed"
	if sailpoint.AccountAggregationOp.NeedsOn("v2026").Scopes[0] == "changed" {
		t.Error("NeedsOn hands out the package's own slice")
	}
	err := sailpoint.MachineIdentityAggregationOp.Supports("beta")
	var unsupported *sailpoint.UnsupportedOperationError
	if !errors.As(err, &unsupported) || unsupported.Method != http.MethodPost || !strings.Contains(err.Error(), "v1, v2026, v2025") {
		t.Errorf("beta: %v", err)
	}
	// "" is v1, the default.
	if err := sailpoint.MachineIdentityAggregationOp.Supports(""); err != nil {
		t.Errorf("default version: %v", err)
	}
	if n := sailpoint.SourceEntitlementResetOp.NeedsOn(""); strings.Join(n.Scopes, ",") != "idn:entitlement:manage" {
		t.Errorf("default version: %+v", n)
	}
	if got := sailpoint.GetTaskStatusOp.Path("v1", "a b"); got != "/task-status/v1/a%20b" {
		t.Errorf("v1 path: %s", got)
	}
	if got := sailpoint.GetTaskStatusOp.Path("beta", "x"); got != "/beta/task-status/x" {
		t.Errorf("beta path: %s", got)
	}
	if sailpoint.OperationNamed("account aggregation") != sailpoint.AccountAggregationOp.Operation || sailpoint.OperationNamed("no such") != nil {
		t.Error("OperationNamed")
	}
}

// The launches' tasks are told apart by the names the spec's examples
// give them; a name no launch has is nobody's.
func TestTaskOf(t *testing.T) {
	named := func(unique, definition string) *sailpoint.TaskStatus {
		ts := &sailpoint.TaskStatus{}
		if unique != "" {
			ts.UniqueName = &unique
		}
		if definition != "" {
			ts.TaskDefinitionSummary = &sailpoint.TaskDefinitionSummary{UniqueName: &definition}
		}
		return ts
	}
	for _, tc := range []struct {
		task *sailpoint.TaskStatus
		want *sailpoint.Operation
	}{
		{named("Cloud Account Aggregation", ""), sailpoint.AccountAggregationOp.Operation},
		{named("", "Cloud Group Aggregation"), sailpoint.EntitlementAggregationOp.Operation},
		{named("Cloud Process Uncorrelated Accounts", ""), sailpoint.UncorrelatedAccountImportOp.Operation},
		{named("AI Agent Aggregation - ID123", ""), sailpoint.MachineIdentityAggregationOp.Operation},
		{named("AI Agent Aggregations", ""), nil},
		{named("Cloud Account Aggregation Report", ""), nil},
		{named("Identity Refresh", ""), nil},
		{named("", ""), nil},
		{nil, nil},
	} {
		if got := sailpoint.TaskOf(tc.task); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.task, got, tc.want)
		}
	}
}
