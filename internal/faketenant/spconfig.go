package faketenant

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// SP-Config on every version: start an export or an import, read either
// job's status, download an export's document or an import's results, as
// testdata/spec/entry/sp-config.<version>.openapi.yaml describe them. The
// tenant holds configuration objects (FixtureConfigObjects at first); an
// export is built from them, and an import that is not a preview changes
// them, after an export of them all as its backup (unless excludeBackup).
//
// The operations are the client's declarations (sailpoint.ConfigExportOp,
// ...): ServeHTTP routes them as every other (findRoute), and
// serveConfigOperation hands each to its handler here. Where the spec is
// silent, the tenant decides as follows, and says so here:
//   - Jobs start NOT_STARTED, answer IN_PROGRESS to the status reads a
//     script asks for (DefaultConfigJobScript: one), then end; completed is
//     left out until then (the spec does not say whether a running job
//     leaves it out or sends null, and null fails its schema).
//   - Times are the real clock's, not Tenant.Now: a job's expiration is 7
//     days after it was created, cut to whole seconds, as in the spec's
//     examples; an export's timestamp is when it completed.
//   - An empty includeTypes takes every type not excluded.
//   - An export is built, and an import applied, when the job completes;
//     a FAILED or CANCELLED job changes nothing and has nothing to
//     download: its download, like that of a job still running, is a 400.
//   - A preview imports nothing and makes no backup; its results hold, per
//     object, the spec's IMPORT_PREVIEW message ("Object to be imported:
//     [<id>, <name>]"), and no importedObjects.
//   - An object of a type import does not take is an error in the results
//     (key UNSUPPORTED_TYPE), with the spec's words.
//   - A data part that is not an SP-Config document is a 400.

// configVersions have SP-Config: all of Versions.
var configVersions = sailpoint.ConfigExportOp.Versions()

// ConfigImportTypes are the types an import takes (ImportOptions' enum).
var ConfigImportTypes = []string{"CONNECTOR_RULE", "IDENTITY_OBJECT_CONFIG", "IDENTITY_PROFILE", "RULE", "SOURCE", "TRANSFORM", "TRIGGER_SUBSCRIPTION"}

// ConfigObject is a configuration object the tenant holds, as an export
// writes it: self's type, id and name, and the object.
type ConfigObject struct {
	Type, ID, Name string
	Object         json.RawMessage
}

// Fixture configuration objects, one of each kind an import takes that
// matters most to a pipeline.
const (
	FixtureTransformID       = "2c9180857d3f4c7e017d40a1b2c30001"
	FixtureRuleID            = "2c9180857d3f4c7e017d40a1b2c30002"
	FixtureIdentityProfileID = "2c9180857d3f4c7e017d40a1b2c30004"
	// The SOURCE fixture is the Active Directory source, ActiveDirectorySourceID.
)

// FixtureConfigObjects are the configuration objects a new tenant holds.
func FixtureConfigObjects() []ConfigObject {
	return []ConfigObject{
		{Type: "TRANSFORM", ID: FixtureTransformID, Name: "Lowercase Department", Object: json.RawMessage(`{"id":"` + FixtureTransformID + `","name":"Lowercase Department","type":"lower","attributes":{"input":{"type":"accountAttribute","attributes":{"sourceName":"Workday","attributeName":"department"}}},"internal":false}`)},
		{Type: "RULE", ID: FixtureRuleID, Name: "Correlate by Email", Object: json.RawMessage(`{"id":"` + FixtureRuleID + `","name":"Correlate by Email","description":"Correlates accounts to identities by email.","type":"Correlation","signature":{"input":[],"output":null},"sourceCode":{"version":"1.0","script":"return \"email\";"},"attributes":null}`)},
		{Type: "SOURCE", ID: ActiveDirectorySourceID, Name: "Active Directory", Object: json.RawMessage(`{"id":"` + ActiveDirectorySourceID + `","name":"Active Directory","description":"Corporate directory","owner":{"type":"IDENTITY","id":"2c9180a46faadee4016fb4e018c20639","name":"Ada Admin"},"connector":"active-directory","type":"Active Directory - Direct","authoritative":false,"features":["PROVISIONING","SYNC_PROVISIONING"],"connectorAttributes":{"useSSL":true,"searchDNs":[{"searchDN":"OU=People,DC=example,DC=com"}]}}`)},
		{Type: "IDENTITY_PROFILE", ID: FixtureIdentityProfileID, Name: "Employees", Object: json.RawMessage(`{"id":"` + FixtureIdentityProfileID + `","name":"Employees","description":"Everyone from Workday","priority":10,"authoritativeSource":{"type":"SOURCE","id":"` + WorkdaySourceID + `","name":"Workday"},"identityAttributeConfig":{"enabled":true,"attributeTransforms":[{"identityAttributeName":"department","transformDefinition":{"type":"reference","attributes":{"id":"Lowercase Department"}}}]}}`)},
	}
}

// ConfigJobScript says how the next SP-Config job (export or import) runs
// and ends.
type ConfigJobScript struct {
	// Reads is how many status reads find the job IN_PROGRESS before it
	// ends; 0 ends it at once.
	Reads int
	// Status is the status it ends with; "" means COMPLETE. A value the
	// spec does not list is sent as is, and the job's answers are not
	// checked against the spec.
	Status string
	// Message is the ended import's message; "" means the spec's example,
	// "Download import results for details.", for COMPLETE, and a message
	// naming the status otherwise. Exports have no message.
	Message string
	// Expiration, when set, is sent as the job's expiration instead of 7
	// days after it was created.
	Expiration string
}

// DefaultConfigJobScript: one read finds the job running, the next finds
// it COMPLETE.
var DefaultConfigJobScript = ConfigJobScript{Reads: 1, Status: "COMPLETE"}

// ConfigObjectOutcome is what an import does with the objects of one
// name: a warning (the object is still imported), an error (it is not),
// or both. Keys default to FAKE_IMPORT_WARNING and FAKE_IMPORT_ERROR.
type ConfigObjectOutcome struct {
	Warning, WarningKey string
	Error, ErrorKey     string
}

// ConfigImport is one import POST the tenant accepted, as sent.
type ConfigImport struct {
	Version string
	JobID   string
	Preview bool // the query preview=true
	// ContentType is the request's; DataName and DataContentType the data
	// part's filename and Content-Type, Data its content.
	ContentType     string
	DataName        string
	DataContentType string
	Data            []byte
	// OptionsContentType and Options are the options part as sent; nil
	// Options when there was none.
	OptionsContentType string
	Options            json.RawMessage
}

// ConfigExportRequest is one export the tenant made: asked for by a POST,
// or the backup of an import (Backup, with the import's job id).
type ConfigExportRequest struct {
	Version      string
	JobID        string
	Description  *string
	IncludeTypes []string
	ExcludeTypes []string
	// ObjectOptions as sent (nil when absent).
	ObjectOptions map[string]configObjectOptions
	Backup        bool
	ImportJobID   string // the import it backs up
}

type configObjectOptions struct {
	IncludedIDs   []string `json:"includedIds"`
	IncludedNames []string `json:"includedNames"`
}

type configOptions struct {
	Description   *string                        `json:"description"`
	IncludeTypes  []string                       `json:"includeTypes"`
	ExcludeTypes  []string                       `json:"excludeTypes"`
	ObjectOptions map[string]configObjectOptions `json:"objectOptions"`
	// Import only.
	DefaultReferences json.RawMessage `json:"defaultReferences"`
	ExcludeBackup     bool            `json:"excludeBackup"`
}

// configJob is one SP-Config job the tenant knows.
type configJob struct {
	id, jobType string
	version     string
	script      ConfigJobScript
	created     time.Time
	completed   time.Time
	reads       int
	ended       bool
	status      string // while running: NOT_STARTED, IN_PROGRESS
	description *string
	options     configOptions
	// download is the export's document or the import's results, once
	// COMPLETE.
	download json.RawMessage
	// An import's objects and whether it previews.
	objects []uploadedObject
	preview bool
}

type uploadedObject struct {
	Version json.RawMessage `json:"version"`
	Self    *struct {
		Type *string `json:"type"`
		ID   *string `json:"id"`
		Name *string `json:"name"`
	} `json:"self"`
	Object json.RawMessage `json:"object"`
}

// configState is the tenant's SP-Config state; t.mu guards it.
type configState struct {
	ready    bool
	objects  []ConfigObject
	jobs     map[string]*configJob
	scripts  []ConfigJobScript
	outcomes map[string]ConfigObjectOutcome
	imports  []ConfigImport
	exports  []ConfigExportRequest
}

// config returns the SP-Config state, holding the fixtures at first. t.mu
// must be held.
func (t *Tenant) config() *configState {
	s := &t.spconfig
	if !s.ready {
		s.ready = true
		s.objects = FixtureConfigObjects()
		s.jobs = map[string]*configJob{}
		s.outcomes = map[string]ConfigObjectOutcome{}
	}
	return s
}

// ConfigObjects returns the configuration objects the tenant holds now.
func (t *Tenant) ConfigObjects() []ConfigObject {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.config().objects)
}

// PutConfigObject stores a configuration object, replacing the one of the
// same type and id.
func (t *Tenant) PutConfigObject(o ConfigObject) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.config().put(o)
}

func (s *configState) put(o ConfigObject) {
	for i, have := range s.objects {
		if have.Type == o.Type && have.ID == o.ID {
			s.objects[i] = o
			return
		}
	}
	s.objects = append(s.objects, o)
}

// ScriptConfigJobs sets how the next SP-Config jobs run: each job, export
// or import (backups excepted: they complete at once), takes the next
// script, the last one repeating. No scripts restore DefaultConfigJobScript.
func (t *Tenant) ScriptConfigJobs(scripts ...ConfigJobScript) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.config().scripts = slices.Clone(scripts)
}

// ScriptConfigObject sets what imports do with the objects named name
// (self.name); the zero outcome imports them.
func (t *Tenant) ScriptConfigObject(name string, o ConfigObjectOutcome) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.config().outcomes[name] = o
}

// ConfigImports returns the imports accepted so far, in order.
func (t *Tenant) ConfigImports() []ConfigImport {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.config().imports)
}

// ConfigExports returns the exports made so far, in order: those asked
// for, and the imports' backups.
func (t *Tenant) ConfigExports() []ConfigExportRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.config().exports)
}

// ConfigJobReads is how many times a job's status was answered with 200.
func (t *Tenant) ConfigJobReads(id string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if j, ok := t.config().jobs[id]; ok {
		return j.reads
	}
	return 0
}

// IsConfigExport matches export POSTs, IsConfigImport import POSTs
// (previews included), IsConfigPreview import POSTs with preview=true,
// IsConfigStatusGet status reads of either job, IsConfigDownload the
// downloads of either (whatever the answer, faults included).
func IsConfigExport(r Request) bool {
	return r.Endpoint == sailpoint.ConfigExportOp.Name && r.Method == http.MethodPost
}
func IsConfigImport(r Request) bool {
	return r.Endpoint == sailpoint.ConfigImportOp.Name && r.Method == http.MethodPost
}
func IsConfigPreview(r Request) bool {
	return IsConfigImport(r) && r.Query.Get("preview") == "true"
}
func IsConfigStatusGet(r Request) bool {
	return (r.Endpoint == sailpoint.ConfigExportStatusOp.Name || r.Endpoint == sailpoint.ConfigImportStatusOp.Name) && r.Method == http.MethodGet
}
func IsConfigDownload(r Request) bool {
	return (r.Endpoint == sailpoint.ConfigExportDownloadOp.Name || r.Endpoint == sailpoint.ConfigImportDownloadOp.Name) && r.Method == http.MethodGet
}

// serveConfigOperation answers an SP-Config operation, routed as every
// other (the token, the rate limit, the spec check and the log are
// ServeHTTP's); it reports false for an operation that is not SP-Config's.
func (t *Tenant) serveConfigOperation(w *recorder, r *http.Request, rt route, body []byte) bool {
	switch rt.op {
	case sailpoint.ConfigExportOp.Operation:
		t.serveConfigExport(w, r, rt, body)
	case sailpoint.ConfigImportOp.Operation:
		t.serveConfigImport(w, r, rt, body)
	case sailpoint.ConfigExportStatusOp:
		t.serveConfigStatus(w, rt.param, "EXPORT")
	case sailpoint.ConfigImportStatusOp:
		t.serveConfigStatus(w, rt.param, "IMPORT")
	case sailpoint.ConfigExportDownloadOp:
		t.serveConfigDownload(w, rt.param, "EXPORT")
	case sailpoint.ConfigImportDownloadOp:
		t.serveConfigDownload(w, rt.param, "IMPORT")
	default:
		return false
	}
	return true
}

// nextConfigScript is the script of the next job. t.mu must be held.
func (s *configState) nextScript() ConfigJobScript {
	script := DefaultConfigJobScript
	if len(s.scripts) > 0 {
		script = s.scripts[0]
		if len(s.scripts) > 1 {
			s.scripts = s.scripts[1:]
		}
	}
	if script.Status == "" {
		script.Status = "COMPLETE"
	}
	return script
}

func (t *Tenant) serveConfigExport(w *recorder, r *http.Request, rt route, body []byte) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		badRequest(w, fmt.Sprintf("The content type %q is not supported; send application/json.", r.Header.Get("Content-Type")))
		return
	}
	var opts configOptions
	if err := json.Unmarshal(body, &opts); err != nil {
		badRequest(w, "The body is not an ExportPayload: "+err.Error())
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.config()
	job := s.newJob(rt.version, "EXPORT", s.nextScript())
	job.description, job.options = opts.Description, opts
	s.exports = append(s.exports, ConfigExportRequest{Version: rt.version, JobID: job.id, Description: opts.Description,
		IncludeTypes: opts.IncludeTypes, ExcludeTypes: opts.ExcludeTypes, ObjectOptions: opts.ObjectOptions})
	if job.script.Reads <= 0 {
		s.end(job)
	}
	w.beyondSpec = job.beyondSpec()
	writeJSON(w, http.StatusAccepted, job.answer())
}

func (t *Tenant) serveConfigImport(w *recorder, r *http.Request, rt route, body []byte) {
	imp := ConfigImport{Version: rt.version, Preview: r.URL.Query().Get("preview") == "true", ContentType: r.Header.Get("Content-Type")}
	var opts configOptions
	if problem := parseConfigImport(&imp, &opts, body); problem != "" {
		badRequest(w, problem)
		return
	}
	var doc struct {
		Objects *[]uploadedObject `json:"objects"`
	}
	if err := json.Unmarshal(imp.Data, &doc); err != nil || doc.Objects == nil {
		why := "it has no objects array"
		if err != nil {
			why = err.Error()
		}
		badRequest(w, "The data part is not an SP-Config document: "+why)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.config()
	job := s.newJob(rt.version, "IMPORT", s.nextScript())
	job.options, job.objects, job.preview = opts, *doc.Objects, imp.Preview
	imp.JobID = job.id
	s.imports = append(s.imports, imp)
	if job.script.Reads <= 0 {
		s.end(job)
	}
	w.beyondSpec = job.beyondSpec()
	writeJSON(w, http.StatusAccepted, job.answer())
}

// parseConfigImport reads an import's multipart body: the data part
// (required) and the options part (ImportOptions as JSON).
func parseConfigImport(imp *ConfigImport, opts *configOptions, body []byte) string {
	mt, params, err := mime.ParseMediaType(imp.ContentType)
	if err != nil || mt != "multipart/form-data" {
		return fmt.Sprintf("The content type %q is not supported; send multipart/form-data.", imp.ContentType)
	}
	parts, problem := readParts(body, params["boundary"])
	if problem != "" {
		return problem
	}
	hasData := false
	for _, part := range parts {
		switch part.name {
		case "data":
			hasData = true
			imp.DataName, imp.DataContentType, imp.Data = part.fileName, part.contentType, part.content
		case "options":
			imp.OptionsContentType, imp.Options = part.contentType, part.content
			if err := json.Unmarshal(part.content, opts); err != nil {
				return "The options part is not ImportOptions: " + err.Error()
			}
		}
	}
	if !hasData {
		return `The form-data "name" attribute for the file content must be "data".`
	}
	return ""
}

// newJob starts a job. t.mu must be held.
func (s *configState) newJob(version, jobType string, script ConfigJobScript) *configJob {
	j := &configJob{id: uuid(), jobType: jobType, version: version, script: script, created: time.Now().UTC(), status: "NOT_STARTED"}
	s.jobs[j.id] = j
	return j
}

// end ends a job as its script says: a COMPLETE export is built from the
// objects now, a COMPLETE import applied to them. t.mu must be held.
func (s *configState) end(j *configJob) {
	j.ended, j.status, j.completed = true, j.script.Status, time.Now().UTC()
	if j.status != "COMPLETE" {
		return
	}
	if j.jobType == "EXPORT" {
		j.download = s.exportDocument(j)
		return
	}
	j.download = s.importResults(j)
}

// exportDocument is SpConfigExportResults of the objects the job's options
// pick, now.
func (s *configState) exportDocument(j *configJob) json.RawMessage {
	opts := j.options
	objects := []any{}
	for _, o := range s.objects {
		if picked(opts, o.Type, o.ID, o.Name) {
			objects = append(objects, map[string]any{
				"version": 1, "self": map[string]any{"type": o.Type, "id": o.ID, "name": o.Name}, "object": o.Object,
			})
		}
	}
	options := map[string]any{"includeTypes": nonNil(opts.IncludeTypes), "excludeTypes": nonNil(opts.ExcludeTypes), "objectOptions": map[string]any{}}
	if opts.ObjectOptions != nil {
		options["objectOptions"] = opts.ObjectOptions
	}
	doc := map[string]any{
		"version": 1, "timestamp": j.completed.Format(configTimeLayout), "tenant": "fake-tenant",
		"options": options, "objects": objects,
	}
	if j.description != nil {
		doc["description"] = *j.description
	}
	return mustJSON(doc)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// picked applies include/exclude types ("includeTypes takes precedence
// over excludeTypes") and a type's objectOptions (ids or names; both
// empty pick all of the type).
func picked(opts configOptions, typ, id, name string) bool {
	switch {
	case len(opts.IncludeTypes) > 0 && !slices.Contains(opts.IncludeTypes, typ):
		return false
	case len(opts.IncludeTypes) == 0 && slices.Contains(opts.ExcludeTypes, typ):
		return false
	}
	o, ok := opts.ObjectOptions[typ]
	if !ok || len(o.IncludedIDs) == 0 && len(o.IncludedNames) == 0 {
		return true
	}
	return slices.Contains(o.IncludedIDs, id) || slices.Contains(o.IncludedNames, name)
}

type configMessage struct {
	Key     string         `json:"key"`
	Text    string         `json:"text"`
	Details map[string]any `json:"details"`
}

type importResult struct {
	Infos           []configMessage     `json:"infos"`
	Warnings        []configMessage     `json:"warnings"`
	Errors          []configMessage     `json:"errors"`
	ImportedObjects []map[string]string `json:"importedObjects"`
}

// importResults applies an import (unless a preview), after its backup,
// and returns its SpConfigImportResults.
func (s *configState) importResults(j *configJob) json.RawMessage {
	results := map[string]*importResult{}
	var backupID string
	if !j.preview && !j.options.ExcludeBackup {
		backup := s.newJob(j.version, "EXPORT", ConfigJobScript{Status: "COMPLETE"})
		desc := "Backup before import " + j.id
		backup.description = &desc
		s.exports = append(s.exports, ConfigExportRequest{Version: j.version, JobID: backup.id, Description: &desc, Backup: true, ImportJobID: j.id})
		s.end(backup)
		backupID = backup.id
	}
	for _, o := range j.objects {
		var typ, id, name string
		if o.Self != nil {
			typ, id, name = deref(o.Self.Type), deref(o.Self.ID), deref(o.Self.Name)
		}
		if !picked(j.options, typ, id, name) {
			continue
		}
		res := results[typ]
		if res == nil {
			res = &importResult{Infos: []configMessage{}, Warnings: []configMessage{}, Errors: []configMessage{}, ImportedObjects: []map[string]string{}}
			results[typ] = res
		}
		if !slices.Contains(ConfigImportTypes, typ) {
			res.Errors = append(res.Errors, configMessage{Key: "UNSUPPORTED_TYPE", Details: map[string]any{},
				Text: fmt.Sprintf("Object [%s, %s] not imported: import is currently only possible with the %s object types.", id, name, strings.Join(ConfigImportTypes, ", "))})
			continue
		}
		outcome := s.outcomes[name]
		if outcome.Warning != "" {
			res.Warnings = append(res.Warnings, configMessage{Key: orDefault(outcome.WarningKey, "FAKE_IMPORT_WARNING"), Text: outcome.Warning, Details: map[string]any{}})
		}
		if outcome.Error != "" {
			res.Errors = append(res.Errors, configMessage{Key: orDefault(outcome.ErrorKey, "FAKE_IMPORT_ERROR"), Text: outcome.Error, Details: map[string]any{}})
			continue
		}
		if j.preview {
			res.Infos = append(res.Infos, configMessage{Key: "IMPORT_PREVIEW", Text: fmt.Sprintf("Object to be imported: [%s, %s]", id, name), Details: map[string]any{}})
			continue
		}
		if id == "" {
			id = hexID()
		}
		object := o.Object
		if object == nil {
			object = json.RawMessage(`{}`)
		}
		s.put(ConfigObject{Type: typ, ID: id, Name: name, Object: object})
		res.ImportedObjects = append(res.ImportedObjects, map[string]string{"type": typ, "id": id, "name": name})
	}
	answer := map[string]any{"results": results}
	if backupID != "" {
		answer["exportJobId"] = backupID
	}
	return mustJSON(answer)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// configTimeLayout is RFC 3339 in UTC with milliseconds, as the spec's
// examples write created and modified.
const configTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// beyondSpec: the job's status is not one the spec lists.
func (j *configJob) beyondSpec() bool {
	return !slices.Contains([]string{"NOT_STARTED", "IN_PROGRESS", "COMPLETE", "CANCELLED", "FAILED"}, j.status)
}

// answer is the job as its POST and status reads answer: SpConfigJob,
// with description (exports) and, once ended, completed and (imports)
// message.
func (j *configJob) answer() map[string]any {
	modified := j.created
	if j.ended {
		modified = j.completed
	}
	expiration := j.created.Add(7 * 24 * time.Hour).Truncate(time.Second).Format(time.RFC3339)
	if j.script.Expiration != "" {
		expiration = j.script.Expiration
	}
	a := map[string]any{
		"jobId": j.id, "status": j.status, "type": j.jobType,
		"expiration": expiration, "created": j.created.Format(configTimeLayout), "modified": modified.Format(configTimeLayout),
	}
	if j.jobType == "EXPORT" && j.description != nil {
		a["description"] = *j.description
	}
	if j.ended {
		a["completed"] = j.completed.Format(configTimeLayout)
		if j.jobType == "IMPORT" {
			switch {
			case j.script.Message != "":
				a["message"] = j.script.Message
			case j.status == "COMPLETE":
				a["message"] = "Download import results for details."
			default:
				a["message"] = "The import job ended " + j.status + "."
			}
		}
	}
	return a
}

// serveConfigStatus answers a job's status (jobType EXPORT or IMPORT):
// IN_PROGRESS for the reads the script asks for, then its end.
func (t *Tenant) serveConfigStatus(w *recorder, id, jobType string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.config()
	j, ok := s.jobs[id]
	if !ok || j.jobType != jobType {
		writeJSON(w, http.StatusNotFound, errorDto("404 Not found", fmt.Sprintf("No %s job with the id %q was found.", strings.ToLower(jobType), id)))
		return
	}
	if !j.ended {
		if j.reads < j.script.Reads {
			j.status = "IN_PROGRESS"
		} else {
			s.end(j)
		}
	}
	j.reads++
	w.beyondSpec = j.beyondSpec()
	writeJSON(w, http.StatusOK, j.answer())
}

// serveConfigDownload answers a COMPLETE job's document or results
// (jobType EXPORT or IMPORT).
func (t *Tenant) serveConfigDownload(w *recorder, id, jobType string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	j, ok := t.config().jobs[id]
	switch {
	case !ok || j.jobType != jobType:
		writeJSON(w, http.StatusNotFound, errorDto("404 Not found", fmt.Sprintf("No %s job with the id %q was found.", strings.ToLower(jobType), id)))
	case j.download == nil:
		badRequest(w, fmt.Sprintf("The job %q is %s; only a COMPLETE job can be downloaded.", id, j.status))
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(j.download)
	}
}

// fillSpConfigRuleItems gives the array branch of SpConfigRule.value an
// empty items schema in memory: beta, v2024, v2025 and v2026 leave it out,
// which OpenAPI 3.0 forbids, so Validate refuses those documents
// (testdata/spec/README.md). The files are not changed; v1 has items.
func fillSpConfigRuleItems(doc *openapi3.T) {
	for _, path := range []string{"/sp-config/config-objects", "/sp-config/v1/config-objects"} {
		item := doc.Paths.Value(path)
		if item == nil || item.Get == nil {
			continue
		}
		ok := item.Get.Responses.Value("200")
		if ok == nil || ok.Value == nil || ok.Value.Content["application/json"] == nil {
			continue
		}
		list := ok.Value.Content["application/json"].Schema
		if list == nil || list.Value == nil || list.Value.Items == nil || list.Value.Items.Value == nil {
			continue
		}
		rules := list.Value.Items.Value.Properties["rules"]
		if rules == nil || rules.Value == nil {
			continue
		}
		for _, name := range []string{"takeFromTargetRules", "defaultRules"} {
			rule := rules.Value.Properties[name]
			if rule == nil || rule.Value == nil || rule.Value.Items == nil || rule.Value.Items.Value == nil {
				continue
			}
			value := rule.Value.Items.Value.Properties["value"]
			if value == nil || value.Value == nil {
				continue
			}
			for _, branch := range value.Value.AnyOf {
				if branch.Value != nil && branch.Value.Type.Is("array") && branch.Value.Items == nil {
					branch.Value.Items = openapi3.NewSchemaRef("", openapi3.NewSchema())
				}
			}
		}
	}
}
