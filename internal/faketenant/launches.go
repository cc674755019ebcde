package faketenant

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Source is a source the tenant can aggregate.
type Source struct{ ID, Name string }

// Fixture source ids. The first one is the target of the complete
// aggregation fixture.
const (
	ActiveDirectorySourceID = "c6dc37bf508149b28ce5b7d90ca4bbf9"
	WorkdaySourceID         = "2c9180835d2e5168015d32f890ca1581"
	// A delimited-file source, aggregated from an uploaded CSV.
	HRFileSourceID = "2c9180887a1b2c3d4e5f60718293a4b5"
)

// FixtureSources are the sources a new tenant knows.
var FixtureSources = []Source{
	{ActiveDirectorySourceID, "Active Directory"},
	{WorkdaySourceID, "Workday"},
	{HRFileSourceID, "HR Delimited File"},
}

// AddSource makes a source known, so launches on it are accepted.
func (t *Tenant) AddSource(id, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sources[id] = name
}

// Script says how a launched task runs and ends.
type Script struct {
	// RunningReads is how many reads find the task running before it
	// ends. A read is a GET of the task, or a list or pending-tasks answer
	// that shows it.
	RunningReads int
	// Status is the completion status at the end; "" means SUCCESS. A value
	// TaskStatus does not list (TEMP_ERROR, PARTIAL_SUCCESS) is sent as is
	// and the task's answers are not checked against the spec.
	Status   string
	Messages []Message // the ended task's messages
	// AggregationStatuses are an account aggregation's answers to GET
	// .../account-aggregations/{id}/status (AccountAggregationStatus), one
	// per read, the last repeating; nil derives one from the task's state.
	// Other launches ignore them.
	AggregationStatuses []json.RawMessage
}

// Message is one message of a scripted task.
type Message struct {
	Type string // INFO, WARN or ERROR; "" means INFO
	Text string
}

// DefaultScript runs a launched task for one read, then ends in SUCCESS.
var DefaultScript = Script{RunningReads: 1, Status: "SUCCESS"}

// ScriptLaunches sets how the next launched tasks run: each launch, of any
// operation, takes the next script, the last one repeating (so TEMPERROR
// then SUCCESS scripts a retry that succeeds). No scripts restore
// DefaultScript.
func (t *Tenant) ScriptLaunches(scripts ...Script) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scripts = slices.Clone(scripts)
}

// Launch is one launch the tenant accepted.
type Launch struct {
	Operation   string // the client's name of it: sailpoint.AccountAggregationOp.Name, ...
	Version     string
	SourceID    string   // the source in the path; "" for identity processing
	IdentityIDs []string // identity processing's identityIds
	DatasetIDs  []string // machine identity aggregation's datasetIds
	// Form are the plain parts of a form body; JSON the fields of a JSON one.
	Form map[string]string
	JSON map[string]json.RawMessage
	// File is the uploaded CSV, nil when the request had no file part.
	File *UploadedFile
	// DisableOptimization is the field as sent, nil when absent: the form
	// field's text, or machine identity aggregation's JSON boolean as
	// "true" or "false".
	DisableOptimization *string
	ContentType         string // the request's, as sent
	Experimental        string // the X-SailPoint-Experimental header, as sent
	TaskID              string
}

// UploadedFile is a file part of a multipart launch.
type UploadedFile struct {
	Name        string // the part's filename
	ContentType string
	Content     []byte
}

// Launches returns the launches accepted so far, in order.
func (t *Tenant) Launches() []Launch {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.launches)
}

// LaunchCount counts the accepted launches of an operation ("" for all).
func (t *Tenant) LaunchCount(operation string) int {
	n := 0
	for _, l := range t.Launches() {
		if operation == "" || l.Operation == operation {
			n++
		}
	}
	return n
}

func badRequest(w http.ResponseWriter, text string) {
	writeJSON(w, http.StatusBadRequest, errorDto("400.1 Bad Request Content", text))
}

// serveLaunch answers an operation that starts a task, from its
// declaration: the experimental header it requires, its body, the source
// in its path, and an answer that puts the task's id where the
// declaration says. What a declaration cannot give (the answer document
// the spec shows, the task's name, checks of the body) comes from
// launchKinds.
func (t *Tenant) serveLaunch(w *recorder, r *http.Request, rt route, bearer string, body []byte) {
	op := rt.op
	l := Launch{
		Operation:    op.Name,
		Version:      rt.version,
		SourceID:     rt.param,
		ContentType:  r.Header.Get("Content-Type"),
		Experimental: r.Header.Get("X-SailPoint-Experimental"),
	}
	kind := launchKinds[op]
	problem := ""
	if slices.Contains(op.Experimental, rt.version) && l.Experimental != "true" {
		problem = "This API is experimental: send the header X-SailPoint-Experimental: true."
	}
	if problem == "" {
		problem = parseLaunchBody(&l, op.Body, rt.version, body)
	}
	if problem == "" && kind.check != nil {
		problem = kind.check(&l)
	}
	if problem != "" {
		badRequest(w, problem)
		return
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	sourceName, known := t.sources[l.SourceID]
	if l.SourceID != "" && !known {
		// The spec lists 400, not 404, for the source launches (404 is
		// documented for identity processing and machine identity
		// aggregation only), so an unknown source is a bad request, as
		// ErrorResponseDto, for all of them alike.
		badRequest(w, fmt.Sprintf("The source %q does not exist in this tenant; check source_id.", l.SourceID))
		return
	}
	script := DefaultScript
	if len(t.scripts) > 0 {
		script = t.scripts[0]
		if len(t.scripts) > 1 {
			t.scripts = t.scripts[1:]
		}
	}
	run := launchedRun{launcher: t.tokenClient[bearer], now: timestamp(t.Now()), script: script,
		uniqueName: op.Name, description: op.Name}
	if l.SourceID != "" {
		run.target = map[string]any{"id": l.SourceID, "type": "APPLICATION", "name": sourceName + " [source]"}
		run.attributes = map[string]any{"appId": l.SourceID}
	}
	l.TaskID = hexID()
	if kind.dashedID {
		l.TaskID = uuid()
	}
	var answer any = idAnswer(op.JobID, l.TaskID)
	status := http.StatusAccepted
	if kind.answer != nil {
		status, answer = kind.answer(&l, &run)
	}
	if kind.launched != nil {
		kind.launched(t, &l, script)
	}
	docs, beyond := run.docs(l.TaskID)
	if _, ok := t.tasks[l.TaskID]; !ok {
		t.order = append(t.order, l.TaskID)
	}
	t.tasks[l.TaskID] = &task{docs: docs, beyond: beyond, listed: true}
	t.clockLaunch(l.SourceID, l.TaskID, run)
	t.launches = append(t.launches, l)
	writeJSON(w, status, answer)
}

// idAnswer is the least answer that names a task where a declaration says
// ("task.id", "id"), for an operation launchKinds has no document of.
func idAnswer(field, id string) map[string]any {
	name, rest, nested := strings.Cut(field, ".")
	if nested {
		return map[string]any{name: idAnswer(rest, id)}
	}
	return map[string]any{name: id}
}

// parseLaunchBody reads a launch's body as its declaration says: a
// multipart form (or, as beta's account aggregation also takes, a
// urlencoded one) of a file and plain fields, or JSON, or nothing.
func parseLaunchBody(l *Launch, kind sailpoint.BodyKind, version string, body []byte) string {
	switch kind {
	case sailpoint.NoBody:
		return "" // none is documented; whatever comes is not read
	case sailpoint.JSONBody:
		if mt, _, _ := mime.ParseMediaType(l.ContentType); mt != "application/json" {
			return fmt.Sprintf("The content type %q is not supported; send application/json.", l.ContentType)
		}
		if err := json.Unmarshal(body, &l.JSON); err != nil || l.JSON == nil {
			return fmt.Sprintf("The body is not a JSON object: %v", err)
		}
		var b *bool
		for name, into := range map[string]any{"identityIds": &l.IdentityIDs, "datasetIds": &l.DatasetIDs, "disableOptimization": &b} {
			if raw, ok := l.JSON[name]; ok {
				if err := json.Unmarshal(raw, into); err != nil {
					return fmt.Sprintf("%s is not valid: %v", name, err)
				}
			}
		}
		if b != nil {
			v := strconv.FormatBool(*b)
			l.DisableOptimization = &v
		}
		return ""
	}
	if l.ContentType == "" && len(body) == 0 {
		return ""
	}
	l.Form = map[string]string{}
	mt, params, err := mime.ParseMediaType(l.ContentType)
	switch {
	case err != nil:
		return fmt.Sprintf("The content type %q is not valid.", l.ContentType)
	case mt == "application/x-www-form-urlencoded" && version == "beta":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return "The form is not valid: " + err.Error()
		}
		for name := range form {
			l.Form[name] = form.Get(name)
		}
	case mt == "multipart/form-data":
		parts, problem := readParts(body, params["boundary"])
		if problem != "" {
			return problem
		}
		for _, part := range parts {
			if part.fileName != "" {
				l.File = &UploadedFile{Name: part.fileName, ContentType: part.contentType, Content: part.content}
				continue
			}
			l.Form[part.name] = string(part.content)
		}
	default:
		return fmt.Sprintf("The content type %q is not supported; send multipart/form-data.", mt)
	}
	if v, ok := l.Form["disableOptimization"]; ok {
		if v != "true" && v != "false" {
			return fmt.Sprintf("disableOptimization must be \"true\" or \"false\", not %q.", v)
		}
		l.DisableOptimization = &v
	}
	return ""
}

// formPart is one part of a multipart body as sent.
type formPart struct {
	name, fileName, contentType string
	content                     []byte
}

// readParts reads a multipart body's parts; a problem, in the tenant's
// words, when it is not a valid one.
func readParts(body []byte, boundary string) ([]formPart, string) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var parts []formPart
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return parts, ""
		}
		if err != nil {
			return nil, "The multipart body is not valid: " + err.Error()
		}
		content, err := io.ReadAll(part)
		if err != nil {
			return nil, "The multipart body is not valid: " + err.Error()
		}
		parts = append(parts, formPart{name: part.FormName(), fileName: part.FileName(), contentType: part.Header.Get("Content-Type"), content: content})
	}
}

// launchKind is what a declaration cannot give of a launch: the checks of
// its body beyond the spec's, the answer document the spec shows, the
// task's name and attributes. Names and descriptions are this tenant's own
// where the spec shows none.
type launchKind struct {
	check func(l *Launch) string
	// answer sets the task's name, description and attributes in run, and
	// returns the status and the document answered.
	answer func(l *Launch, run *launchedRun) (int, any)
	// dashedID: the task's id is a dashed UUID, as the spec's example.
	dashedID bool
	// launched hears of the launch, under the tenant's lock.
	launched func(t *Tenant, l *Launch, script Script)
}

var launchKinds = map[*sailpoint.Operation]launchKind{
	sailpoint.AccountAggregationOp.Operation: {
		answer: func(l *Launch, run *launchedRun) (int, any) {
			optimized := "enabled"
			if l.DisableOptimization != nil && *l.DisableOptimization == "true" {
				optimized = "disabled"
			}
			run.uniqueName, run.description = sailpoint.AccountAggregationOp.TaskName, "Aggregate from the specified application"
			run.attributes = map[string]any{"appId": l.SourceID, "optimizedAggregation": optimized}
			return http.StatusAccepted, map[string]any{"success": true, "task": map[string]any{
				"id": l.TaskID, "type": "QUARTZ", "name": run.uniqueName, "description": run.description,
				"launcher": run.launcher, "created": run.now, "launched": nil, "completed": nil, "completionStatus": nil,
				"parentName": nil, "messages": []any{}, "progress": "Initializing...",
				"attributes": run.attributes, "returns": []any{},
			}}
		},
		launched: func(t *Tenant, l *Launch, script Script) {
			// The spec does not say which id the status GET takes ("the
			// account aggregation id"); here it is the task's.
			t.aggregations[l.TaskID] = &aggregation{docs: script.AggregationStatuses}
		},
	},
	sailpoint.EntitlementAggregationOp.Operation: {
		answer: func(l *Launch, run *launchedRun) (int, any) {
			run.uniqueName, run.description = sailpoint.EntitlementAggregationOp.TaskName, "Aggregate from the specified application"
			return http.StatusAccepted, map[string]any{"id": l.TaskID, "type": "QUARTZ", "uniqueName": run.uniqueName,
				"description": run.description, "launcher": run.launcher, "created": run.now, "returns": []any{}}
		},
	},
	sailpoint.IdentityProcessingOp.Operation: {
		check: func(l *Launch) string {
			if n := len(l.IdentityIDs); n < 1 || n > 250 {
				return fmt.Sprintf("identityIds must hold 1 to 250 ids, not %d.", n)
			}
			return ""
		},
		dashedID: true,
		answer: func(l *Launch, run *launchedRun) (int, any) {
			run.uniqueName, run.description = "Identity Processing", "Process the given identities"
			run.attributes = map[string]any{"identityCount": len(l.IdentityIDs)}
			// name is "always null" in the text but a non-nullable string
			// in the schema, so it is left out.
			return http.StatusAccepted, map[string]any{"type": "TASK_RESULT", "id": l.TaskID}
		},
	},
	sailpoint.UncorrelatedAccountImportOp.Operation: {
		check: func(l *Launch) string {
			// The schema makes the body optional, but the description says
			// "File is required for upload".
			if l.File == nil {
				return "File is required for upload: send the CSV as the multipart field file."
			}
			return ""
		},
		answer: func(l *Launch, run *launchedRun) (int, any) {
			// The name and description are the spec's examples.
			run.uniqueName, run.description = sailpoint.UncorrelatedAccountImportOp.TaskName, "Processes uncorrelated accounts for the specified application."
			qpocJobID := uuid()
			run.attributes = map[string]any{"appId": l.SourceID, "qpocJobId": qpocJobID}
			// returns is an object in this schema (its example is an array).
			return http.StatusAccepted, map[string]any{"success": true, "task": map[string]any{
				"id": l.TaskID, "type": "QUARTZ", "name": run.uniqueName, "description": run.description,
				"launcher": run.launcher, "created": run.now, "launched": nil, "completed": nil, "completionStatus": nil,
				"parentName": nil, "messages": []any{}, "progress": "Initializing...",
				"attributes": map[string]any{"qpocJobId": qpocJobID}, "returns": map[string]any{},
			}}
		},
	},
	sailpoint.SourceAccountResetOp.Operation: {
		answer: func(l *Launch, run *launchedRun) (int, any) {
			run.uniqueName, run.description = "Cloud Delete Accounts", "Remove all accounts of the specified application"
			return http.StatusAccepted, map[string]any{"type": "TASK_RESULT", "id": l.TaskID, "name": nil}
		},
	},
	sailpoint.SourceEntitlementResetOp.Operation: {
		answer: func(l *Launch, run *launchedRun) (int, any) {
			run.uniqueName, run.description = "Entitlement Source Reset", "Remove all entitlements of the specified application"
			return http.StatusAccepted, map[string]any{"type": "TASK_RESULT", "id": l.TaskID, "name": run.uniqueName}
		},
	},
	sailpoint.MachineIdentityAggregationOp.Operation: {
		check: func(l *Launch) string {
			// datasetIds is required; the spec sets no minimum count, so an
			// empty list is accepted.
			if l.DatasetIDs == nil {
				return "datasetIds is required."
			}
			return ""
		},
		dashedID: true,
		answer: func(l *Launch, run *launchedRun) (int, any) {
			run.uniqueName, run.description = sailpoint.MachineIdentityAggregationOp.TaskName+" - "+l.SourceID, "AI Agent Aggregation - From given dataset IDs"
			run.attributes = map[string]any{"appId": l.SourceID, "datasetIds": l.DatasetIDs}
			// 200, not 202: a MachineIdentityAggregationResponse, shaped like
			// the task it started (its target a BaseReferenceDto).
			return http.StatusOK, map[string]any{
				"id": l.TaskID, "type": "QUARTZ", "uniqueName": run.uniqueName, "description": run.description,
				"parentName": nil, "launcher": run.launcher, "target": run.target,
				"created": run.now, "modified": run.now, "launched": nil, "completed": nil, "completionStatus": nil,
				"messages": []any{}, "returns": []any{}, "attributes": run.attributes, "progress": "Initializing...", "percentComplete": 0,
			}
		},
	},
}

// launchedRun builds the TaskStatus answers of a launched task.
type launchedRun struct {
	uniqueName, description string
	launcher, now           string
	target                  any // nil for identity processing
	attributes              map[string]any
	script                  Script
}

// docs are the task's successive answers: running for the script's reads,
// then ended. beyond is true when the script asks for values TaskStatus
// does not list.
func (run launchedRun) docs(id string) ([]json.RawMessage, bool) {
	status := run.script.Status
	if status == "" {
		status = "SUCCESS"
	}
	beyond := !slices.Contains([]string{"SUCCESS", "WARNING", "ERROR", "TERMINATED", "TEMPERROR"}, status)
	messages := []any{}
	for _, m := range run.script.Messages {
		typ := m.Type
		if typ == "" {
			typ = "INFO"
		}
		beyond = beyond || !slices.Contains([]string{"INFO", "WARN", "ERROR"}, typ)
		messages = append(messages, map[string]any{
			"type":          typ,
			"localizedText": map[string]any{"locale": "en-US", "message": m.Text},
			"key":           "fake.task.message",
			"parameters":    nil,
		})
	}
	doc := func(running bool) json.RawMessage {
		d := map[string]any{
			"id": id, "type": "QUARTZ", "uniqueName": run.uniqueName, "description": run.description,
			"parentName": nil, "launcher": run.launcher, "target": run.target,
			"created": run.now, "modified": run.now, "launched": run.now,
			"completed": nil, "completionStatus": nil, "messages": []any{}, "returns": []any{},
			"attributes": run.attributes, "progress": "Running", "percentComplete": 50,
		}
		if !running {
			d["completed"], d["completionStatus"], d["messages"] = run.now, status, messages
			d["progress"], d["percentComplete"] = "Completed", 100
		}
		out, err := json.Marshal(d)
		if err != nil {
			panic(err) // only maps of plain values
		}
		return out
	}
	var docs []json.RawMessage
	for range max(run.script.RunningReads, 0) {
		docs = append(docs, doc(true))
	}
	return append(docs, doc(false)), beyond
}

func hexID() string {
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}

func uuid() string {
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	buf[6] = buf[6]&0x0f | 0x40
	buf[8] = buf[8]&0x3f | 0x80
	h := hex.EncodeToString(buf)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// servePending answers the deprecated GET /task-status/pending-tasks of
// beta, v2024 and v2025: the tasks not finished, paged, 204 when none.
func (t *Tenant) servePending(w *recorder, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := pageParams(w, q)
	if !ok {
		return
	}
	var pending []json.RawMessage
	beyond := false
	t.mu.Lock()
	for _, id := range t.order {
		tk := t.tasks[id]
		doc := t.currentDoc(tk)
		var f taskFields
		if doc == nil || json.Unmarshal(doc, &f) != nil || f.CompletionStatus != nil {
			continue
		}
		t.listed(tk)
		pending = append(pending, doc)
		beyond = beyond || tk.beyond
	}
	t.mu.Unlock()
	if q.Get("count") == "true" {
		w.Header().Set("X-Total-Count", fmt.Sprint(len(pending)))
	}
	page := pending[min(offset, len(pending)):min(offset+limit, len(pending))]
	if len(page) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.beyondSpec = beyond
	writeJSON(w, http.StatusOK, page)
}

// currentDoc is a task's answer in a list, nil when it has aged out.
// t.mu must be held.
func (t *Tenant) currentDoc(tk *task) json.RawMessage {
	doc := t.answer(tk, false)
	if t.expired(doc) {
		return nil
	}
	return doc
}

// listed counts a list answer that shows a launched task as one of its
// reads. t.mu must be held.
func (t *Tenant) listed(tk *task) {
	if tk.listed {
		tk.reads++
	}
}

// IsPendingGet matches reads of the pending-tasks list.
func IsPendingGet(r Request) bool {
	return r.Method == http.MethodGet && r.Version != "" && strings.HasSuffix(r.Path, "/pending-tasks")
}
