package faketenant

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"time"
)

// Patch is one PATCH /task-status/{id} the tenant applied.
type Patch struct {
	Version     string
	TaskID      string
	ContentType string // as sent
	Operations  []PatchOperation
}

// PatchOperation is one JSON Patch (RFC 6902) operation as sent.
type PatchOperation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// Patches returns the PATCHes applied so far, in order. Refused ones are
// in the request log only.
func (t *Tenant) Patches() []Patch {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.patches)
}

// PendingTask is a task that stays pending (completionStatus and completed
// null) on every read and every list, forever, until a PATCH clears it: a
// task another run left behind.
type PendingTask struct {
	ID       string
	SourceID string // the target; "" for none
	Created  time.Time
	// Launched zero means queued, not launched yet (launched null).
	Launched   time.Time
	UniqueName string // "" means "Cloud Account Aggregation"
	// TimeLayout writes created and launched; "" is RFC 3339 with
	// milliseconds. Another layout is beyond the spec's date-time, so the
	// task's answers are not checked against it.
	TimeLayout string
}

// PutPendingTask stores p as a spec-valid TaskStatus and returns it.
func (t *Tenant) PutPendingTask(p PendingTask) json.RawMessage {
	name := p.UniqueName
	if name == "" {
		name = "Cloud Account Aggregation"
	}
	stamp := timestamp
	if p.TimeLayout != "" {
		stamp = func(t time.Time) string { return t.UTC().Format(p.TimeLayout) }
	}
	created := stamp(p.Created)
	var launched any
	if !p.Launched.IsZero() {
		launched = stamp(p.Launched)
	}
	t.mu.Lock()
	var target any
	if p.SourceID != "" {
		sourceName := p.SourceID
		if known, ok := t.sources[p.SourceID]; ok {
			sourceName = known
		}
		target = map[string]any{"id": p.SourceID, "type": "APPLICATION", "name": sourceName + " [source]"}
	}
	t.mu.Unlock()
	doc := mustJSON(map[string]any{
		"id": p.ID, "type": "QUARTZ", "uniqueName": name, "description": "Aggregate from the specified application",
		"parentName": nil, "launcher": DefaultClientID, "target": target,
		"created": created, "modified": created, "launched": launched,
		"completed": nil, "completionStatus": nil, "messages": []any{}, "returns": []any{},
		"attributes": map[string]any{}, "progress": "Running", "percentComplete": 0,
	})
	t.putTask(p.ID, p.TimeLayout != "", doc)
	return doc
}

// timestamp writes t as ISC does: RFC 3339 in UTC with milliseconds.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// patchable are the members a PATCH may replace, and what each accepts: the
// spec describes the PATCH as the way to "clear a pending task by updating
// the completionStatus and completed attributes", and says nothing of
// others.
var patchable = map[string]func(string) bool{
	// TaskStatus's enum, exactly: the spec's own example value "Error" would
	// make a TaskStatus the spec refuses.
	"/completionStatus": func(v string) bool {
		return slices.Contains([]string{"SUCCESS", "WARNING", "ERROR", "TERMINATED", "TEMPERROR"}, v)
	},
	// TaskStatus.completed is a date-time; the v2024-v2026 example
	// "2024-05-17 19:33:16.470000+00:00" is not one.
	"/completed": func(v string) bool { _, err := time.Parse(time.RFC3339, v); return err == nil },
}

// servePatch answers PATCH /task-status/{id}: it applies replace
// operations of /completionStatus and /completed to the task's current
// answer, which every later read and list then shows, and answers 200
// with the updated TaskStatus.
func (t *Tenant) servePatch(w *recorder, r *http.Request, rt route, body []byte) {
	contentType := r.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "application/json-patch+json" {
		badRequest(w, fmt.Sprintf("The content type %q is not supported; send application/json-patch+json.", contentType))
		return
	}
	var ops []PatchOperation
	if err := json.Unmarshal(body, &ops); err != nil || ops == nil {
		badRequest(w, "The body is not a JSON Patch array of operations.")
		return
	}
	values := map[string]string{}
	for _, op := range ops {
		valid, known := patchable[op.Path]
		if op.Op != "replace" || !known {
			badRequest(w, fmt.Sprintf("This tenant clears pending tasks only: %q of %q is not supported; replace /completionStatus and /completed.", op.Op, op.Path))
			return
		}
		var v string
		if err := json.Unmarshal(op.Value, &v); err != nil || !valid(v) {
			badRequest(w, fmt.Sprintf("The value %s is not valid for %s.", op.Value, op.Path))
			return
		}
		values[op.Path[1:]] = v
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	tk, ok := t.tasks[rt.param]
	var doc json.RawMessage
	if ok {
		doc = t.currentDoc(tk)
	}
	var fields map[string]json.RawMessage
	if doc == nil || json.Unmarshal(doc, &fields) != nil {
		writeJSON(w, http.StatusNotFound, errorDto("404 Not found", "TaskStatus with the given id was not found."))
		return
	}
	for name, v := range values {
		fields[name] = mustJSON(v)
	}
	patched := mustJSON(fields)
	// One answer from now on: cleared, whatever its script said.
	tk.docs = []json.RawMessage{patched}
	t.patches = append(t.patches, Patch{Version: rt.version, TaskID: rt.param, ContentType: contentType, Operations: ops})
	w.beyondSpec = tk.beyond
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(patched)
}

// mustJSON marshals plain values (maps, strings, raw JSON), which cannot
// fail.
func mustJSON(v any) json.RawMessage {
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return out
}
