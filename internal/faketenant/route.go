package faketenant

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Operations the tenant launches, as Request.Operation and Launch.Operation
// name them.
const (
	OperationAccountAggregation     = "account aggregation"
	OperationEntitlementAggregation = "entitlement aggregation"
	OperationIdentityProcessing     = "identity processing"
)

type routeKind int

const (
	kindNone routeKind = iota
	kindTask
	kindList
	kindPending
	kindAccounts
	kindEntitlements
	kindProcess
)

// route is what a request path names: the API version, the operation, the
// spec's path template for it (relative to the version's server) and the
// id in the path.
type route struct {
	version  string
	kind     routeKind
	specPath string
	param    string // task id or source id, unescaped
}

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

// launchRoute recognises /sources/v1/{id}/load-accounts and
// /{version}/sources/{id}/load-accounts, load-entitlements likewise, and
// /identities/v1/process or /{version}/identities/process.
func launchRoute(escaped string) route {
	segs := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	var version string
	var rest []string
	switch {
	case len(segs) >= 2 && segs[1] == "v1" && (segs[0] == "sources" || segs[0] == "identities"):
		version, rest = "v1", append([]string{segs[0]}, segs[2:]...)
	case len(segs) >= 1 && segs[0] != "v1" && Versions[segs[0]] != "":
		version, rest = segs[0], segs[1:]
	default:
		return route{}
	}
	prefix := ""
	if version == "v1" {
		prefix = "/v1"
	}
	switch {
	case len(rest) == 2 && rest[0] == "identities" && rest[1] == "process":
		return route{version: version, kind: kindProcess, specPath: "/identities" + prefix + "/process"}
	case len(rest) == 3 && rest[0] == "sources" && (rest[2] == "load-accounts" || rest[2] == "load-entitlements"):
		id, err := url.PathUnescape(rest[1])
		if err != nil || id == "" {
			return route{}
		}
		// The spec names the path parameter id or sourceId, by version.
		if rest[2] == "load-accounts" {
			name := "{id}"
			if version == "beta" {
				name = "{sourceId}"
			}
			return route{version: version, kind: kindAccounts, specPath: "/sources" + prefix + "/" + name + "/load-accounts", param: id}
		}
		return route{version: version, kind: kindEntitlements, specPath: "/sources" + prefix + "/{sourceId}/load-entitlements", param: id}
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

func (rt route) isLaunch() bool {
	return rt.kind == kindAccounts || rt.kind == kindEntitlements || rt.kind == kindProcess
}

func (rt route) operation() string {
	switch rt.kind {
	case kindAccounts:
		return OperationAccountAggregation
	case kindEntitlements:
		return OperationEntitlementAggregation
	case kindProcess:
		return OperationIdentityProcessing
	}
	return ""
}

// method is the one method the route serves.
func (rt route) method() string {
	if rt.isLaunch() {
		return http.MethodPost
	}
	return http.MethodGet
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
