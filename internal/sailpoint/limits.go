package sailpoint

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
)

// Bounds on a 2xx answer, checked on the raw body before it is decoded, so
// what is decoded and mapped into Terraform values is always small work: a
// 40-byte number, a 12 KB nesting or 300 KB of empty messages cost seconds
// and gigabytes downstream before these existed. Real task statuses stay far
// inside them.
const (
	// MaxJSONDepth is the deepest nesting of objects and arrays.
	MaxJSONDepth = 32
	// MaxJSONValues is how many JSON values (objects, arrays, strings,
	// numbers, booleans, nulls) one answer may hold: a full page of 250
	// tasks with 80 values each, or one task with about 6,000 messages.
	MaxJSONValues = 25_000
	// MaxArrayElements is the most elements of one array. Each message of a
	// task costs about 60 KB and 150 µs downstream even when empty, so this
	// bounds the costliest arrays; a page of the list (250) is far inside.
	MaxArrayElements = 2_500
	// MaxNumberLength is the longest number literal, in bytes; a number
	// must also be within float64's range.
	MaxNumberLength = 40
)

// LimitError means an answer went past one of the bounds above.
type LimitError struct {
	What  string // what went past the bound
	Limit string // the bound
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s, past this client's limit of %s", e.What, e.Limit)
}

// answer says what a 2xx body must be: the spec's name for it, the JSON
// kind at its top, and its budget of values.
type answer struct {
	document string     // such as "TaskStatus" or "list of TaskStatus"
	kind     json.Delim // '{' or '['
	budget   *int       // values left
	// elements is the most elements of one array; 0 means
	// MaxArrayElements. values is the budget's size, for messages; 0 means
	// MaxJSONValues.
	elements, values int
}

func newBudget() *int { n := MaxJSONValues; return &n }

type jsonFrame struct {
	object    bool
	expectKey bool
	keys      map[string]struct{}
	elements  int // of an array
}

// checkJSON scans body as a stream of tokens, never building it: exactly
// one JSON value, of the kind a says, within the bounds, with no key twice
// in one object (compared as encoding/json matches field names, regardless
// of case, so "completionstatus" cannot override "completionStatus").
func checkJSON(body []byte, a answer) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*jsonFrame
	started := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) && started && len(stack) == 0 {
			return nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if started && len(stack) == 0 {
			return errors.New("unexpected data after the JSON document")
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.expectKey {
			if tok == json.Delim('}') {
				stack = stack[:len(stack)-1]
				valueDone(stack)
				continue
			}
			key, _ := tok.(string)
			folded := foldKey(key)
			if _, dup := top.keys[folded]; dup {
				return fmt.Errorf("the key %q appears twice in one object (keys are compared regardless of case)", CleanText(key))
			}
			top.keys[folded] = struct{}{}
			top.expectKey = false
			continue
		}
		if !started {
			started = true
			if tok != a.kind {
				return fmt.Errorf("the answer is %s, not %s", jsonKind(tok), kindName(a.kind))
			}
		}
		if d, ok := tok.(json.Delim); ok && (d == ']' || d == '}') {
			stack = stack[:len(stack)-1]
			valueDone(stack)
			continue
		}
		if top != nil && !top.object {
			if top.elements++; top.elements > cmp.Or(a.elements, MaxArrayElements) {
				return &LimitError{What: "an array of the answer has too many elements", Limit: fmt.Sprintf("%d elements", cmp.Or(a.elements, MaxArrayElements))}
			}
		}
		if *a.budget--; *a.budget < 0 {
			return &LimitError{What: "the answer holds too many values", Limit: fmt.Sprintf("%d values in one answer", cmp.Or(a.values, MaxJSONValues))}
		}
		switch t := tok.(type) {
		case json.Delim: // '{' or '['
			if len(stack) == MaxJSONDepth {
				return &LimitError{What: "the answer nests objects and arrays too deep", Limit: fmt.Sprintf("%d levels", MaxJSONDepth)}
			}
			f := &jsonFrame{object: t == '{', expectKey: t == '{'}
			if f.object {
				f.keys = map[string]struct{}{}
			}
			stack = append(stack, f)
			continue
		case json.Number:
			if err := checkNumber(string(t)); err != nil {
				return err
			}
		}
		valueDone(stack)
	}
}

// valueDone records that the innermost container got a whole value.
func valueDone(stack []*jsonFrame) {
	if len(stack) > 0 && stack[len(stack)-1].object {
		stack[len(stack)-1].expectKey = true
	}
}

func checkNumber(lit string) error {
	if len(lit) > MaxNumberLength {
		return &LimitError{What: fmt.Sprintf("a number of %d characters", len(lit)), Limit: fmt.Sprintf("%d characters", MaxNumberLength)}
	}
	if _, err := strconv.ParseFloat(lit, 64); err != nil {
		return &LimitError{What: fmt.Sprintf("the number %s", lit), Limit: "float64's range (about 1.8e308)"}
	}
	return nil
}

// foldKey folds a key as encoding/json matches names to fields.
func foldKey(k string) string {
	return strings.Map(func(r rune) rune { return unicode.ToLower(unicode.ToUpper(r)) }, k)
}

func jsonKind(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return kindName(t)
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}

func kindName(d json.Delim) string {
	if d == '[' {
		return "a JSON array"
	}
	return "a JSON object"
}

// decodeJSON decodes a 2xx body into out, once checkJSON has passed it.
// Unknown fields are ignored, so a tenant newer than this client does not
// break it.
func decodeJSON(resp *http.Response, path string, body []byte, out any, a answer) error {
	err := checkJSON(body, a)
	if err == nil {
		err = decodeDocument(body, out)
	}
	if err == nil {
		return nil
	}
	return decodeError(resp, path, body, a.document, err)
}

// responseMethod is the method of the request resp answers.
func responseMethod(resp *http.Response) string {
	if resp.Request != nil {
		return resp.Request.Method
	}
	return http.MethodGet
}

func decodeError(resp *http.Response, path string, body []byte, document string, err error) *DecodeError {
	snippet := strings.ToValidUTF8(string(body[:min(len(body), 120)]), "")
	return &DecodeError{
		Method:      responseMethod(resp),
		Path:        path,
		StatusCode:  resp.StatusCode,
		ContentType: CleanText(resp.Header.Get("Content-Type")),
		Document:    document,
		Err:         err,
		Snippet:     snippet,
	}
}
