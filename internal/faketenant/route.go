package faketenant

import (
	"net/url"
	"strings"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The tenant routes from the client's declarations (sailpoint.Operations):
// each operation's path on each API version, as the spec writes it. A
// request is the operation whose path template matches it, literal
// segments before parameters, so /v2025/task-status/pending-tasks is the
// pending list where the version has one and a task's id where it does
// not.

// Versions maps each API version to its task-status list path.
var Versions = func() map[string]string {
	out := map[string]string{}
	for _, v := range sailpoint.ListTaskStatusesOp.Versions() {
		out[v] = sailpoint.ListTaskStatusesOp.Path(v, "")
	}
	return out
}()

// route is what a request names: the API version, the operation, its
// path as the version's spec writes it (relative to the version's server)
// and the parameter in the path.
type route struct {
	version  string
	op       *sailpoint.Operation
	specPath string
	param    string // task id, source id, account aggregation id or SP-Config job id, unescaped
	// methods are the methods of every operation on the path, when the
	// request's method is none of them (op is nil then).
	methods []string
}

// findRoute finds the operation of a request among ops.
func findRoute(ops []*sailpoint.Operation, method string, u *url.URL) route {
	segs := strings.Split(u.EscapedPath(), "/")
	var best route
	bestLiterals := -1
	for _, op := range ops {
		for version, template := range op.Paths {
			param, literals, ok := matchTemplate(template, segs)
			if !ok || literals < bestLiterals {
				continue
			}
			if literals > bestLiterals {
				best, bestLiterals = route{version: version}, literals
			}
			if op.Method != method {
				best.methods = append(best.methods, op.Method)
				continue
			}
			specPath := template
			if version != sailpoint.APIVersionV1 {
				specPath = strings.TrimPrefix(template, "/"+version)
			}
			best.op, best.specPath, best.param, best.methods = op, specPath, param, nil
		}
	}
	if best.op != nil {
		best.methods = nil
	}
	return best
}

// matchTemplate matches a path's segments against a template with at most
// one {parameter}: the parameter unescaped, and how many segments matched
// literally.
func matchTemplate(template string, segs []string) (param string, literals int, ok bool) {
	want := strings.Split(template, "/")
	if len(want) != len(segs) {
		return "", 0, false
	}
	for i, w := range want {
		if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
			p, err := url.PathUnescape(segs[i])
			if err != nil || p == "" {
				return "", 0, false
			}
			param = p
			continue
		}
		if w != segs[i] {
			return "", 0, false
		}
		literals++
	}
	return param, literals, true
}

func (rt route) isLaunch() bool { return rt.op != nil && rt.op.StartsJob() }

// pathParams names the path's parameter as the spec template does.
func (rt route) pathParams() map[string]string {
	open, end := strings.IndexByte(rt.specPath, '{'), strings.IndexByte(rt.specPath, '}')
	if open < 0 || end < open {
		return map[string]string{}
	}
	return map[string]string{rt.specPath[open+1 : end]: rt.param}
}
