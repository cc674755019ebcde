package faketenant

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func post(t *testing.T, ft *Tenant, bearer, path, contentType string, body []byte, header map[string]string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ft.URL()+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// multipartBody builds a form with an optional CSV file and optional fields.
func multipartBody(t *testing.T, file, content string, fields map[string]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if file != "" {
		h := map[string][]string{
			"Content-Disposition": {multipart.FileContentDisposition("file", file)},
			"Content-Type":        {"text/csv"},
		}
		w, _ := mw.CreatePart(h)
		_, _ = w.Write([]byte(content))
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// launchPaths are the launch paths of every version for a source id.
func launchPaths(version, source string) (accounts, entitlements, process string) {
	if version == "v1" {
		return "/sources/v1/" + source + "/load-accounts", "/sources/v1/" + source + "/load-entitlements", "/identities/v1/process"
	}
	return "/" + version + "/sources/" + source + "/load-accounts", "/" + version + "/sources/" + source + "/load-entitlements", "/" + version + "/identities/process"
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Every version serves the three launches; requests and answers match the
// spec, and each launched task is read back as a spec-valid TaskStatus
// that runs, then ends as scripted.
func TestLaunchesEveryVersion(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.ScriptLaunches(Script{RunningReads: 1, Status: "ERROR", Messages: []Message{{Type: "ERROR", Text: "Connection refused"}, {Type: "WARN", Text: "2 accounts skipped"}}})

	for version := range Versions {
		accounts, entitlements, process := launchPaths(version, HRFileSourceID)
		experimental := map[string]string{"X-SailPoint-Experimental": "true"}
		if version == "beta" {
			experimental = nil
		}
		ct, body := multipartBody(t, "people.csv", "id,name\n1,Ada\n", map[string]string{"disableOptimization": "true"})
		status, a := post(t, ft, tok, accounts, ct, body, nil)
		var acc struct {
			Success bool `json:"success"`
			Task    struct {
				ID string `json:"id"`
			} `json:"task"`
		}
		if status != 202 || json.Unmarshal(a, &acc) != nil || len(acc.Task.ID) != 32 {
			t.Fatalf("%s accounts: %d %s", version, status, a)
		}
		ct, body = multipartBody(t, "", "", nil)
		status, e := post(t, ft, tok, entitlements, ct, body, nil)
		var ent struct {
			ID string `json:"id"`
		}
		if status != 202 || json.Unmarshal(e, &ent) != nil || len(ent.ID) != 32 {
			t.Fatalf("%s entitlements: %d %s", version, status, e)
		}
		status, p := post(t, ft, tok, process, "application/json", []byte(`{"identityIds":["a1","b2"]}`), experimental)
		var proc struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		}
		if status != 202 || json.Unmarshal(p, &proc) != nil || proc.Type != "TASK_RESULT" || !uuidPattern.MatchString(proc.ID) {
			t.Fatalf("%s process: %d %s", version, status, p)
		}

		for _, id := range []string{acc.Task.ID, ent.ID, proc.ID} {
			var running, done struct {
				CompletionStatus *string `json:"completionStatus"`
				Completed        *string `json:"completed"`
				Target           *struct {
					ID   string `json:"id"`
					Type string `json:"type"`
				} `json:"target"`
				Messages []struct {
					Type          string `json:"type"`
					LocalizedText struct {
						Message string `json:"message"`
					} `json:"localizedText"`
				} `json:"messages"`
			}
			_, r1 := get(t, ft, tok, Versions[version]+"/"+id)
			_, r2 := get(t, ft, tok, Versions[version]+"/"+id)
			if json.Unmarshal(r1, &running) != nil || json.Unmarshal(r2, &done) != nil {
				t.Fatalf("%s %s: %s / %s", version, id, r1, r2)
			}
			if running.CompletionStatus != nil || running.Completed != nil {
				t.Errorf("%s %s: first read is not running: %s", version, id, r1)
			}
			if done.CompletionStatus == nil || *done.CompletionStatus != "ERROR" || len(done.Messages) != 2 ||
				done.Messages[0].Type != "ERROR" || done.Messages[0].LocalizedText.Message != "Connection refused" {
				t.Errorf("%s %s: second read: %s", version, id, r2)
			}
			if id != proc.ID && (done.Target == nil || done.Target.ID != HRFileSourceID || done.Target.Type != "APPLICATION") {
				t.Errorf("%s %s: target %s", version, id, r2)
			}
		}
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("launches outside the spec:\n%s", strings.Join(p, "\n"))
	}

	got := ft.Launches()
	if len(got) != 15 || ft.LaunchCount(OperationIdentityProcessing) != 5 || ft.Count(IsLaunch) != 15 {
		t.Fatalf("%d launches recorded, %d processing, %d logged", len(got), ft.LaunchCount(OperationIdentityProcessing), ft.Count(IsLaunch))
	}
	for _, l := range got {
		switch l.Operation {
		case OperationAccountAggregation:
			if l.File == nil || l.File.Name != "people.csv" || string(l.File.Content) != "id,name\n1,Ada\n" || l.File.ContentType != "text/csv" ||
				l.DisableOptimization == nil || *l.DisableOptimization != "true" || l.SourceID != HRFileSourceID {
				t.Errorf("account aggregation recorded as %+v", l)
			}
		case OperationEntitlementAggregation:
			if l.File != nil || l.DisableOptimization != nil || l.SourceID != HRFileSourceID {
				t.Errorf("entitlement aggregation recorded as %+v", l)
			}
		case OperationIdentityProcessing:
			if strings.Join(l.IdentityIDs, ",") != "a1,b2" || l.SourceID != "" {
				t.Errorf("identity processing recorded as %+v", l)
			}
		}
	}
}

// What the tenant refuses, it refuses as the spec documents, naming why.
func TestLaunchRefusals(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	accounts, entitlements, process := launchPaths("v2025", "no-such-source")
	for _, path := range []string{accounts, entitlements} {
		status, body := post(t, ft, tok, path, "", nil, nil)
		if status != 400 || !strings.Contains(string(body), `\"no-such-source\" does not exist`) || !strings.Contains(string(body), "trackingId") {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	for _, tc := range []struct {
		body, want string
		header     map[string]string
	}{
		{`{"identityIds":["a"]}`, "X-SailPoint-Experimental", nil},
		{`{"identityIds":[]}`, "1 to 250", map[string]string{"X-SailPoint-Experimental": "true"}},
	} {
		status, body := post(t, ft, tok, process, "application/json", []byte(tc.body), tc.header)
		if status != 400 || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: %d %s", tc.body, status, body)
		}
	}
	if status, _ := get(t, ft, tok, accounts); status != http.StatusMethodNotAllowed {
		t.Errorf("GET on a launch path: %d", status)
	}
	if n := len(ft.Launches()); n != 0 {
		t.Errorf("%d refused launches recorded", n)
	}
	// Refused answers are documented ones; the requests that broke the
	// spec (no experimental header, no ids) are caught by the validator.
	problems := strings.Join(ft.Problems(), "\n")
	if len(ft.Problems()) != 2 || !strings.Contains(problems, "X-SailPoint-Experimental") || !strings.Contains(problems, "identityIds") {
		t.Errorf("problems:\n%s", problems)
	}

	// beta's account aggregation also takes a urlencoded form.
	accounts, _, _ = launchPaths("beta", WorkdaySourceID)
	status, body := post(t, ft, tok, accounts, "application/x-www-form-urlencoded", []byte(url.Values{"disableOptimization": {"false"}}.Encode()), nil)
	if status != 202 || *ft.Launches()[0].DisableOptimization != "false" {
		t.Errorf("urlencoded: %d %s", status, body)
	}
}

// A launched task shows in the list (sourceId filter, isnull) and in
// pending-tasks while it runs; listing counts as reading it.
func TestLaunchedTaskInListsWhileRunning(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.AddSource("src-new", "New Source")
	ft.ScriptLaunches(Script{RunningReads: 2})
	for _, version := range []string{"v2025", "beta"} {
		accounts, _, _ := launchPaths(version, "src-new")
		if status, body := post(t, ft, tok, accounts, "", nil, nil); status != 202 {
			t.Fatalf("%s: %d %s", version, status, body)
		}
	}
	filter := "?filters=" + url.QueryEscape(`sourceId eq "src-new" and completionStatus isnull`)
	counts := func(path string) int {
		status, body := get(t, ft, tok, path)
		if status == http.StatusNoContent {
			return 0
		}
		var page []json.RawMessage
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		return len(page)
	}
	// Two running tasks; each answer showing them is one of their two
	// running reads.
	if n := counts(Versions["v2025"] + filter); n != 2 {
		t.Errorf("list: %d running, want 2", n)
	}
	// pending-tasks also holds the queued fixture task.
	if n := counts(Versions["v2024"] + "/pending-tasks"); n != 3 {
		t.Errorf("pending: %d, want 3", n)
	}
	if n := counts(Versions["beta"] + "/pending-tasks"); n != 1 {
		t.Errorf("pending after the runs: %d, want 1", n)
	}
	if n := counts(Versions["v2025"] + "/pending-tasks?offset=1"); n != 0 {
		t.Errorf("pending past the end: %d, want 0 (204)", n)
	}
	if status, _ := get(t, ft, tok, Versions["v2024"]+filter); status != 400 {
		t.Errorf("isnull on v2024: %d, want 400 (v2024 lists completed tasks only)", status)
	}
	if status, _ := get(t, ft, tok, Versions["v2026"]+"/pending-tasks"); status != 404 {
		t.Errorf("pending-tasks on v2026: %d, want 404", status)
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("answers outside the spec:\n%s", strings.Join(p, "\n"))
	}
}
