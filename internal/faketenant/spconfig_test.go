package faketenant

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// sharedSpec is the spec loaded once for the test binary (loading costs
// seconds under -race).
func sharedSpec(t *testing.T) *SpecValidator {
	t.Helper()
	v, err := loadedSpec()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func configPath(version, rest string) string {
	if version == "v1" {
		return "/sp-config/v1" + rest
	}
	return "/" + version + "/sp-config" + rest
}

// importForm is an import's multipart body: data (a file part) and, unless
// options is "", options as application/json.
func importForm(t *testing.T, doc, options string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", multipart.FileContentDisposition("data", "export.json"))
	h.Set("Content-Type", "application/octet-stream")
	w, _ := mw.CreatePart(h)
	_, _ = w.Write([]byte(doc))
	if options != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="options"`)
		h.Set("Content-Type", "application/json")
		w, _ := mw.CreatePart(h)
		_, _ = w.Write([]byte(options))
	}
	_ = mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

type jobAnswer struct {
	JobID       string  `json:"jobId"`
	Status      string  `json:"status"`
	Type        string  `json:"type"`
	Created     string  `json:"created"`
	Expiration  string  `json:"expiration"`
	Completed   *string `json:"completed"`
	Message     *string `json:"message"`
	Description *string `json:"description"`
}

func decodeJob(t *testing.T, status int, body []byte, want int) jobAnswer {
	t.Helper()
	var j jobAnswer
	if status != want || json.Unmarshal(body, &j) != nil || j.JobID == "" {
		t.Fatalf("%d %s", status, body)
	}
	return j
}

var dashedUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

type exportDoc struct {
	Version     int     `json:"version"`
	Timestamp   string  `json:"timestamp"`
	Tenant      string  `json:"tenant"`
	Description *string `json:"description"`
	Options     struct {
		IncludeTypes []string `json:"includeTypes"`
	} `json:"options"`
	Objects []struct {
		Self   struct{ Type, ID, Name string } `json:"self"`
		Object json.RawMessage                 `json:"object"`
	} `json:"objects"`
}

func (d exportDoc) names() string {
	var out []string
	for _, o := range d.Objects {
		out = append(out, o.Self.Type+":"+o.Self.Name)
	}
	return strings.Join(out, ",")
}

type importResults struct {
	Results map[string]struct {
		Infos           []struct{ Key, Text string }      `json:"infos"`
		Warnings        []struct{ Key, Text string }      `json:"warnings"`
		Errors          []struct{ Key, Text string }      `json:"errors"`
		ImportedObjects []struct{ Type, ID, Name string } `json:"importedObjects"`
	} `json:"results"`
	ExportJobID *string `json:"exportJobId"`
}

// The README says the beta, v2024, v2025 and v2026 documents fail
// Validate for SpConfigRule.value's array branch without items, and pass
// once it has one in memory; v1 passes as is.
func TestConfigSpecItemsFix(t *testing.T) {
	for _, version := range configVersions {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = true
		doc, err := loader.LoadFromFile(filepath.Join(SpecDir(), "entry", "sp-config."+version+".openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		err = doc.Validate(loader.Context, openapi3.DisableExamplesValidation())
		if version == "v1" != (err == nil) || err != nil && !strings.Contains(err.Error(), "'items' must be non-null") {
			t.Errorf("%s before the fix: %v", version, err)
		}
		fillSpConfigRuleItems(doc)
		if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
			t.Errorf("%s after the fix: %v", version, err)
		}
	}
}

// An export on every version: the POST answers the job, the status reads
// find it running then COMPLETE, the download holds the objects its
// options pick, with the time it completed; every request and answer is
// checked against the spec.
func TestConfigExportEveryVersion(t *testing.T) {
	ft := StartChecked(t)
	tok := token(t, ft)
	for _, version := range configVersions {
		ft.ResetLog()
		status, body := post(t, ft, tok, configPath(version, "/export"), "application/json",
			[]byte(`{"description":"nightly","includeTypes":["TRANSFORM","RULE","SOURCE"],"excludeTypes":["RULE"],"objectOptions":{"SOURCE":{"includedIds":[],"includedNames":["Workday"]}}}`), nil)
		job := decodeJob(t, status, body, http.StatusAccepted)
		if !dashedUUID.MatchString(job.JobID) || job.Status != "NOT_STARTED" || job.Type != "EXPORT" || job.Completed != nil ||
			job.Description == nil || *job.Description != "nightly" || job.Expiration == "" {
			t.Errorf("%s: POST answered %s", version, body)
		}
		var got []string
		for range 3 {
			status, body := get(t, ft, tok, configPath(version, "/export/"+job.JobID))
			j := decodeJob(t, status, body, http.StatusOK)
			got = append(got, j.Status)
			if (j.Status == "COMPLETE") != (j.Completed != nil) || j.Message != nil {
				t.Errorf("%s: %s", version, body)
			}
		}
		if strings.Join(got, " ") != "IN_PROGRESS COMPLETE COMPLETE" || ft.ConfigJobReads(job.JobID) != 3 {
			t.Errorf("%s: statuses %v, %d reads", version, got, ft.ConfigJobReads(job.JobID))
		}
		status, body = get(t, ft, tok, configPath(version, "/export/"+job.JobID+"/download"))
		var doc exportDoc
		if status != http.StatusOK || json.Unmarshal(body, &doc) != nil {
			t.Fatalf("%s: %d %s", version, status, body)
		}
		// includeTypes takes precedence over excludeTypes; the SOURCE
		// options pick no fixture source by that name.
		if doc.names() != "TRANSFORM:Lowercase Department,RULE:Correlate by Email" || doc.Version != 1 || doc.Timestamp == "" ||
			doc.Tenant == "" || doc.Description == nil || *doc.Description != "nightly" || len(doc.Options.IncludeTypes) != 3 {
			t.Errorf("%s: document %s", version, body)
		}
		if n := ft.Count(IsConfigExport); n != 1 || ft.Count(IsConfigStatusGet) != 3 || ft.Count(IsConfigDownload) != 1 || ft.Count(IsLaunch) != 1 {
			t.Errorf("%s: %d exports logged", version, n)
		}
		if e := ft.ConfigExports(); e[len(e)-1].JobID != job.JobID || e[len(e)-1].Version != version || e[len(e)-1].Backup {
			t.Errorf("%s: exports %+v", version, e)
		}
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// Two exports of the same objects differ in their timestamp only when
// time has passed; with no options they hold every object.
func TestConfigExportAll(t *testing.T) {
	ft := StartChecked(t)
	tok := token(t, ft)
	ft.ScriptConfigJobs(ConfigJobScript{Reads: 0})
	status, body := post(t, ft, tok, configPath("v2025", "/export"), "application/json", []byte(`{}`), nil)
	job := decodeJob(t, status, body, http.StatusAccepted)
	if job.Status != "COMPLETE" || job.Completed == nil || job.Description != nil {
		t.Errorf("a job that takes no read: %s", body)
	}
	_, body = get(t, ft, tok, configPath("v2025", "/export/"+job.JobID+"/download"))
	var doc exportDoc
	if json.Unmarshal(body, &doc) != nil || doc.names() != "TRANSFORM:Lowercase Department,RULE:Correlate by Email,SOURCE:Active Directory,IDENTITY_PROFILE:Employees" ||
		doc.Description != nil {
		t.Errorf("document %s", body)
	}
}

const importedDoc = `{"version":1,"timestamp":"2026-11-28T12:00:00Z","tenant":"dev","objects":[
{"version":1,"self":{"type":"TRANSFORM","id":"` + FixtureTransformID + `","name":"Lowercase Department"},"object":{"name":"Lowercase Department","type":"upper"}},
{"version":1,"self":{"type":"RULE","id":"aaaabbbbccccddddeeeeffff00001111","name":"New Rule"},"object":{"name":"New Rule","type":"Correlation"}},
{"version":1,"self":{"type":"ROLE","id":"aaaabbbbccccddddeeeeffff00002222","name":"A Role"},"object":{"name":"A Role"}}]}`

// An import on every version: a preview says what would be imported and
// changes nothing; the import changes the tenant's objects, after a backup
// whose id the results give and whose document holds the objects before.
func TestConfigImportEveryVersion(t *testing.T) {
	ft := StartChecked(t)
	tok := token(t, ft)
	ft.ScriptConfigJobs(ConfigJobScript{Reads: 0})
	ct, form := importForm(t, importedDoc, `{"includeTypes":["TRANSFORM","RULE"],"excludeTypes":[],"defaultReferences":["SOURCE"],"excludeBackup":false}`)
	for _, version := range configVersions {
		ft.ResetLog()
		before := ft.ConfigObjects()

		status, body := post(t, ft, tok, configPath(version, "/import")+"?preview=true", ct, form, nil)
		preview := decodeJob(t, status, body, http.StatusAccepted)
		if preview.Type != "IMPORT" || preview.Status != "COMPLETE" || preview.Message == nil || preview.Description != nil {
			t.Errorf("%s: preview answered %s", version, body)
		}
		_, body = get(t, ft, tok, configPath(version, "/import/"+preview.JobID+"/download"))
		var res importResults
		if err := json.Unmarshal(body, &res); err != nil || res.ExportJobID != nil || len(res.Results) != 2 ||
			len(res.Results["TRANSFORM"].Infos) != 1 || res.Results["TRANSFORM"].Infos[0].Key != "IMPORT_PREVIEW" ||
			res.Results["TRANSFORM"].Infos[0].Text != "Object to be imported: ["+FixtureTransformID+", Lowercase Department]" ||
			len(res.Results["RULE"].ImportedObjects) != 0 {
			t.Errorf("%s: preview results %s", version, body)
		}
		if !slices.EqualFunc(before, ft.ConfigObjects(), func(a, b ConfigObject) bool { return a.ID == b.ID && string(a.Object) == string(b.Object) }) {
			t.Errorf("%s: the preview changed the objects", version)
		}

		status, body = post(t, ft, tok, configPath(version, "/import"), ct, form, nil)
		job := decodeJob(t, status, body, http.StatusAccepted)
		_, body = get(t, ft, tok, configPath(version, "/import/"+job.JobID+"/download"))
		res = importResults{}
		if err := json.Unmarshal(body, &res); err != nil || res.ExportJobID == nil || len(res.Results["TRANSFORM"].ImportedObjects) != 1 ||
			res.Results["RULE"].ImportedObjects[0].Name != "New Rule" || len(res.Results["RULE"].Infos) != 0 {
			t.Fatalf("%s: results %s", version, body)
		}
		objects := ft.ConfigObjects()
		var names []string
		for _, o := range objects {
			names = append(names, o.Type+":"+o.Name)
		}
		if !strings.Contains(strings.Join(names, ","), "RULE:New Rule") || !strings.Contains(string(objects[0].Object), `"upper"`) {
			t.Errorf("%s: objects after the import %v %s", version, names, objects[0].Object)
		}
		// The backup holds the objects as they were before.
		_, body = get(t, ft, tok, configPath(version, "/export/"+*res.ExportJobID+"/download"))
		var backup exportDoc
		if json.Unmarshal(body, &backup) != nil || len(backup.Objects) != len(before) || string(backup.Objects[0].Object) != string(before[0].Object) {
			t.Errorf("%s: backup %s", version, body)
		}
		if ft.Count(IsConfigPreview) != 1 || ft.Count(IsConfigImport) != 2 || ft.Count(IsConfigDownload) != 3 || ft.Count(IsConfigExport) != 0 {
			t.Errorf("%s: %d previews, %d imports logged", version, ft.Count(IsConfigPreview), ft.Count(IsConfigImport))
		}
		imports := ft.ConfigImports()
		last := imports[len(imports)-1]
		if last.JobID != job.JobID || last.Preview || last.DataName != "export.json" || last.DataContentType != "application/octet-stream" ||
			string(last.Data) != importedDoc || last.OptionsContentType != "application/json" || !imports[len(imports)-2].Preview {
			t.Errorf("%s: import recorded as %+v", version, last)
		}
		if e := ft.ConfigExports(); !e[len(e)-1].Backup || e[len(e)-1].ImportJobID != job.JobID || e[len(e)-1].JobID != *res.ExportJobID {
			t.Errorf("%s: exports %+v", version, e[len(e)-1])
		}
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// Scripted outcomes per object name: a warning (still imported), an
// error (not imported); a type import does not take is an error; with
// excludeBackup no backup is made; without options every object counts.
func TestConfigImportOutcomes(t *testing.T) {
	ft := StartChecked(t)
	tok := token(t, ft)
	ft.ScriptConfigJobs(ConfigJobScript{Reads: 0})
	ft.ScriptConfigObject("Lowercase Department", ConfigObjectOutcome{Warning: "Reference to source Workday resolved by name."})
	ft.ScriptConfigObject("New Rule", ConfigObjectOutcome{Error: "Rule script does not compile.", ErrorKey: "RULE_INVALID"})
	ct, form := importForm(t, importedDoc, `{"excludeBackup":true}`)
	status, body := post(t, ft, tok, configPath("beta", "/import"), ct, form, nil)
	job := decodeJob(t, status, body, http.StatusAccepted)
	_, body = get(t, ft, tok, configPath("beta", "/import/"+job.JobID+"/download"))
	var res importResults
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	tr, rule, role := res.Results["TRANSFORM"], res.Results["RULE"], res.Results["ROLE"]
	if res.ExportJobID != nil || len(tr.Warnings) != 1 || tr.Warnings[0].Key != "FAKE_IMPORT_WARNING" || len(tr.ImportedObjects) != 1 ||
		len(rule.Errors) != 1 || rule.Errors[0].Key != "RULE_INVALID" || rule.Errors[0].Text != "Rule script does not compile." || len(rule.ImportedObjects) != 0 ||
		len(role.Errors) != 1 || role.Errors[0].Key != "UNSUPPORTED_TYPE" {
		t.Errorf("results %s", body)
	}
	for _, o := range ft.ConfigObjects() {
		if o.Name == "New Rule" || o.Name == "A Role" {
			t.Errorf("%s was imported", o.Name)
		}
	}
	if len(ft.ConfigExports()) != 0 {
		t.Errorf("a backup was made: %+v", ft.ConfigExports())
	}
}

// Scripted jobs: N reads running, then FAILED or CANCELLED with a message
// and nothing to download; a status the spec does not list is sent as is
// (unchecked).
func TestConfigJobScripts(t *testing.T) {
	ft := StartChecked(t)
	tok := token(t, ft)
	ft.ScriptConfigJobs(
		ConfigJobScript{Reads: 2, Status: "FAILED", Message: "Import failed: the file could not be read."},
		ConfigJobScript{Reads: 0, Status: "CANCELLED"},
		ConfigJobScript{Reads: 1, Status: "EXPIRED_SOMEHOW"},
	)
	ct, form := importForm(t, importedDoc, "")
	var ids []string
	for range 3 {
		status, body := post(t, ft, tok, configPath("v2026", "/import"), ct, form, nil)
		ids = append(ids, decodeJob(t, status, body, http.StatusAccepted).JobID)
	}
	read := func(id string, n int) []string {
		var out []string
		for range n {
			status, body := get(t, ft, tok, configPath("v2026", "/import/"+id))
			j := decodeJob(t, status, body, http.StatusOK)
			msg := ""
			if j.Message != nil {
				msg = ":" + *j.Message
			}
			out = append(out, j.Status+msg)
		}
		return out
	}
	if got := read(ids[0], 4); strings.Join(got, " ") != "IN_PROGRESS IN_PROGRESS FAILED:Import failed: the file could not be read. FAILED:Import failed: the file could not be read." {
		t.Errorf("FAILED: %v", got)
	}
	if got := read(ids[1], 1); strings.Join(got, " ") != "CANCELLED:The import job ended CANCELLED." {
		t.Errorf("CANCELLED: %v", got)
	}
	if got := read(ids[2], 2); strings.Join(got, " ") != "IN_PROGRESS EXPIRED_SOMEHOW:The import job ended EXPIRED_SOMEHOW." {
		t.Errorf("beyond the spec: %v", got)
	}
	for _, id := range ids {
		if status, body := get(t, ft, tok, configPath("v2026", "/import/"+id+"/download")); status != http.StatusBadRequest || !strings.Contains(string(body), "only a COMPLETE job") {
			t.Errorf("download of %s: %d %s", id, status, body)
		}
	}
	if len(ft.ConfigObjects()) != len(FixtureConfigObjects()) {
		t.Error("a job that did not complete changed the objects")
	}
	// A job still running has nothing to download either.
	ft.ScriptConfigJobs(ConfigJobScript{Reads: 5})
	_, body := post(t, ft, tok, configPath("v2026", "/export"), "application/json", []byte(`{}`), nil)
	id := decodeJob(t, http.StatusAccepted, body, http.StatusAccepted).JobID
	if status, _ := get(t, ft, tok, configPath("v2026", "/export/"+id+"/download")); status != http.StatusBadRequest {
		t.Errorf("download of a running export: %d", status)
	}
}

// Refused requests: the answers are checked against the spec, the
// requests (wrong on purpose) are not.
func TestConfigRefusals(t *testing.T) {
	ft := New().ValidateWith(sharedSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	defer func() {
		for _, p := range ft.Problems() {
			if !strings.Contains(p, "the request does not match the spec") {
				t.Errorf("outside the spec: %s", p)
			}
		}
	}()
	ct, form := importForm(t, importedDoc, "")
	_, noData := importForm(t, "", "")
	noDataForm := bytes.Replace(noData, []byte(`name="data"`), []byte(`name="file"`), 1)
	ctBad, notDoc := importForm(t, `{"tenant":"x"}`, "")
	cases := []struct {
		name, method, path, contentType string
		body                            []byte
		status                          int
		text                            string
	}{
		{"no data part", "POST", configPath("v1", "/import"), mimeOf(noData), noDataForm, 400, `must be \"data\"`},
		{"not a document", "POST", configPath("v1", "/import"), ctBad, notDoc, 400, "not an SP-Config document"},
		{"not multipart", "POST", configPath("v2024", "/import"), "application/json", []byte(importedDoc), 400, "send multipart/form-data"},
		{"export not JSON", "POST", configPath("v2024", "/export"), "text/plain", []byte(`{}`), 400, "send application/json"},
		{"unknown export", "GET", configPath("beta", "/export/ef38f94347e94562b5bb8424a56397d8"), "", nil, 404, "No export job"},
		{"unknown import download", "GET", configPath("beta", "/import/ef38f94347e94562b5bb8424a56397d8/download"), "", nil, 404, "No import job"},
		{"GET on a POST path", "GET", configPath("v2025", "/export"), "", nil, 405, "Only POST"},
		{"config objects, not served", "GET", configPath("v2025", "/config-objects"), "", nil, 404, "Not found"},
	}
	for _, c := range cases {
		var status int
		var body []byte
		if c.method == "POST" {
			status, body = post(t, ft, tok, c.path, c.contentType, c.body, nil)
		} else {
			status, body = get(t, ft, tok, c.path)
		}
		if status != c.status || !strings.Contains(string(body), c.text) {
			t.Errorf("%s: %d %s", c.name, status, body)
		}
	}
	// An export job is not an import job.
	_, body := post(t, ft, tok, configPath("v1", "/export"), "application/json", []byte(`{}`), nil)
	id := decodeJob(t, http.StatusAccepted, body, http.StatusAccepted).JobID
	if status, _ := get(t, ft, tok, configPath("v1", "/import/"+id)); status != 404 {
		t.Errorf("an export read as an import: %d", status)
	}
	if status, body := get(t, ft, "", configPath("v1", "/export/"+id)); status != 401 || !strings.Contains(string(body), "JWT") {
		t.Errorf("no token: %d %s", status, body)
	}
	// Faults match SP-Config paths like any other.
	ft.Inject(Fault{Path: configPath("v1", "/import"), Method: "POST", Status: 500, Body: `{"detailCode":"500.0 Internal Fault","trackingId":"abc123","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"boom"}],"causes":[]}`})
	if status, _ := post(t, ft, tok, configPath("v1", "/import"), ct, form, nil); status != 500 || ft.Count(func(r Request) bool { return r.Fault && IsConfigImport(r) }) != 1 {
		t.Errorf("fault: %d", status)
	}
	if len(ft.ConfigImports()) != 0 {
		t.Errorf("refused imports were recorded: %+v", ft.ConfigImports())
	}
}

// mimeOf is the multipart content type of a body built by importForm.
func mimeOf(body []byte) string {
	boundary, _, _ := bytes.Cut(bytes.TrimPrefix(body, []byte("--")), []byte("\r\n"))
	return "multipart/form-data; boundary=" + string(boundary)
}

// The SP-Config operations are checked as every routed operation is: the
// POSTs' requests, as launches' are, and every answer. A request the spec
// refuses (the import's options as a string) and an answer it refuses (an
// expiration that is no date-time) are named in Problems.
func TestConfigRequestsAndAnswersChecked(t *testing.T) {
	ft := New().ValidateWith(sharedSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	// options must be an ImportOptions object; the tenant itself reads
	// only what it needs and answers 400 for a string it cannot decode.
	ct, form := importForm(t, importedDoc, `"not options"`)
	if status, _ := post(t, ft, tok, configPath("v2026", "/import"), ct, form, nil); status != http.StatusBadRequest {
		t.Errorf("options as a string: %d", status)
	}
	ft.ScriptConfigJobs(ConfigJobScript{Expiration: "soon"})
	if status, _ := post(t, ft, tok, configPath("v1", "/export"), "application/json", []byte(`{}`), nil); status != http.StatusAccepted {
		t.Errorf("export: %d", status)
	}
	problems := strings.Join(ft.Problems(), "\n")
	if !strings.Contains(problems, "v2026 POST /v2026/sp-config/import: the request does not match the spec") ||
		!strings.Contains(problems, "v1 POST /sp-config/v1/export answered 202 against the spec") || len(ft.Problems()) != 2 {
		t.Errorf("problems:\n%s", problems)
	}
	// Logged as launches (Operation) of their endpoint, but no task was
	// started: their own handlers answered them, not serveLaunch's.
	if n := ft.Count(IsLaunch); n != 2 || ft.Count(IsConfigExport) != 1 || ft.Count(IsConfigImport) != 1 || len(ft.Launches()) != 0 || len(ft.ConfigExports()) != 1 {
		t.Errorf("%d POSTs logged as launches, %d task launches", n, len(ft.Launches()))
	}
}
