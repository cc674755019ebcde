package faketenant

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxLimit is the largest page the list endpoint serves (the spec's
// maximum for limit).
const maxLimit = 250

// serveList answers GET /task-status (or /task-status/v1) with the paging,
// filters and sorters the spec documents.
func (t *Tenant) serveList(w *recorder, r *http.Request, version string) {
	q := r.URL.Query()
	limit, offset, ok := pageParams(w, q)
	if !ok {
		return
	}
	filter, err := parseFilter(q.Get("filters"), version)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorDto("400.1.3 Illegal value", err.Error()))
		return
	}
	descending, err := parseSorters(q.Get("sorters"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorDto("400.1.3 Illegal value", err.Error()))
		return
	}

	t.mu.Lock()
	var matched []listed
	beyond := false
	for _, id := range t.order {
		tk := t.tasks[id]
		doc := t.currentDoc(tk)
		if doc == nil {
			continue
		}
		var fields taskFields
		if json.Unmarshal(doc, &fields) != nil || !filter(fields) {
			continue
		}
		t.listed(tk)
		matched = append(matched, listed{doc: doc, created: fields.createdTime()})
		beyond = beyond || tk.beyond
	}
	t.mu.Unlock()

	// The spec sorts only by created; with no sorter the order is the
	// tenant's own, which here is the order tasks were stored in.
	if descending != nil {
		slices.SortStableFunc(matched, func(a, b listed) int {
			if *descending {
				return b.created.Compare(a.created)
			}
			return a.created.Compare(b.created)
		})
	}
	if q.Get("count") == "true" {
		w.Header().Set("X-Total-Count", strconv.Itoa(len(matched)))
	}
	page := matched[min(offset, len(matched)):min(offset+limit, len(matched))]
	body := make([]json.RawMessage, len(page))
	for i, l := range page {
		body[i] = l.doc
	}
	w.beyondSpec = beyond
	writeJSON(w, http.StatusOK, body)
}

type listed struct {
	doc     json.RawMessage
	created time.Time
}

// taskFields are the fields the list filters look at.
type taskFields struct {
	ID               string  `json:"id"`
	Type             *string `json:"type"`
	Launcher         *string `json:"launcher"`
	CompletionStatus *string `json:"completionStatus"`
	Created          string  `json:"created"`
	Target           *struct {
		ID *string `json:"id"`
	} `json:"target"`
}

func (f taskFields) createdTime() time.Time {
	t, _ := time.Parse(time.RFC3339, f.Created)
	return t
}

// field returns the value a filter compares, and whether it is null.
func (f taskFields) field(name string) (string, bool) {
	deref := func(s *string) (string, bool) {
		if s == nil {
			return "", true
		}
		return *s, false
	}
	switch name {
	case "id":
		return f.ID, false
	case "type":
		return deref(f.Type)
	case "launcher":
		return deref(f.Launcher)
	case "completionStatus":
		return deref(f.CompletionStatus)
	case "sourceId":
		if f.Target == nil {
			return "", true
		}
		return deref(f.Target.ID)
	}
	return "", true
}

var (
	filterTerm = regexp.MustCompile(`^\s*(\w+)\s+(\w+)\s*(.*?)\s*$`)
	quoted     = regexp.MustCompile(`^"((?:[^"\\]|\\.)*)"$`)
)

// filterOps are the fields and operators the spec lists for the filter.
var filterOps = map[string][]string{
	"id":               {"eq", "in"},
	"sourceId":         {"eq", "in"},
	"completionStatus": {"eq", "in", "isnull"},
	"type":             {"eq", "in"},
	"launcher":         {"eq", "in"},
}

// parseFilter understands terms joined by "and": `field eq "v"`,
// `field in ("a","b")` and `field isnull`. Anything else is refused with a
// message, as the tenant does with a 400.
func parseFilter(expr, version string) (func(taskFields) bool, error) {
	if strings.TrimSpace(expr) == "" {
		return func(taskFields) bool { return true }, nil
	}
	var terms []func(taskFields) bool
	for _, part := range regexp.MustCompile(`\s+and\s+`).Split(expr, -1) {
		m := filterTerm.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("the filter %q is not valid: expected terms such as completionStatus eq \"ERROR\"", part)
		}
		name, op, arg := m[1], m[2], m[3]
		ops, ok := filterOps[name]
		if !ok || name == "launcher" && version != "v1" && version != "v2026" {
			return nil, fmt.Errorf("filtering is not supported for the field %q", name)
		}
		// isnull came with v2025; beta and v2024 list completed tasks only.
		if !slices.Contains(ops, op) || op == "isnull" && (version == "beta" || version == "v2024") {
			return nil, fmt.Errorf("the operator %q is not supported for the field %q", op, name)
		}
		// The spec's own examples write statuses in other casing ("Success").
		fold := name == "completionStatus"
		switch op {
		case "isnull":
			if arg != "" {
				return nil, fmt.Errorf("isnull takes no value: %q", part)
			}
			terms = append(terms, func(f taskFields) bool { _, null := f.field(name); return null })
		case "eq":
			want, err := unquote(arg)
			if err != nil {
				return nil, err
			}
			terms = append(terms, func(f taskFields) bool { return matches(f, name, fold, want) })
		case "in":
			inner, ok := strings.CutPrefix(arg, "(")
			inner, ok2 := strings.CutSuffix(inner, ")")
			if !ok || !ok2 {
				return nil, fmt.Errorf("in takes a list such as (\"a\",\"b\"): %q", part)
			}
			var wants []string
			for v := range strings.SplitSeq(inner, ",") {
				want, err := unquote(strings.TrimSpace(v))
				if err != nil {
					return nil, err
				}
				wants = append(wants, want)
			}
			terms = append(terms, func(f taskFields) bool {
				return slices.ContainsFunc(wants, func(w string) bool { return matches(f, name, fold, w) })
			})
		}
	}
	return func(f taskFields) bool {
		for _, term := range terms {
			if !term(f) {
				return false
			}
		}
		return true
	}, nil
}

func matches(f taskFields, name string, fold bool, want string) bool {
	got, null := f.field(name)
	if null {
		return false
	}
	if fold {
		return strings.EqualFold(got, want)
	}
	return got == want
}

func unquote(s string) (string, error) {
	m := quoted.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("the value %s must be in double quotes", s)
	}
	return strings.ReplaceAll(m[1], `\"`, `"`), nil
}

// parseSorters returns nil for no sorter, else whether created sorts
// descending.
func parseSorters(s string) (*bool, error) {
	switch strings.TrimSpace(s) {
	case "":
		return nil, nil
	case "created":
		f := false
		return &f, nil
	case "-created":
		t := true
		return &t, nil
	}
	return nil, fmt.Errorf("sorting is not supported for %q; the only sorter is created (or -created)", s)
}

// pageParams reads limit and offset, answering 400 when one is invalid.
func pageParams(w http.ResponseWriter, q url.Values) (limit, offset int, ok bool) {
	limit, err := intParam(q.Get("limit"), maxLimit, maxLimit)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorDto("400.1 Bad Request Content", "limit: "+err.Error()))
		return 0, 0, false
	}
	offset, err = intParam(q.Get("offset"), 0, 1<<31-1)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorDto("400.1 Bad Request Content", "offset: "+err.Error()))
		return 0, 0, false
	}
	return limit, offset, true
}

// intParam reads a number in [0, hi], def when absent.
func intParam(s string, def, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	if n < 0 || n > hi {
		return 0, fmt.Errorf("%d is out of range [0, %d]", n, hi)
	}
	return n, nil
}
