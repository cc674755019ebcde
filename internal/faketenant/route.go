package faketenant

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Operations the tenant launches, as Request.Operation and Launch.Operation
// name them (the same text as the client's Launch.Operation).
const (
	OperationAccountAggregation         = "account aggregation"
	OperationEntitlementAggregation     = "entitlement aggregation"
	OperationIdentityProcessing         = "identity processing"
	OperationUncorrelatedAccountImport  = "uncorrelated account import"
	OperationAccountReset               = "account reset"
	OperationEntitlementReset           = "entitlement reset"
	OperationMachineIdentityAggregation = "machine identity aggregation"
)

type routeKind int

const (
	kindNone routeKind = iota
	kindTask           // GET and PATCH
	kindList
	kindPending
	kindAccounts
	kindEntitlements
	kindProcess
	kindUncorrelated
	kindAccountReset
	kindEntitlementReset
	kindMachineIdentity
	kindAggregationStatus
)

// route is what a request path names: the API version, the operation, the
// spec's path template for it (relative to the version's server) and the
// id in the path.
type route struct {
	version  string
	kind     routeKind
	specPath string
	param    string // task id, source id or account aggregation id, unescaped
}

// machineIdentityVersions have aggregate-agents; beta and v2024 do not.
var machineIdentityVersions = []string{"v2025", "v2026", "v1"}

// pendingVersions still serve the deprecated pending-tasks list.
var pendingVersions = []string{"beta", "v2024", "v2025"}

// parseRoute finds the route of a request URL; a path under a version's
// task-status prefix that names nothing known keeps its version.
func parseRoute(u *url.URL) route {
	if v, rest, ok := taskStatusPath(u.Path); ok {
		rt := route{version: v}
		base := "/task-status"
		if v == "v1" {
			base = "/task-status/v1"
		}
		switch {
		case rest == "":
			rt.kind, rt.specPath = kindList, base
		case rest == "/pending-tasks" && slices.Contains(pendingVersions, v):
			rt.kind, rt.specPath = kindPending, base+"/pending-tasks"
		default:
			if id, err := url.PathUnescape(strings.TrimPrefix(rest, "/")); err == nil && id != "" && !strings.Contains(id, "/") {
				rt.kind, rt.specPath, rt.param = kindTask, base+"/{id}", id
			}
		}
		return rt
	}
	return launchRoute(u.EscapedPath())
}

// launchRoute recognises the launches and the account aggregation status,
// on v1 (the service, then v1: /sources/v1/{id}/load-accounts) and on the
// other versions (/{version}/sources/{id}/load-accounts):
//   - sources/{id}/ load-accounts, load-entitlements,
//     load-uncorrelated-accounts, remove-accounts, aggregate-agents
//   - identities/process
//   - entitlements/reset/sources/{id}
//   - account-aggregations/{id}/status
//
// A path a version does not have (aggregate-agents on beta and v2024)
// names nothing.
func launchRoute(escaped string) route {
	segs := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	var version string
	var rest []string
	switch {
	case len(segs) >= 2 && segs[1] == "v1" && slices.Contains([]string{"sources", "identities", "entitlements", "account-aggregations"}, segs[0]):
		version, rest = "v1", append([]string{segs[0]}, segs[2:]...)
	case len(segs) >= 1 && segs[0] != "v1" && Versions[segs[0]] != "":
		version, rest = segs[0], segs[1:]
	default:
		return route{}
	}
	// The service's path, as the version's spec writes it.
	service := func(name string) string {
		if version == "v1" {
			return "/" + name + "/v1"
		}
		return "/" + name
	}
	// The spec names a source's path parameter id or sourceId, by version
	// and operation; beta says sourceId throughout.
	sourceParam := "{id}"
	if version == "beta" {
		sourceParam = "{sourceId}"
	}
	param := func(escapedID string) (string, bool) {
		id, err := url.PathUnescape(escapedID)
		return id, err == nil && id != ""
	}
	switch {
	case len(rest) == 2 && rest[0] == "identities" && rest[1] == "process":
		return route{version: version, kind: kindProcess, specPath: service("identities") + "/process"}
	case len(rest) == 3 && rest[0] == "sources":
		id, ok := param(rest[1])
		if !ok {
			return route{}
		}
		rt := route{version: version, param: id}
		switch rest[2] {
		case "load-accounts":
			rt.kind, rt.specPath = kindAccounts, service("sources")+"/"+sourceParam+"/load-accounts"
		case "load-entitlements":
			rt.kind, rt.specPath = kindEntitlements, service("sources")+"/{sourceId}/load-entitlements"
		case "load-uncorrelated-accounts":
			rt.kind, rt.specPath = kindUncorrelated, service("sources")+"/"+sourceParam+"/load-uncorrelated-accounts"
		case "remove-accounts":
			rt.kind, rt.specPath = kindAccountReset, service("sources")+"/"+sourceParam+"/remove-accounts"
		case "aggregate-agents":
			if !slices.Contains(machineIdentityVersions, version) {
				return route{}
			}
			rt.kind, rt.specPath = kindMachineIdentity, service("sources")+"/{sourceId}/aggregate-agents"
		default:
			return route{}
		}
		return rt
	case len(rest) == 4 && rest[0] == "entitlements" && rest[1] == "reset" && rest[2] == "sources":
		id, ok := param(rest[3])
		if !ok {
			return route{}
		}
		return route{version: version, kind: kindEntitlementReset, specPath: service("entitlements") + "/reset/sources/" + sourceParam, param: id}
	case len(rest) == 3 && rest[0] == "account-aggregations" && rest[2] == "status":
		id, ok := param(rest[1])
		if !ok {
			return route{}
		}
		return route{version: version, kind: kindAggregationStatus, specPath: service("account-aggregations") + "/{id}/status", param: id}
	}
	return route{}
}

// taskStatusPath splits a path into its API version and what follows the
// task-status prefix ("" for the list, "/{id}" for one task).
func taskStatusPath(path string) (version, rest string, ok bool) {
	for v, prefix := range Versions {
		if path == prefix {
			return v, "", true
		}
		if r, found := strings.CutPrefix(path, prefix+"/"); found {
			return v, "/" + r, true
		}
	}
	return "", "", false
}

func (rt route) isLaunch() bool { return rt.operation() != "" }

func (rt route) operation() string {
	switch rt.kind {
	case kindAccounts:
		return OperationAccountAggregation
	case kindEntitlements:
		return OperationEntitlementAggregation
	case kindProcess:
		return OperationIdentityProcessing
	case kindUncorrelated:
		return OperationUncorrelatedAccountImport
	case kindAccountReset:
		return OperationAccountReset
	case kindEntitlementReset:
		return OperationEntitlementReset
	case kindMachineIdentity:
		return OperationMachineIdentityAggregation
	}
	return ""
}

// methods are the methods the route serves.
func (rt route) methods() []string {
	switch {
	case rt.isLaunch():
		return []string{http.MethodPost}
	case rt.kind == kindTask:
		return []string{http.MethodGet, http.MethodPatch}
	}
	return []string{http.MethodGet}
}

// pathParams names the path's id as the spec template does.
func (rt route) pathParams() map[string]string {
	for _, name := range []string{"id", "sourceId"} {
		if strings.Contains(rt.specPath, "{"+name+"}") {
			return map[string]string{name: rt.param}
		}
	}
	return map[string]string{}
}
