package sailpoint_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// operationIDs are the spec's operationId of each operation (v1 adds V1).
var operationIDs = map[string]string{
	sailpoint.OperationAccountAggregation:         "importAccounts",
	sailpoint.OperationEntitlementAggregation:     "importEntitlements",
	sailpoint.OperationIdentityProcessing:         "startIdentityProcessing",
	sailpoint.OperationUncorrelatedAccountImport:  "importUncorrelatedAccounts",
	sailpoint.OperationAccountReset:               "deleteAccountsAsync",
	sailpoint.OperationEntitlementReset:           "resetSourceEntitlements",
	sailpoint.OperationMachineIdentityAggregation: "startMachineIdentityAggregation",
	sailpoint.OperationAccountAggregationStatus:   "getAccountAggregationStatus",
	sailpoint.OperationClearTask:                  "updateTaskStatus",
}

// specOperation finds an operation by operationId in a version's entry
// documents, with the security that applies to it.
func specOperation(t *testing.T, docs []*openapi3.T, id string) (*openapi3.Operation, openapi3.SecurityRequirements) {
	t.Helper()
	for _, doc := range docs {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.OperationID != id {
					continue
				}
				if op.Security != nil {
					return op, *op.Security
				}
				return op, doc.Security
			}
		}
	}
	return nil, nil
}

// The versions, scopes, user levels and token kinds callers quote come
// from the spec files: each operation is where OperationVersions says, and
// nowhere else, and needs what Needs says.
func TestOperationsMatchSpec(t *testing.T) {
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
	for operation, id := range operationIDs {
		versions := sailpoint.OperationVersions(operation)
		for _, v := range sailpoint.APIVersions {
			opID := id
			if v == sailpoint.APIVersionV1 {
				opID += "V1"
			}
			op, security := specOperation(t, docs[v], opID)
			if (op != nil) != slices.Contains(versions, v) {
				t.Errorf("%s on %s: in the spec %v, OperationVersions %v", operation, v, op != nil, versions)
			}
			if err := sailpoint.ValidateOperationVersion(operation, v); (err == nil) != (op != nil) {
				t.Errorf("%s on %s: ValidateOperationVersion %v", operation, v, err)
			}
			if op == nil {
				if n := sailpoint.Needs(operation, v); n.Scopes != nil || n.UserLevels != nil || n.UserTokenOnly {
					t.Errorf("%s on %s: needs %+v of an operation the version lacks", operation, v, n)
				}
				continue
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
			if levels, ok := op.Extensions["x-sailpoint-userLevels"].([]any); ok {
				for _, l := range levels {
					want.UserLevels = append(want.UserLevels, l.(string))
				}
			}
			got := sailpoint.Needs(operation, v)
			if strings.Join(got.Scopes, " ") != strings.Join(want.Scopes, " ") || strings.Join(got.UserLevels, " ") != strings.Join(want.UserLevels, " ") ||
				got.UserTokenOnly != want.UserTokenOnly {
				t.Errorf("%s on %s: Needs %+v, the spec says %+v", operation, v, got, want)
			}
			if operation == sailpoint.OperationClearTask && (strings.Join(want.UserLevels, " ") != strings.Join(sailpoint.ClearTaskUserLevels, " ") ||
				strings.Join(want.Scopes, " ") != sailpoint.ClearTaskScope) {
				t.Errorf("%s: ClearTaskUserLevels %v, ClearTaskScope %q; the spec says %+v", v, sailpoint.ClearTaskUserLevels, sailpoint.ClearTaskScope, want)
			}
		}
	}
	if len(operationIDs) != 9 {
		t.Fatal("an operation is missing from the table")
	}
}

func TestOperationVersions(t *testing.T) {
	if got := sailpoint.OperationVersions(sailpoint.OperationMachineIdentityAggregation); strings.Join(got, ",") != "v1,v2026,v2025" {
		t.Errorf("machine identity aggregation: %v", got)
	}
	if got := sailpoint.OperationVersions(sailpoint.OperationAccountReset); strings.Join(got, ",") != strings.Join(sailpoint.APIVersions, ",") {
		t.Errorf("account reset: %v", got)
	}
	// The caller may keep and change what it gets.
	got := sailpoint.OperationVersions(sailpoint.OperationAccountAggregation)
	got[0] = "changed"
	if sailpoint.APIVersions[0] == "changed" || sailpoint.OperationVersions(sailpoint.OperationAccountAggregation)[0] == "changed" {
		t.Error("OperationVersions hands out the package's own slice")
	}
	if sailpoint.OperationVersions("no such operation") != nil {
		t.Error("an unknown operation has versions")
	}
	err := sailpoint.ValidateOperationVersion("no such operation", "v1")
	var unsupported *sailpoint.UnsupportedOperationError
	if !errors.As(err, &unsupported) || !strings.Contains(err.Error(), "not an operation") {
		t.Errorf("unknown operation: %v", err)
	}
	// "" is v1, the default.
	if err := sailpoint.ValidateOperationVersion(sailpoint.OperationMachineIdentityAggregation, ""); err != nil {
		t.Errorf("default version: %v", err)
	}
	if n := sailpoint.Needs(sailpoint.OperationEntitlementReset, ""); strings.Join(n.Scopes, ",") != "idn:entitlement:manage" {
		t.Errorf("default version: %+v", n)
	}
}
