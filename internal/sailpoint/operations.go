package sailpoint

import (
	"fmt"
	"slices"
	"strings"
)

// What each operation needs, per API version, as the spec files in
// testdata/spec say it (security, x-sailpoint-userLevels), so a caller can
// check a version before any request and explain a 403 with the spec's
// own words. needs_test.go checks this data against the spec files.

// MachineIdentityAggregationVersions are the API versions that have machine
// identity aggregation (POST .../sources/{sourceId}/aggregate-agents), in
// the order of APIVersions: beta and v2024 have no such path.
var MachineIdentityAggregationVersions = []string{APIVersionV1, APIVersionV2026, APIVersionV2025}

// OperationVersions lists the API versions that have an operation, in the
// order of APIVersions; nil for an operation this package does not know.
// Every operation but machine identity aggregation is in every version.
func OperationVersions(operation string) []string {
	switch operation {
	case OperationMachineIdentityAggregation:
		return slices.Clone(MachineIdentityAggregationVersions)
	case OperationAccountAggregation, OperationEntitlementAggregation, OperationIdentityProcessing,
		OperationUncorrelatedAccountImport, OperationAccountReset, OperationEntitlementReset,
		OperationAccountAggregationStatus, OperationClearTask:
		return slices.Clone(APIVersions)
	}
	return nil
}

// ValidateOperationVersion returns an *UnsupportedOperationError when the
// API version ("" means v1) has no such operation, so a plan can refuse it
// before anything is sent.
func ValidateOperationVersion(operation, version string) error {
	if version == "" {
		version = APIVersionV1
	}
	versions := OperationVersions(operation)
	if slices.Contains(versions, version) {
		return nil
	}
	return &UnsupportedOperationError{Operation: operation, Version: version, Versions: versions}
}

// UnsupportedOperationError means the client's API version has no such
// operation. Nothing was sent.
type UnsupportedOperationError struct {
	Operation string
	Version   string
	// Versions are the API versions that have it; empty for an operation
	// this package does not know.
	Versions []string
}

func (e *UnsupportedOperationError) Error() string {
	if len(e.Versions) == 0 {
		return fmt.Sprintf("%q is not an operation this client knows", e.Operation)
	}
	return fmt.Sprintf("API version %s has no %s: the spec has it in %s only", e.Version, e.Operation, strings.Join(e.Versions, ", "))
}

// OperationNeeds is what the spec says a caller needs for an operation.
type OperationNeeds struct {
	// Scopes the token must all hold (one security requirement lists them
	// together). Empty when the spec asks for none in particular.
	Scopes []string
	// UserLevels are the spec's x-sailpoint-userLevels, any one of which
	// may call the operation; nil where the version lists none.
	UserLevels []string
	// UserTokenOnly: the spec lists userAuth only, so a token from a
	// client-credentials (API) client is not documented to work; a personal
	// access token is.
	UserTokenOnly bool
}

// ClearTaskScope and ClearTaskUserLevels are what PATCH /task-status/{id}
// needs in every version: userAuth only, with this scope, and one of these
// user levels (the GET also lists HELPDESK; the PATCH does not).
const ClearTaskScope = "idn:task-management:write"

// ClearTaskUserLevels are the x-sailpoint-userLevels of the task-status PATCH.
var ClearTaskUserLevels = []string{"ORG_ADMIN", "CERT_ADMIN", "REPORT_ADMIN", "ROLE_ADMIN", "ROLE_SUBADMIN", "SOURCE_ADMIN", "SOURCE_SUBADMIN"}

// Needs returns what an operation needs on an API version ("" means v1),
// per the spec; the zero value for an operation or version without it.
// The slices are the caller's to keep.
func Needs(operation, version string) OperationNeeds {
	if version == "" {
		version = APIVersionV1
	}
	if ValidateOperationVersion(operation, version) != nil {
		return OperationNeeds{}
	}
	beta := version == APIVersionBeta
	var n OperationNeeds
	switch operation {
	case OperationAccountAggregation:
		n = OperationNeeds{Scopes: []string{"idn:sources:manage"}, UserTokenOnly: beta}
		// beta names the levels in its description text only.
		if !beta {
			n.UserLevels = []string{"ORG_ADMIN", "SOURCE_ADMIN", "SOURCE_SUBADMIN"}
		}
	case OperationEntitlementAggregation:
		// The description text also names SOURCE_ADMIN and
		// SOURCE_SUBADMIN; x-sailpoint-userLevels says ORG_ADMIN only.
		n = OperationNeeds{Scopes: []string{"idn:entitlement:manage"}, UserLevels: []string{"ORG_ADMIN"}, UserTokenOnly: true}
	case OperationIdentityProcessing:
		n = OperationNeeds{Scopes: []string{"idn:identity:process", "idn:identity:manage"}, UserLevels: []string{"ORG_ADMIN", "HELPDESK"}}
	case OperationUncorrelatedAccountImport:
		n = OperationNeeds{Scopes: []string{"idn:sources:manage"}, UserTokenOnly: beta}
		if !beta {
			n.UserLevels = []string{"ORG_ADMIN"}
		}
	case OperationAccountReset:
		// Not idn:sources:manage: removing accounts has its own scope.
		n = OperationNeeds{Scopes: []string{"idn:accounts:manage"}, UserTokenOnly: true}
		if !beta {
			n.UserLevels = []string{"ORG_ADMIN"}
		}
	case OperationEntitlementReset:
		n = OperationNeeds{Scopes: []string{"idn:entitlement:manage"}, UserLevels: []string{"ORG_ADMIN"}, UserTokenOnly: true}
		if beta {
			n.Scopes = []string{"idn:entitlement:update"}
		}
	case OperationMachineIdentityAggregation:
		n = OperationNeeds{Scopes: []string{"idn:mis-agents:aggregate"}, UserLevels: []string{"ORG_ADMIN", "SOURCE_ADMIN", "SOURCE_SUBADMIN", "HELPDESK"}, UserTokenOnly: true}
	case OperationAccountAggregationStatus:
		// userAuth with no scope; beta has no operation security, so the
		// document's userAuth [sp:scopes:all] applies, and names the levels
		// (with DASHBOARD) in its description only.
		n = OperationNeeds{UserTokenOnly: true}
		if beta {
			n.Scopes = []string{"sp:scopes:all"}
		} else {
			n.UserLevels = []string{"ORG_ADMIN", "SOURCE_ADMIN", "SOURCE_SUBADMIN"}
		}
	case OperationClearTask:
		n = OperationNeeds{Scopes: []string{ClearTaskScope}, UserLevels: slices.Clone(ClearTaskUserLevels), UserTokenOnly: true}
	}
	return n
}
