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

// specDocs loads every version's entry documents. They are not
// validated, so the SP-Config documents need no fix of SpConfigRule.value
// (testdata/spec/README.md): the fake tenant's validator makes it.
func specDocs(t *testing.T) map[string][]*openapi3.T {
	t.Helper()
	docs := map[string][]*openapi3.T{}
	for _, v := range sailpoint.APIVersions {
		for _, set := range []string{"task-status", "launch", "sp-config"} {
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
// answer's schema puts it, and a read that names its answer names the
// spec's.
func TestOperationsMatchSpec(t *testing.T) {
	docs := specDocs(t)
	config := configOperations()
	for _, o := range sailpoint.Operations() {
		t.Run(o.Name, func(t *testing.T) {
			for _, problem := range declarationProblems(o, sailpoint.LauncherParts()) {
				t.Error(problem)
			}
			for _, v := range sailpoint.APIVersions {
				checkAgainstSpec(t, o, v, docs[v])
				if slices.Contains(config, o) {
					checkConfigAgainstSpec(t, o, v, docs[v])
				}
			}
		})
	}
	// The provider makes a task resource of every launch: the SP-Config
	// jobs are not among them.
	for _, o := range sailpoint.Launches() {
		if o.Job != sailpoint.TaskJob {
			t.Errorf("%q is in Launches but starts no task", o.Name)
		}
	}
	for _, o := range sailpoint.ConfigLaunches() {
		if o.Job != sailpoint.ConfigExportJob && o.Job != sailpoint.ConfigImportJob {
			t.Errorf("%q is in ConfigLaunches but starts no SP-Config job", o.Name)
		}
	}
	if n, m := len(sailpoint.Launches()), len(sailpoint.ConfigLaunches()); n != 7 || m != 2 {
		t.Errorf("%d launches, %d SP-Config launches; one is missing from its list, or this count is stale", n, m)
	}
	if n := len(config); n != 6 || len(sailpoint.Operations()) != 5+7+6 {
		t.Errorf("%d SP-Config operations, %d in all", n, len(sailpoint.Operations()))
	}
}

// configOperations are the SP-Config operations: the two launches, the
// status reads and the downloads.
func configOperations() []*sailpoint.Operation {
	return append(sailpoint.ConfigLaunches(), sailpoint.ConfigExportStatusOp, sailpoint.ConfigImportStatusOp,
		sailpoint.ConfigExportDownloadOp, sailpoint.ConfigImportDownloadOp)
}

// checkConfigAgainstSpec checks what the SP-Config operations count on
// beyond the declaration: each documents the refusals the client names
// (400, 401, 403, 404, 429, 500), takes no header parameter (the one
// v2024 once required is gone everywhere), and takes the query the client
// sends (the import's preview).
func checkConfigAgainstSpec(t *testing.T, o *sailpoint.Operation, v string, docs []*openapi3.T) {
	t.Helper()
	spec := findSpecOperation(docs, specOperationID(o, v))
	if spec == nil {
		return // checkAgainstSpec said so
	}
	for _, code := range []string{"400", "401", "403", "404", "429", "500"} {
		if spec.op.Responses.Value(code) == nil {
			t.Errorf("%s: no %s", v, code)
		}
	}
	var query []string
	for _, p := range spec.op.Parameters {
		switch p.Value.In {
		case "query":
			query = append(query, p.Value.Name)
		case "header":
			t.Errorf("%s: a header parameter %s", v, p.Value.Name)
		}
	}
	var sent []string
	if o == sailpoint.ConfigImportOp.Operation {
		s, err := sailpoint.ConfigImportOp.Prepare(sailpoint.ConfigImportRequest{Document: &sailpoint.LaunchFile{Content: []byte(`{"objects":[]}`)}, Preview: true})
		if err != nil {
			t.Fatal(err)
		}
		for name := range sailpoint.StartQuery(s) {
			sent = append(sent, name)
		}
	}
	if strings.Join(query, ",") != strings.Join(sent, ",") {
		t.Errorf("%s: the spec takes the query %v, the client sends %v", v, query, sent)
	}
}

// specOperationID is the operation's operationId on a version: v1's adds
// "V1".
func specOperationID(o *sailpoint.Operation, v string) string {
	if v == sailpoint.APIVersionV1 {
		return o.OperationID + "V1"
	}
	return o.OperationID
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
		out = append(out, fmt.Sprintf("%q starts a job but is no Launcher of the Launches or ConfigLaunches list", o.Name))
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
	spec := findSpecOperation(docs, specOperationID(o, v))
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
	// A task launch sends the header exactly where the spec requires it.
	// Reads, and the SP-Config jobs, also send it on a version whose files
	// once required it (v2024's), where it is harmless.
	sent := slices.Contains(o.Experimental, v)
	if required && !sent || o.Job == sailpoint.TaskJob && sent != required {
		t.Errorf("%s: the spec requires X-SailPoint-Experimental %v, the declaration sends it %v", v, required, sent)
	}
	if o.StartsJob() {
		checkBodyAgainstSpec(t, o, v, spec)
	}
	if o.Answer != "" {
		checkAnswerAgainstSpec(t, o, v, spec)
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

func checkBodyAgainstSpec(t *testing.T, o *sailpoint.Operation, v string, spec *specOperation) {
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
}

// checkAnswerAgainstSpec checks the declared answer's schema, and where
// it puts the job's id: a string at that path of its properties, or of
// one of its allOf branches (the SP-Config jobs extend SpConfigJob).
func checkAnswerAgainstSpec(t *testing.T, o *sailpoint.Operation, v string, spec *specOperation) {
	t.Helper()
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
	if o.JobID == "" {
		if o.StartsJob() {
			t.Errorf("%s: no JobID", v) // declarationProblems names it too
		}
		return
	}
	s := answer
	for _, field := range strings.Split(o.JobID, ".") {
		s = property(s, field)
		if s == nil {
			t.Errorf("%s: the answer %s has no %s", v, o.Answer, o.JobID)
			return
		}
	}
	if !s.Value.Type.Is("string") {
		t.Errorf("%s: %s of %s is not a string", v, o.JobID, o.Answer)
	}
}

// property is the schema of a property of s, or of one of its allOf
// branches; nil when none declares it.
func property(s *openapi3.SchemaRef, name string) *openapi3.SchemaRef {
	if s == nil || s.Value == nil {
		return nil
	}
	if p := s.Value.Properties[name]; p != nil && p.Value != nil {
		return p
	}
	for _, b := range s.Value.AllOf {
		if p := property(b, name); p != nil {
			return p
		}
	}
	return nil
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
	if sailpoint.OperationNamed("account aggregation") != sailpoint.AccountAggregationOp.Operation || sailpoint.OperationNamed("no such") != nil ||
		sailpoint.OperationNamed("SP-Config import") != sailpoint.ConfigImportOp.Operation {
		t.Error("OperationNamed")
	}
	// SP-Config: every version but v3, which is none of the client's; an
	// operation a version lacks names its method.
	if got := sailpoint.ConfigImportDownloadOp.Versions(); strings.Join(got, ",") != strings.Join(sailpoint.APIVersions, ",") {
		t.Errorf("SP-Config import download: %v", got)
	}
	if err := sailpoint.ConfigExportStatusOp.Supports("v3"); sailpoint.RequestMethod(err) != http.MethodGet ||
		!strings.Contains(err.Error(), "API version v3 has no SP-Config export status") {
		t.Errorf("v3: %v", err)
	}
	if sailpoint.ConfigImportOp.Supports("v3") == nil || sailpoint.ConfigImportOp.Supports("") != nil {
		t.Error("SP-Config import versions")
	}
	if n := sailpoint.ConfigImportOp.NeedsOn(""); strings.Join(n.Scopes, ",") != "sp:config:manage" || strings.Join(n.UserLevels, ",") != "ORG_ADMIN" || !n.UserTokenOnly {
		t.Errorf("default version: %+v", n)
	}
	if got := sailpoint.ConfigExportStatusOp.Path("v1", "a b"); got != "/sp-config/v1/export/a%20b" {
		t.Errorf("v1 SP-Config path: %s", got)
	}
	if got := sailpoint.ConfigImportDownloadOp.Path("beta", "x"); got != "/beta/sp-config/import/x/download" {
		t.Errorf("beta SP-Config path: %s", got)
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
