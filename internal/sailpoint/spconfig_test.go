package sailpoint_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// quick polls the fake tenant without pausing long.
var quick = sailpoint.Waiter{MinInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond, NoJitter: true}

func configPrefix(version string) string {
	if version == sailpoint.APIVersionV1 {
		return "/sp-config/v1"
	}
	return "/" + version + "/sp-config"
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// Each version: an export started, waited for and downloaded; its
// document previewed, then imported; the import's results and its
// backup; a re-export of the same objects hashes the same. The fake checks
// every request and answer against the spec.
func TestConfigEveryVersion(t *testing.T) {
	ft := faketenant.StartChecked(t)
	ctx := context.Background()
	for _, v := range sailpoint.ConfigExportOp.Versions() {
		c := tenantClient(t, ft, v)
		ft.ResetLog()
		prefix := configPrefix(v)

		job, err := sailpoint.ConfigExportOp.Start(ctx, c, sailpoint.ConfigExportRequest{
			Description: "promote", IncludeTypes: []string{"TRANSFORM", "RULE", "SOURCE", "IDENTITY_PROFILE"},
		})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if !dashedUUID.MatchString(job.TaskID) || job.Operation != "SP-Config export" || job.Method != "POST" || job.Path != prefix+"/export" {
			t.Errorf("%s: export job %+v", v, job)
		}
		done, err := c.WaitForConfigJob(ctx, sailpoint.ConfigJobTypeExport, job.TaskID, quick, nil)
		if err != nil || done.Status != sailpoint.ConfigJobComplete || done.Completed == nil || !done.Finished() ||
			done.JobID != job.TaskID || str(done.Type) != "EXPORT" || str(done.Description) != "promote" {
			t.Fatalf("%s: %+v %v", v, done, err)
		}
		export, err := c.DownloadConfigExport(ctx, job.TaskID)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		var names []string
		for _, o := range export.Objects {
			names = append(names, str(o.Type)+"/"+str(o.ID)+"/"+str(o.Name))
		}
		if strings.Join(names, " ") != "TRANSFORM/"+faketenant.FixtureTransformID+"/Lowercase Department RULE/"+faketenant.FixtureRuleID+"/Correlate by Email "+
			"SOURCE/"+faketenant.ActiveDirectorySourceID+"/Active Directory IDENTITY_PROFILE/"+faketenant.FixtureIdentityProfileID+"/Employees" ||
			len(export.ObjectsSHA256) != 64 || export.JobID != job.TaskID || !json.Valid(export.Content) {
			t.Errorf("%s: export %v %s", v, names, export.ObjectsSHA256)
		}

		preview, err := sailpoint.ConfigImportOp.Start(ctx, c, sailpoint.ConfigImportRequest{
			Document: &sailpoint.LaunchFile{Name: "promote.json", Content: export.Content}, Preview: true,
			Options: sailpoint.ConfigImportOptions{IncludeTypes: []string{"TRANSFORM", "RULE"}, DefaultReferences: []string{"SOURCE"},
				ObjectOptions: map[string]sailpoint.ConfigObjectOptions{"RULE": {IncludedNames: []string{"Correlate by Email"}}}},
		})
		if err != nil || preview.Operation != "SP-Config import" {
			t.Fatalf("%s: %+v %v", v, preview, err)
		}
		if previewed, err := c.WaitForConfigJob(ctx, sailpoint.ConfigJobTypeImport, preview.TaskID, quick, nil); err != nil || str(previewed.Type) != "IMPORT" {
			t.Fatalf("%s: %+v %v", v, previewed, err)
		}
		results, err := c.DownloadConfigImportResults(ctx, preview.TaskID)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if strings.Join(results.Types(), ",") != "RULE,TRANSFORM" || results.ExportJobID != nil || len(results.Results["RULE"].Infos) != 1 ||
			str(results.Results["RULE"].Infos[0].Key) != "IMPORT_PREVIEW" || string(results.Results["RULE"].Infos[0].Details) != "{}" {
			t.Errorf("%s: preview results %+v", v, results)
		}
		if imported, _, _ := results.Counts(); imported != 0 {
			t.Errorf("%s: a preview imported %d", v, imported)
		}

		imp, err := sailpoint.ConfigImportOp.Start(ctx, c, sailpoint.ConfigImportRequest{Document: &sailpoint.LaunchFile{Name: "promote.json", Content: export.Content}})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		ended, err := c.WaitForConfigJob(ctx, sailpoint.ConfigJobTypeImport, imp.TaskID, quick, nil)
		if err != nil || str(ended.Message) != "Download import results for details." {
			t.Fatalf("%s: %+v %v", v, ended, err)
		}
		results, err = c.DownloadConfigImportResults(ctx, imp.TaskID)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if imported, warnings, errs := results.Counts(); imported != 4 || warnings != 0 || errs != 0 || results.ExportJobID == nil {
			t.Errorf("%s: results %+v", v, results)
		}
		backup, err := c.DownloadConfigExport(ctx, *results.ExportJobID)
		if err != nil || backup.ObjectsSHA256 != export.ObjectsSHA256 {
			t.Errorf("%s: backup %v; the tenant held the same objects", v, err)
		}

		// The same objects exported again: another document, the same hash.
		again, err := sailpoint.ConfigExportOp.Start(ctx, c, sailpoint.ConfigExportRequest{IncludeTypes: []string{"TRANSFORM", "RULE", "SOURCE", "IDENTITY_PROFILE"}})
		if err == nil {
			_, err = c.WaitForConfigJob(ctx, sailpoint.ConfigJobTypeExport, again.TaskID, quick, nil)
		}
		var reexport *sailpoint.ConfigExport
		if err == nil {
			reexport, err = c.DownloadConfigExport(ctx, again.TaskID)
		}
		if err != nil || bytes.Equal(reexport.Content, export.Content) || reexport.ObjectsSHA256 != export.ObjectsSHA256 {
			t.Errorf("%s: re-export: %v", v, err)
		}

		// What was sent.
		reqs := ft.Requests()
		var sent []string
		for _, r := range reqs {
			if !faketenant.IsToken(r) {
				sent = append(sent, r.Method+" "+strings.TrimPrefix(r.Path, prefix)+"?"+r.Query.Encode())
			}
		}
		if ft.Count(faketenant.IsConfigExport) != 2 || ft.Count(faketenant.IsConfigImport) != 2 || ft.Count(faketenant.IsConfigPreview) != 1 ||
			ft.Count(faketenant.IsConfigDownload) != 5 {
			t.Errorf("%s: sent %v", v, sent)
		}
		for _, r := range reqs {
			if faketenant.IsConfigExport(r) && r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%s: export sent as %q", v, r.Header.Get("Content-Type"))
			}
			if !strings.HasPrefix(r.Path, prefix+"/") && !faketenant.IsToken(r) {
				t.Errorf("%s: path %s", v, r.Path)
			}
			// Sent where the spec once required it (v2024), and only there.
			if !faketenant.IsToken(r) && (r.Header.Get("X-SailPoint-Experimental") == "true") != (v == sailpoint.APIVersionV2024) {
				t.Errorf("%s: %s %s sent X-SailPoint-Experimental %q", v, r.Method, r.Path, r.Header.Get("X-SailPoint-Experimental"))
			}
		}
		imports := ft.ConfigImports()
		p, i := imports[len(imports)-2], imports[len(imports)-1]
		var opts map[string]any
		if !p.Preview || i.Preview || p.DataName != "promote.json" || p.DataContentType != "application/octet-stream" || !bytes.Equal(p.Data, export.Content) ||
			p.OptionsContentType != "application/json" || json.Unmarshal(p.Options, &opts) != nil || fmt.Sprint(opts["includeTypes"]) != "[TRANSFORM RULE]" ||
			fmt.Sprint(opts["objectOptions"]) != "map[RULE:map[includedIds:[] includedNames:[Correlate by Email]]]" || opts["excludeBackup"] != false ||
			string(i.Options) != `{"excludeBackup":false}` {
			t.Errorf("%s: imports sent as %+v / %+v (options %s)", v, p, i, p.Options)
		}
	}
}

// The bodies as sent: the export's JSON leaves out what is empty; the
// import's multipart has a Content-Length, the data part first, the
// options part as JSON, and preview only when previewing.
func TestConfigRequestsAsSent(t *testing.T) {
	type seen struct {
		method, path, query, contentType string
		length                           int64
		body                             []byte
	}
	var got []seen
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), r.ContentLength, body})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"jobId":"3469b87d-48ca-439a-868f-2160001da8c1","status":"NOT_STARTED","type":"IMPORT","created":"2021-05-11T22:23:16Z","modified":"2021-05-11T22:23:16Z"}`)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", APIVersion: "v2024"})
	ctx := context.Background()
	if _, err := sailpoint.ConfigExportOp.Start(ctx, c, sailpoint.ConfigExportRequest{}); err != nil {
		t.Fatal(err)
	}
	// Prepared, then sent: the same request.
	s, err := sailpoint.ConfigExportOp.Prepare(sailpoint.ConfigExportRequest{Description: "d", ExcludeTypes: []string{"ROLE"},
		ObjectOptions: map[string]sailpoint.ConfigObjectOptions{"SOURCE": {IncludedIDs: []string{"a"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Start(ctx, s); err != nil {
		t.Fatal(err)
	}
	doc := `{"objects":[]}`
	for _, preview := range []bool{false, true} {
		if _, err := sailpoint.ConfigImportOp.Start(ctx, c, sailpoint.ConfigImportRequest{Document: &sailpoint.LaunchFile{Content: []byte(doc)}, Preview: preview,
			Options: sailpoint.ConfigImportOptions{ExcludeBackup: true}}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 4 {
		t.Fatalf("%d requests", len(got))
	}
	if g := got[0]; g.method != "POST" || g.path != "/v2024/sp-config/export" || g.contentType != "application/json" || string(g.body) != `{}` || g.query != "" {
		t.Errorf("empty export: %+v %s", g, g.body)
	}
	if g := got[1]; string(g.body) != `{"description":"d","excludeTypes":["ROLE"],"objectOptions":{"SOURCE":{"includedIds":["a"],"includedNames":[]}}}` {
		t.Errorf("export body %s", g.body)
	}
	for i, g := range got[2:] {
		wantQuery := []string{"", "preview=true"}[i]
		mt, params, err := mime.ParseMediaType(g.contentType)
		if err != nil || mt != "multipart/form-data" || g.path != "/v2024/sp-config/import" || g.query != wantQuery || g.length != int64(len(g.body)) {
			t.Errorf("import %d: %+v", i, g)
			continue
		}
		mr := multipart.NewReader(bytes.NewReader(g.body), params["boundary"])
		var parts []string
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			content, _ := io.ReadAll(part)
			parts = append(parts, fmt.Sprintf("%s|%s|%s|%s", part.FormName(), part.FileName(), part.Header.Get("Content-Type"), content))
		}
		want := `data|sp-config.json|application/octet-stream|` + doc + ` options||application/json|{"excludeBackup":true}`
		if strings.Join(parts, " ") != want {
			t.Errorf("import %d parts:\n%s\nwant\n%s", i, strings.Join(parts, " "), want)
		}
	}
}

// The job id is read from jobId; an answer without a usable one says the
// job has probably started.
func TestConfigJobIDs(t *testing.T) {
	for _, tc := range []struct {
		answer, want string
	}{
		{`{"jobId":"3469b87d-48ca-439a-868f-2160001da8c1","status":"NOT_STARTED","type":"EXPORT","created":"x","modified":"x","futureField":{"a":1}}`, ""},
		{`{"id":"3469b87d-48ca-439a-868f-2160001da8c1","status":"NOT_STARTED"}`, "no job id in jobId"},
		{`{"task":{"id":"3469b87d"}}`, "no job id in jobId"},
		{`{"jobId":"a/b","status":"NOT_STARTED"}`, "an unusable job id in jobId"},
		{`{"jobId":null,"status":null}`, "no job id in jobId"},
	} {
		srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, tc.answer)
		})
		c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
		job, err := sailpoint.ConfigExportOp.Start(context.Background(), c, sailpoint.ConfigExportRequest{})
		if tc.want == "" {
			if err != nil || job.TaskID != "3469b87d-48ca-439a-868f-2160001da8c1" || job.Path != "/sp-config/v1/export" {
				t.Errorf("%s: %+v %v", tc.answer, job, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "POST /sp-config/v1/export") ||
			!strings.Contains(err.Error(), "probably started") || !sailpoint.MayHaveStarted(err) || sailpoint.IsTransient(err) || sailpoint.RequestMethod(err) != "POST" {
			t.Errorf("%s: %v", tc.answer, err)
		}
	}
}

// configCalls are the six calls, each on an id or a request that reaches
// the tenant.
var configCalls = map[string]func(*sailpoint.Client) error{
	"export": func(c *sailpoint.Client) error {
		_, err := sailpoint.ConfigExportOp.Start(context.Background(), c, sailpoint.ConfigExportRequest{})
		return err
	},
	"import": func(c *sailpoint.Client) error {
		_, err := sailpoint.ConfigImportOp.Start(context.Background(), c, sailpoint.ConfigImportRequest{Document: &sailpoint.LaunchFile{Name: "d.json", Content: []byte(`{"objects":[]}`)}})
		return err
	},
	"export status": func(c *sailpoint.Client) error {
		_, err := c.GetConfigExportStatus(context.Background(), "ef38f94347e94562b5bb8424a56397d8")
		return err
	},
	"import status": func(c *sailpoint.Client) error {
		_, err := c.GetConfigImportStatus(context.Background(), "ef38f94347e94562b5bb8424a56397d8")
		return err
	},
	"export download": func(c *sailpoint.Client) error {
		_, err := c.DownloadConfigExport(context.Background(), "ef38f94347e94562b5bb8424a56397d8")
		return err
	},
	"import download": func(c *sailpoint.Client) error {
		_, err := c.DownloadConfigImportResults(context.Background(), "ef38f94347e94562b5bb8424a56397d8")
		return err
	},
}

// Every call refused with each status the spec lists: the error names the
// method, path, status, trackingId and the tenant's message. A POST is
// resent after a 429 only; a GET also after a 500.
func TestConfigRefusals(t *testing.T) {
	dto := `{"detailCode":"%s","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"%s"}]}`
	for _, tc := range []struct {
		status       int
		body, text   string
		wantTracking bool
	}{
		{400, fmt.Sprintf(dto, "400.1 Bad Request Content", "Invalid includeTypes."), "Invalid includeTypes.", true},
		{401, `{"error":"JWT validation failed: JWT is expired"}`, "JWT validation failed", false},
		{403, fmt.Sprintf(dto, "403 Forbidden", "The server understood the request but refuses to authorize it."), "refuses to authorize", true},
		{404, fmt.Sprintf(dto, "404 Not found", "The server did not find a current representation for the target resource."), "did not find", true},
		{429, `{"message":" Rate Limit Exceeded "}`, "Rate Limit Exceeded", false},
		{500, fmt.Sprintf(dto, "500.0 Internal Fault", "An internal fault occurred."), "An internal fault occurred.", true},
	} {
		for name, call := range configCalls {
			var sent atomic.Int32
			var method, path string
			srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
				sent.Add(1)
				method, path = r.Method, r.URL.Path
				if tc.status == 429 {
					w.Header().Set("Retry-After", "0")
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", APIVersion: "v2025", RetryMax: 2})
			err := call(c)
			var apiErr *sailpoint.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("%d %s: %T %v", tc.status, name, err, err)
			}
			post := method == http.MethodPost
			want := 1
			if tc.status == 429 || tc.status == 500 && !post {
				want = 3
			}
			if apiErr.Method != method || apiErr.Path != path || !strings.HasPrefix(path, "/v2025/sp-config/") || apiErr.StatusCode != tc.status ||
				!strings.Contains(apiErr.Message(), tc.text) || (apiErr.TrackingID != "") != tc.wantTracking ||
				tc.wantTracking && !strings.Contains(err.Error(), "[trackingId b21b1f7ce4da4d639f2c62a57171b427]") {
				t.Errorf("%d %s: %v", tc.status, name, err)
			}
			if int(sent.Load()) != want || apiErr.Attempts != want {
				t.Errorf("%d %s: sent %d times, %d attempts; want %d", tc.status, name, sent.Load(), apiErr.Attempts, want)
			}
			if sailpoint.MayHaveStarted(err) != (tc.status == 500) {
				t.Errorf("%d %s: MayHaveStarted %v", tc.status, name, sailpoint.MayHaveStarted(err))
			}
		}
	}
}

// The POSTs follow the launch retry rule against the fake tenant: a reset
// after the request was sent is not resent, a 429 is.
func TestConfigLaunchRetryRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  faketenant.Fault
		posts  int
		wantOK bool
	}{
		{"429 then 202", faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Rate Limit Exceeded"}`}, 2, true},
		{"reset after send", faketenant.Fault{Reset: true}, 1, false},
		{"502", faketenant.Fault{Status: 502}, 1, false},
		{"401 then a fresh token", faketenant.Fault{ExpireToken: true}, 2, true},
	} {
		for _, op := range []string{"export", "import"} {
			ft := startTenant(t)
			c := tenantClient(t, ft, "v1")
			if _, err := c.Token(context.Background()); err != nil {
				t.Fatal(err)
			}
			fault := tc.fault
			fault.Method = http.MethodPost
			ft.Inject(fault)
			err := configCalls[op](c)
			isPOST := func(r faketenant.Request) bool { return faketenant.IsConfigExport(r) || faketenant.IsConfigImport(r) }
			for deadline := time.Now().Add(10 * time.Second); ft.Count(isPOST) < tc.posts && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond)
			}
			if n := ft.Count(isPOST); n != tc.posts || (err == nil) != tc.wantOK || !tc.wantOK && !sailpoint.MayHaveStarted(err) {
				t.Errorf("%s %s: %d POSTs, %v", tc.name, op, n, err)
			}
		}
	}
}

// Status answers decode as the spec's quirks allow: completed absent or
// null, nullable branches, unknown fields and statuses; an answer about
// another job, or without a status, is refused.
func TestConfigStatusDecoding(t *testing.T) {
	const id = "1e824aa0-4c6e-4f14-95e9-e7dc5234aa51"
	for _, tc := range []struct {
		answer   string
		finished bool
		err      string
	}{
		// The spec's own example.
		{`{"jobId":"` + id + `","status":"COMPLETE","type":"EXPORT","message":null,"description":"Export Job 1 Test","expiration":"2021-05-20T15:04:24Z","created":"2021-05-13T15:04:24.112Z","modified":"2021-05-13T15:04:27.363Z","completed":"2021-05-13T15:04:27.358Z"}`, true, ""},
		{`{"jobId":"` + id + `","status":"IN_PROGRESS","type":"IMPORT","created":"x","modified":"x"}`, false, ""},
		{`{"jobId":"` + id + `","status":"NOT_STARTED","completed":null,"expiration":null,"description":null}`, false, ""},
		{`{"jobId":"` + id + `","status":"FAILED","message":"Import failed."}`, true, ""},
		{`{"jobId":"` + id + `","status":"CANCELLED"}`, true, ""},
		{`{"jobId":"` + strings.ToUpper(id) + `","status":"complete"}`, true, ""},
		{`{"jobId":"` + id + `","status":"EXPIRED","newField":[1]}`, false, ""},
		{`{"jobId":"another","status":"COMPLETE"}`, false, "the answer is about another SP-Config job"},
		{`{"jobId":"` + id + `"}`, false, "it has no status"},
		{`<html>proxy</html>`, false, "not a valid SpConfigImportJobStatus"},
	} {
		srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, tc.answer)
		})
		c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", NoRetries: true})
		job, err := c.GetConfigImportStatus(context.Background(), id)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "GET /sp-config/v1/import/"+id) {
				t.Errorf("%s: %v", tc.answer, err)
			}
			if strings.Contains(tc.err, "another") && (!errors.Is(err, sailpoint.ErrWrongJob) || !errors.Is(err, sailpoint.ErrWrongTask) || sailpoint.IsTransient(err)) {
				t.Errorf("%s: %v must be permanent", tc.answer, err)
			}
			continue
		}
		if err != nil || job.Finished() != tc.finished {
			t.Errorf("%s: %+v %v", tc.answer, job, err)
		}
	}
	// The example's fields, as sent.
	job := sailpoint.ConfigJob{Expiration: ptr("2021-05-20T15:04:24Z")}
	if !job.ExpiredAt(time.Date(2021, 5, 21, 0, 0, 0, 0, time.UTC)) || job.ExpiredAt(time.Date(2021, 5, 19, 0, 0, 0, 0, time.UTC)) {
		t.Error("ExpiredAt")
	}
	if (&sailpoint.ConfigJob{Expiration: ptr("soon")}).ExpiredAt(time.Now()) || (&sailpoint.ConfigJob{}).ExpiredAt(time.Now()) {
		t.Error("ExpiredAt without a readable expiration")
	}
}

// Import results decode as the tenant may send them: details as objects,
// null, absent, with string values, or as the example's "detail".
func TestConfigImportResultsDecoding(t *testing.T) {
	answer := `{"results":{
		"SOURCE":{"infos":[{"key":"K1","text":"t1","details":{"a":{"b":1}}},{"key":"K2","text":"t2","details":null},{"key":"K3","text":"t3"},
			{"key":"K4","text":"t4","details":{"details":"message details"}},{"key":"K5","text":"t5","detail":{"x":1}},{"key":"K6","text":"t6","detail":null}],
			"warnings":[],"errors":[{"key":"UNKNOWN_REFERENCE_RESOLVER","text":"Unable to resolve reference","details":{}}],
			"importedObjects":[{"type":"SOURCE","id":"2c9180835d191a86015d28455b4b232a","name":"HR Active Directory"},{"type":"NEW_TYPE"}]},
		"WORKFLOW":{"infos":[],"warnings":[],"errors":[]},
		"results":{"TRIGGER_SUBSCRIPTION":{"infos":[]}}},
		"exportJobId":"be9e116d-08e1-49fc-ab7f-fa585e96c9e4","more":true}`
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, answer)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
	res, err := c.DownloadConfigImportResults(context.Background(), "ef38f94347e94562b5bb8424a56397d8")
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, m := range res.Results["SOURCE"].Infos {
		details = append(details, str(m.Key)+"="+string(m.Details))
	}
	if strings.Join(details, " ") != `K1={"a":{"b":1}} K2= K3= K4={"details":"message details"} K5={"x":1} K6=` {
		t.Errorf("details %v", details)
	}
	src := res.Results["SOURCE"]
	if str(res.ExportJobID) != "be9e116d-08e1-49fc-ab7f-fa585e96c9e4" || len(src.ImportedObjects) != 2 || src.ImportedObjects[1].ID != nil ||
		str(src.ImportedObjects[1].Type) != "NEW_TYPE" || res.Results["WORKFLOW"].ImportedObjects != nil || strings.Join(res.Types(), ",") != "SOURCE,WORKFLOW,results" {
		t.Errorf("results %+v", res)
	}
	if imported, warnings, errs := res.Counts(); imported != 2 || warnings != 0 || errs != 1 {
		t.Errorf("counts %d %d %d", imported, warnings, errs)
	}
}

// The import results are bounded more loosely than other answers, but
// bounded: an import of 5,000 objects fits, a flood does not, and the
// error names the bound that was passed.
func TestConfigImportResultsBounds(t *testing.T) {
	objects := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"type":"TRANSFORM","id":"%032x","name":"t%d"}`, i, i)
		}
		return b.String()
	}
	manyTypes := func(types, n int) string {
		var b strings.Builder
		for ty := range types {
			if ty > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"T%d":{"infos":[],"warnings":[],"errors":[],"importedObjects":[%s]}`, ty, objects(n))
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, results, err string
	}{
		{"5,000 objects", `"TRANSFORM":{"infos":[],"warnings":[],"errors":[],"importedObjects":[` + objects(5000) + `]}`, ""},
		{"one array too long", `"TRANSFORM":{"infos":[],"warnings":[],"errors":[],"importedObjects":[` + objects(sailpoint.MaxImportResultsArrayElements+1) + `]}`,
			fmt.Sprintf("past this client's limit of %d elements", sailpoint.MaxImportResultsArrayElements)},
		{"too many values", manyTypes(sailpoint.MaxImportResultsValues/4/10000+1, 10000),
			fmt.Sprintf("past this client's limit of %d values in one answer", sailpoint.MaxImportResultsValues)},
	} {
		answer := `{"results":{` + tc.results + `}}`
		srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, answer)
		})
		c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
		res, err := c.DownloadConfigImportResults(context.Background(), "ef38f94347e94562b5bb8424a56397d8")
		var limit *sailpoint.LimitError
		if tc.err == "" && (err != nil || len(res.Results["TRANSFORM"].ImportedObjects) != 5000) ||
			tc.err != "" && (!errors.As(err, &limit) || !strings.Contains(err.Error(), tc.err) || sailpoint.IsTransient(err)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// An export download that is not a document is a DecodeError naming what
// is wrong.
func TestConfigExportDownloadRefused(t *testing.T) {
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"version":1,"objects":{"a":1}}`)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", APIVersion: "beta"})
	_, err := c.DownloadConfigExport(context.Background(), "ef38f94347e94562b5bb8424a56397d8")
	var de *sailpoint.DecodeError
	var doc *sailpoint.ConfigDocumentError
	if !errors.As(err, &de) || !errors.As(err, &doc) || !strings.Contains(err.Error(), `GET /beta/sp-config/export/ef38f94347e94562b5bb8424a56397d8/download: HTTP 200`) ||
		!strings.Contains(err.Error(), `"objects" is an object, not an array`) {
		t.Errorf("%v", err)
	}
}

// A status the spec does not list is not final: the wait goes on until
// its deadline, and its error names the job and the status last read.
func TestConfigWaitOnAnUnknownStatus(t *testing.T) {
	ft := faketenant.StartChecked(t)
	ft.ScriptConfigJobs(faketenant.ConfigJobScript{Reads: 0, Status: "ARCHIVED"})
	c := tenantClient(t, ft, "v2026")
	job, err := sailpoint.ConfigExportOp.Start(context.Background(), c, sailpoint.ConfigExportRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var polls atomic.Int32
	_, err = c.WaitForConfigJob(ctx, sailpoint.ConfigJobTypeExport, job.TaskID, quick, func(context.Context, int, *sailpoint.ConfigJob, time.Duration) { polls.Add(1) })
	var we *sailpoint.ConfigJobWaitError
	if !errors.As(err, &we) || !errors.Is(err, context.DeadlineExceeded) || we.Last == nil || we.Last.Status != "ARCHIVED" ||
		!strings.Contains(err.Error(), `SP-Config export job "`+job.TaskID+`" timed out`) || !strings.Contains(err.Error(), "its status was ARCHIVED") || polls.Load() == 0 {
		t.Errorf("%v", err)
	}
	if _, err := c.WaitForConfigJob(context.Background(), "TASK", job.TaskID, quick, nil); err == nil {
		t.Error("an unknown job type")
	}
}

// Scripted FAILED and CANCELLED jobs end the wait with their status and
// message.
func TestConfigWaitFailedAndCancelled(t *testing.T) {
	ft := faketenant.StartChecked(t)
	ft.ScriptConfigJobs(faketenant.ConfigJobScript{Reads: 3, Status: "FAILED", Message: "Import failed: bad file."}, faketenant.ConfigJobScript{Reads: 1, Status: "CANCELLED"})
	c := tenantClient(t, ft, "beta")
	for _, want := range []string{"FAILED Import failed: bad file.", "CANCELLED The import job ended CANCELLED."} {
		job, err := sailpoint.ConfigImportOp.Start(context.Background(), c, sailpoint.ConfigImportRequest{Document: &sailpoint.LaunchFile{Name: "d.json", Content: []byte(`{"objects":[]}`)}})
		if err != nil {
			t.Fatal(err)
		}
		var running int
		done, err := c.WaitForConfigJob(context.Background(), sailpoint.ConfigJobTypeImport, job.TaskID, quick,
			func(_ context.Context, _ int, j *sailpoint.ConfigJob, _ time.Duration) { running++ })
		if err != nil || done.Status+" "+str(done.Message) != want || ft.ConfigJobReads(job.TaskID) != running+1 {
			t.Errorf("%+v %v after %d running reads", done, err, running)
		}
	}
}

// An upload is streamed: a 20 MB document from a file is never held by
// the client, its length is announced, and the file is read again for a
// resent POST.
func TestConfigUploadStreams(t *testing.T) {
	doc := bigDoc()
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	var received [2]atomic.Int64
	var posts atomic.Int32
	var lengths sync.Map
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		post := posts.Add(1)
		if post <= 2 {
			received[post-1].Store(n)
		}
		lengths.Store(post, r.ContentLength)
		if post == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"jobId":"3469b87d-48ca-439a-868f-2160001da8c1","status":"NOT_STARTED","type":"IMPORT"}`)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
	src, err := sailpoint.ConfigDocumentFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if src.Name != "big.json" || src.Path != path || src.Size != int64(len(doc)) || src.Content != nil {
		t.Fatalf("%+v", src)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := sailpoint.ConfigImportOp.Start(context.Background(), c, sailpoint.ConfigImportRequest{Document: src}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	// The server discards what it reads in small buffers; the client and
	// the server together allocate far less than one copy.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(len(doc))/4 {
		t.Errorf("%d bytes allocated to upload %d", alloc, len(doc))
	}
	// Both POSTs carried the whole document, read from the file each time,
	// with its length announced.
	for i := range received {
		length, _ := lengths.Load(int32(i + 1))
		if n := received[i].Load(); n <= int64(len(doc)) || length != n {
			t.Errorf("POST %d: %d bytes received, Content-Length %v", i+1, n, length)
		}
	}
	if posts.Load() != 2 {
		t.Errorf("%d POSTs", posts.Load())
	}

	// A file that changed size since it was read is not sent.
	src, err = sailpoint.ConfigDocumentFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"objects":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	posts.Store(0)
	_, err = sailpoint.ConfigImportOp.Start(context.Background(), c, sailpoint.ConfigImportRequest{Document: src})
	if err == nil || !strings.Contains(err.Error(), "changed after it was read for the upload") || posts.Load() != 0 || sailpoint.MayHaveStarted(err) {
		t.Errorf("%v after %d POSTs", err, posts.Load())
	}
	if _, err := sailpoint.ConfigDocumentFile(t.TempDir()); err == nil {
		t.Error("a directory")
	}
}

// Bad options are refused before anything is sent, each named by its
// field.
func TestConfigOptionsRefused(t *testing.T) {
	doc, err := sailpoint.ParseConfigDocument(strings.NewReader(`{"objects":[` + transformA + `,` + ruleB + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts sailpoint.ConfigImportOptions
		doc  *sailpoint.ConfigDocument
		want []string
	}{
		{"valid", sailpoint.ConfigImportOptions{IncludeTypes: []string{"RULE", "TRANSFORM"}, DefaultReferences: []string{"SOURCE"},
			ObjectOptions: map[string]sailpoint.ConfigObjectOptions{"RULE": {IncludedNames: []string{"x"}}}}, doc, nil},
		{"an export type", sailpoint.ConfigImportOptions{IncludeTypes: []string{"ROLE"}}, nil,
			[]string{`includeTypes: "ROLE" is not an object type the spec lists for an import; use one of CONNECTOR_RULE, IDENTITY_OBJECT_CONFIG, IDENTITY_PROFILE, RULE, SOURCE, TRANSFORM, TRIGGER_SUBSCRIPTION`}},
		{"lower case", sailpoint.ConfigImportOptions{ExcludeTypes: []string{"rule"}}, nil, []string{`excludeTypes: "rule" is not an object type`}},
		{"twice", sailpoint.ConfigImportOptions{DefaultReferences: []string{"RULE", "RULE"}}, nil, []string{`defaultReferences: "RULE" is listed twice`}},
		{"options for an unknown type", sailpoint.ConfigImportOptions{ObjectOptions: map[string]sailpoint.ConfigObjectOptions{"WORKFLOW": {}}}, nil,
			[]string{`objectOptions["WORKFLOW"]: "WORKFLOW" is not an object type the spec lists for an import`}},
		{"options for a type not included", sailpoint.ConfigImportOptions{IncludeTypes: []string{"RULE"}, ObjectOptions: map[string]sailpoint.ConfigObjectOptions{"SOURCE": {}}}, nil,
			[]string{`objectOptions["SOURCE"]: options for SOURCE objects, which includeTypes leaves out (it lists RULE)`}},
		{"options for a type excluded", sailpoint.ConfigImportOptions{ExcludeTypes: []string{"SOURCE"}, ObjectOptions: map[string]sailpoint.ConfigObjectOptions{"SOURCE": {}}}, nil,
			[]string{`objectOptions["SOURCE"]: options for SOURCE objects, which excludeTypes leaves out`}},
		{"options for a type the document lacks", sailpoint.ConfigImportOptions{ObjectOptions: map[string]sailpoint.ConfigObjectOptions{"SOURCE": {IncludedIDs: []string{" "}}}}, doc,
			[]string{`objectOptions["SOURCE"]: options for SOURCE objects, but the document has none (its types: RULE, TRANSFORM)`, `objectOptions["SOURCE"]: includedIds holds an empty id`}},
	} {
		err := sailpoint.ValidateConfigImportOptions(tc.opts, tc.doc)
		var got []string
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var oe *sailpoint.ConfigOptionError
				if !errors.As(e, &oe) {
					t.Errorf("%s: %T", tc.name, e)
				}
				got = append(got, e.Error())
			}
		}
		for i, w := range tc.want {
			if i >= len(got) || !strings.HasPrefix(got[i], w) {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
				break
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %q", tc.name, got)
		}
	}
	if err := sailpoint.ValidateConfigExportRequest(sailpoint.ConfigExportRequest{IncludeTypes: []string{"WORKFLOW", "FOO"}}); err == nil ||
		!strings.Contains(err.Error(), `"FOO" is not an object type the spec lists for an export; use one of ACCESS_PROFILE,`) || strings.Contains(err.Error(), `"WORKFLOW" is not`) {
		t.Errorf("export: %v", err)
	}
	if len(sailpoint.ConfigImportTypes) != 7 || len(sailpoint.ConfigExportTypes) != 25 {
		t.Error("the type lists")
	}
	// Nothing is sent.
	var sent atomic.Int32
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) { sent.Add(1) })
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
	_, err1 := sailpoint.ConfigImportOp.Start(context.Background(), c, sailpoint.ConfigImportRequest{Document: &sailpoint.LaunchFile{Name: "d"}, Options: sailpoint.ConfigImportOptions{IncludeTypes: []string{"ROLE"}}})
	_, err2 := sailpoint.ConfigExportOp.Start(context.Background(), c, sailpoint.ConfigExportRequest{ExcludeTypes: []string{"NOPE"}})
	_, err3 := c.GetConfigExportStatus(context.Background(), "../x")
	_, err4 := sailpoint.ConfigImportOp.Start(context.Background(), c, sailpoint.ConfigImportRequest{})
	for _, err := range []error{err1, err2, err3, err4} {
		if err == nil || sailpoint.MayHaveStarted(err) {
			t.Errorf("%v", err)
		}
	}
	if sent.Load() != 0 {
		t.Errorf("%d requests sent", sent.Load())
	}
}

// BenchmarkWorstAcceptedImportResults decodes import results at the
// bounds: five types of messages, just under MaxImportResultsValues
// values in all (4 a message).
func BenchmarkWorstAcceptedImportResults(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"results":{`)
	for ty := range 5 {
		if ty > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `"TYPE_%d":{"warnings":[],"errors":[],"importedObjects":[],"infos":[`, ty)
		for i := range sailpoint.MaxImportResultsValues/4/5 - 10 {
			if i > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(&buf, `{"key":"IMPORT_PREVIEW","text":"Object to be imported: [%032x, Object %d]","details":{}}`, i, i)
		}
		buf.WriteString(`]}`)
	}
	buf.WriteString(`},"exportJobId":"be9e116d-08e1-49fc-ab7f-fa585e96c9e4"}`)
	answer := buf.Bytes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	defer srv.Close()
	c, err := sailpoint.New(fast(sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	peak := watchHeap(b)
	for b.Loop() {
		res, err := c.DownloadConfigImportResults(context.Background(), "ef38f94347e94562b5bb8424a56397d8")
		if err != nil || len(res.Results) != 5 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(answer))/1e6, "answer-MB")
	b.ReportMetric(peak()/1e6, "peak-heap-MB")
}

// BenchmarkConfigUpload uploads the 20 MB document of
// BenchmarkObjectsSHA256 from a file, as an import does: B/op and
// peak-heap-MB show that neither the client nor the test server holds it.
func BenchmarkConfigUpload(b *testing.B) {
	doc := bigDoc()
	path := filepath.Join(b.TempDir(), "export.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"jobId":"3469b87d-48ca-439a-868f-2160001da8c1","status":"NOT_STARTED","type":"IMPORT"}`)
	}))
	defer srv.Close()
	c, err := sailpoint.New(fast(sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"}))
	if err != nil {
		b.Fatal(err)
	}
	src, err := sailpoint.ConfigDocumentFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	peak := watchHeap(b)
	for b.Loop() {
		if _, err := sailpoint.ConfigImportOp.Start(context.Background(), c, sailpoint.ConfigImportRequest{Document: src}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(peak()/1e6, "peak-heap-MB")
}
