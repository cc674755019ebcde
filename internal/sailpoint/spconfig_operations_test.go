package sailpoint_test

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// hasProperty reports whether a schema, or one of its allOf branches,
// declares name.
func hasProperty(s *openapi3.SchemaRef, name string) bool {
	if s == nil || s.Value == nil {
		return false
	}
	if _, ok := s.Value.Properties[name]; ok {
		return true
	}
	for _, b := range s.Value.AllOf {
		if hasProperty(b, name) {
			return true
		}
	}
	return false
}

// The SP-Config declarations are the spec's: on every version each
// operation is at its path with its method, answers its success status
// with the job id where JobIDField says, takes the query parameters listed,
// and needs what Needs says.
func TestConfigOperationsMatchSpec(t *testing.T) {
	ops := sailpoint.ConfigOperations()
	if len(ops) != 6 {
		t.Fatalf("%d operations", len(ops))
	}
	for _, v := range sailpoint.APIVersions {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = true
		doc, err := loader.LoadFromFile(filepath.Join(faketenant.SpecDir(), "entry", "sp-config."+v+".openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(sailpoint.ConfigVersions(), v) {
			t.Errorf("%s has SP-Config; ConfigVersions says not", v)
		}
		for _, op := range ops {
			opID := op.OperationID
			if v == sailpoint.APIVersionV1 {
				opID += "V1"
			}
			spec := findSpecOperation([]*openapi3.T{doc}, opID)
			if spec == nil {
				t.Errorf("%s: no %s", v, opID)
				continue
			}
			found, security := spec.op, spec.security
			if key := strings.TrimPrefix(op.Paths[v], "/"+v); spec.path != key || spec.method != op.Method {
				t.Errorf("%s %s: %s %s, declared %s %s", v, opID, spec.method, spec.path, op.Method, key)
			}
			if err := sailpoint.ValidateConfigVersion(op.Name, v); err != nil || !slices.Contains(sailpoint.ConfigOperationVersions(op.Name), v) {
				t.Errorf("%s %s: %v", v, op.Name, err)
			}
			resp := found.Responses.Value(strconv.Itoa(op.Success))
			if resp == nil || resp.Value.Content["application/json"] == nil {
				t.Errorf("%s %s: no %d application/json answer", v, opID, op.Success)
				continue
			}
			schema := resp.Value.Content["application/json"].Schema
			if op.JobIDField != "" && !hasProperty(schema, op.JobIDField) {
				t.Errorf("%s %s: the answer has no %s", v, opID, op.JobIDField)
			}
			for _, code := range []string{"400", "401", "403", "404", "429", "500"} {
				if found.Responses.Value(code) == nil {
					t.Errorf("%s %s: no %s", v, opID, code)
				}
			}
			var query []string
			for _, p := range found.Parameters {
				if p.Value.In == "query" {
					query = append(query, p.Value.Name)
				}
				// The header sent on v2024 is no longer taken anywhere.
				if p.Value.In == "header" {
					t.Errorf("%s %s: a header parameter %s", v, opID, p.Value.Name)
				}
			}
			if strings.Join(query, ",") != strings.Join(op.Query, ",") {
				t.Errorf("%s %s: query %v, declared %v", v, opID, query, op.Query)
			}
			var want sailpoint.OperationNeeds
			want.UserTokenOnly = true
			for _, req := range security {
				for scheme, scopes := range req {
					if scheme != "userAuth" {
						want.UserTokenOnly = false
						continue
					}
					want.Scopes = scopes
				}
			}
			if levels, ok := found.Extensions["x-sailpoint-userLevels"].([]any); ok {
				for _, l := range levels {
					want.UserLevels = append(want.UserLevels, l.(string))
				}
			}
			got := sailpoint.ConfigNeeds(op.Name, v)
			if strings.Join(got.Scopes, " ") != strings.Join(want.Scopes, " ") || strings.Join(got.UserLevels, " ") != strings.Join(want.UserLevels, " ") ||
				got.UserTokenOnly != want.UserTokenOnly {
				t.Errorf("%s %s: ConfigNeeds %+v, the spec says %+v", v, op.Name, got, want)
			}
		}
	}
	// An operation a version lacks names its method.
	if err := sailpoint.ValidateConfigVersion(sailpoint.OperationConfigExportStatus, "v3"); sailpoint.RequestMethod(err) != "GET" ||
		!strings.Contains(err.Error(), "API version v3 has no SP-Config export status") {
		t.Errorf("v3: %v", err)
	}
	// Unknown names and versions, the default version, and copies.
	if sailpoint.ConfigOperationVersions("no such operation") != nil || sailpoint.ValidateConfigVersion(sailpoint.OperationConfigImport, "v3") == nil ||
		sailpoint.ValidateConfigVersion(sailpoint.OperationConfigImport, "") != nil {
		t.Error("versions")
	}
	if n := sailpoint.ConfigNeeds(sailpoint.OperationConfigImport, ""); strings.Join(n.Scopes, ",") != "sp:config:manage" || !n.UserTokenOnly {
		t.Errorf("default version: %+v", n)
	}
	n := sailpoint.ConfigNeeds(sailpoint.OperationConfigExport, "v1")
	n.Scopes[0] = "changed"
	ops[0].Paths["v1"] = "changed"
	if sailpoint.ConfigNeeds(sailpoint.OperationConfigExport, "v1").Scopes[0] == "changed" || sailpoint.ConfigOperations()[0].Paths["v1"] == "changed" {
		t.Error("the declarations are handed out, not copies")
	}
}
