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

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
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
	if len(got) != 15 || ft.LaunchCount(sailpoint.IdentityProcessingOp.Name) != 5 || ft.Count(IsLaunch) != 15 {
		t.Fatalf("%d launches recorded, %d processing, %d logged", len(got), ft.LaunchCount(sailpoint.IdentityProcessingOp.Name), ft.Count(IsLaunch))
	}
	for _, l := range got {
		switch l.Operation {
		case sailpoint.AccountAggregationOp.Name:
			if l.File == nil || l.File.Name != "people.csv" || string(l.File.Content) != "id,name\n1,Ada\n" || l.File.ContentType != "text/csv" ||
				l.DisableOptimization == nil || *l.DisableOptimization != "true" || l.SourceID != HRFileSourceID {
				t.Errorf("account aggregation recorded as %+v", l)
			}
		case sailpoint.EntitlementAggregationOp.Name:
			if l.File != nil || l.DisableOptimization != nil || l.SourceID != HRFileSourceID {
				t.Errorf("entitlement aggregation recorded as %+v", l)
			}
		case sailpoint.IdentityProcessingOp.Name:
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

// sourceLaunchPaths are the paths of the four later launches on a version
// for a source id; machine identity aggregation is "" where the version
// has none.
func sourceLaunchPaths(version, source string) (uncorrelated, accountReset, entitlementReset, machineIdentity string) {
	if version == "v1" {
		return "/sources/v1/" + source + "/load-uncorrelated-accounts", "/sources/v1/" + source + "/remove-accounts",
			"/entitlements/v1/reset/sources/" + source, "/sources/v1/" + source + "/aggregate-agents"
	}
	uncorrelated = "/" + version + "/sources/" + source + "/load-uncorrelated-accounts"
	accountReset = "/" + version + "/sources/" + source + "/remove-accounts"
	entitlementReset = "/" + version + "/entitlements/reset/sources/" + source
	if version == "v2025" || version == "v2026" {
		machineIdentity = "/" + version + "/sources/" + source + "/aggregate-agents"
	}
	return uncorrelated, accountReset, entitlementReset, machineIdentity
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// The four later launches on every version that has them: requests and
// answers match the spec (202, or 200 for machine identity aggregation),
// the id sits where each schema puts it, the launch is recorded as sent,
// and its task runs on the source as scripted.
func TestLaterLaunchesEveryVersion(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.ScriptLaunches(Script{RunningReads: 1, Status: "TEMPERROR", Messages: []Message{{Type: "ERROR", Text: "The source is busy"}}})
	experimental := map[string]string{"X-SailPoint-Experimental": "true"}

	wantLaunches := 0
	for version := range Versions {
		uncorrelated, accountReset, entitlementReset, machineIdentity := sourceLaunchPaths(version, HRFileSourceID)
		var ids []string

		ct, body := multipartBody(t, "uncorrelated.csv", "id\n7\n", nil)
		status, a := post(t, ft, tok, uncorrelated, ct, body, nil)
		var unc struct {
			Success bool `json:"success"`
			Task    struct {
				ID      string         `json:"id"`
				Returns map[string]any `json:"returns"`
			} `json:"task"`
		}
		if status != 202 || json.Unmarshal(a, &unc) != nil || !unc.Success || !hex32.MatchString(unc.Task.ID) {
			t.Fatalf("%s uncorrelated: %d %s", version, status, a)
		}
		ids = append(ids, unc.Task.ID)

		status, a = post(t, ft, tok, accountReset, "", nil, nil)
		var reset struct {
			Type string  `json:"type"`
			ID   string  `json:"id"`
			Name *string `json:"name"`
		}
		if status != 202 || json.Unmarshal(a, &reset) != nil || reset.Type != "TASK_RESULT" || !hex32.MatchString(reset.ID) || reset.Name != nil {
			t.Fatalf("%s account reset: %d %s", version, status, a)
		}
		ids = append(ids, reset.ID)

		status, a = post(t, ft, tok, entitlementReset, "", nil, nil)
		var entReset struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		}
		if status != 202 || json.Unmarshal(a, &entReset) != nil || entReset.Type != "TASK_RESULT" || !hex32.MatchString(entReset.ID) {
			t.Fatalf("%s entitlement reset: %d %s", version, status, a)
		}
		ids = append(ids, entReset.ID)
		wantLaunches += 3

		if machineIdentity != "" {
			status, a = post(t, ft, tok, machineIdentity, "application/json", []byte(`{"datasetIds":["ds-1","ds-2"],"disableOptimization":true}`), experimental)
			var mia struct {
				ID               string  `json:"id"`
				CompletionStatus *string `json:"completionStatus"`
				Target           struct {
					ID string `json:"id"`
				} `json:"target"`
			}
			if status != 200 || json.Unmarshal(a, &mia) != nil || !uuidPattern.MatchString(mia.ID) || mia.CompletionStatus != nil || mia.Target.ID != HRFileSourceID {
				t.Fatalf("%s machine identity aggregation: %d %s", version, status, a)
			}
			ids = append(ids, mia.ID)
			wantLaunches++
		}

		for _, id := range ids {
			var running, done struct {
				CompletionStatus *string `json:"completionStatus"`
				Target           *struct {
					ID string `json:"id"`
				} `json:"target"`
				Messages []json.RawMessage `json:"messages"`
			}
			_, r1 := get(t, ft, tok, Versions[version]+"/"+id)
			_, r2 := get(t, ft, tok, Versions[version]+"/"+id)
			if json.Unmarshal(r1, &running) != nil || json.Unmarshal(r2, &done) != nil {
				t.Fatalf("%s %s: %s / %s", version, id, r1, r2)
			}
			if running.CompletionStatus != nil || done.CompletionStatus == nil || *done.CompletionStatus != "TEMPERROR" || len(done.Messages) != 1 {
				t.Errorf("%s %s: reads %s / %s", version, id, r1, r2)
			}
			if done.Target == nil || done.Target.ID != HRFileSourceID {
				t.Errorf("%s %s: target %s", version, id, r2)
			}
		}
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("launches outside the spec:\n%s", strings.Join(p, "\n"))
	}

	got := ft.Launches()
	if len(got) != wantLaunches || ft.LaunchCount(sailpoint.MachineIdentityAggregationOp.Name) != 3 || ft.Count(IsLaunch) != wantLaunches {
		t.Fatalf("%d launches recorded (want %d), %d machine identity, %d logged", len(got), wantLaunches, ft.LaunchCount(sailpoint.MachineIdentityAggregationOp.Name), ft.Count(IsLaunch))
	}
	for _, l := range got {
		if l.SourceID != HRFileSourceID || l.TaskID == "" {
			t.Errorf("recorded as %+v", l)
		}
		switch l.Operation {
		case sailpoint.UncorrelatedAccountImportOp.Name:
			if l.File == nil || l.File.Name != "uncorrelated.csv" || string(l.File.Content) != "id\n7\n" || l.DisableOptimization != nil {
				t.Errorf("uncorrelated account import recorded as %+v", l)
			}
		case sailpoint.SourceAccountResetOp.Name, sailpoint.SourceEntitlementResetOp.Name:
			if l.File != nil || l.ContentType != "" || l.DisableOptimization != nil {
				t.Errorf("%s recorded as %+v", l.Operation, l)
			}
		case sailpoint.MachineIdentityAggregationOp.Name:
			if strings.Join(l.DatasetIDs, ",") != "ds-1,ds-2" || l.DisableOptimization == nil || *l.DisableOptimization != "true" ||
				l.Experimental != "true" || l.ContentType != "application/json" {
				t.Errorf("machine identity aggregation recorded as %+v", l)
			}
		default:
			t.Errorf("unexpected launch %+v", l)
		}
	}
}

// The later launches refuse what the spec says they need, naming why; a
// version without machine identity aggregation does not know the path.
func TestLaterLaunchRefusals(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	experimental := map[string]string{"X-SailPoint-Experimental": "true"}
	ids := []byte(`{"datasetIds":["ds-1"]}`)

	uncorrelated, accountReset, entitlementReset, machineIdentity := sourceLaunchPaths("v2026", "no-such-source")
	ct, body := multipartBody(t, "u.csv", "id\n", nil)
	for _, tc := range []struct {
		path, contentType string
		body              []byte
		header            map[string]string
	}{
		{uncorrelated, ct, body, nil},
		{accountReset, "", nil, nil},
		{entitlementReset, "", nil, nil},
		{machineIdentity, "application/json", ids, experimental},
	} {
		status, answer := post(t, ft, tok, tc.path, tc.contentType, tc.body, tc.header)
		if status != 400 || !strings.Contains(string(answer), `\"no-such-source\" does not exist`) || !strings.Contains(string(answer), "trackingId") {
			t.Errorf("%s: %d %s", tc.path, status, answer)
		}
	}

	uncorrelated, _, _, machineIdentity = sourceLaunchPaths("v1", WorkdaySourceID)
	for _, tc := range []struct {
		name, path, contentType string
		body                    []byte
		header                  map[string]string
		want                    string
	}{
		{"no experimental header", machineIdentity, "application/json", ids, nil, "X-SailPoint-Experimental"},
		{"no datasetIds", machineIdentity, "application/json", []byte(`{}`), experimental, "datasetIds is required"},
		{"a string for a boolean", machineIdentity, "application/json", []byte(`{"datasetIds":["a"],"disableOptimization":"true"}`), experimental, "disableOptimization is not valid"},
		{"no file", uncorrelated, "", nil, nil, "File is required for upload"},
	} {
		status, answer := post(t, ft, tok, tc.path, tc.contentType, tc.body, tc.header)
		if status != 400 || !strings.Contains(string(answer), tc.want) {
			t.Errorf("%s: %d %s", tc.name, status, answer)
		}
	}
	// Refused answers are documented ones; the three requests that broke
	// the spec are caught by the validator (the missing file is the
	// description's rule, not the schema's).
	problems := strings.Join(ft.Problems(), "\n")
	if len(ft.Problems()) != 3 || !strings.Contains(problems, "X-SailPoint-Experimental") || !strings.Contains(problems, "datasetIds") ||
		!strings.Contains(problems, "disableOptimization") {
		t.Errorf("%d problems:\n%s", len(ft.Problems()), problems)
	}

	for _, version := range []string{"beta", "v2024"} {
		path := "/" + version + "/sources/" + WorkdaySourceID + "/aggregate-agents"
		if status, answer := post(t, ft, tok, path, "application/json", ids, experimental); status != 404 || !strings.Contains(string(answer), "404 Not found") {
			t.Errorf("%s: %d %s", path, status, answer)
		}
	}
	_, accountReset, _, _ = sourceLaunchPaths("v2025", WorkdaySourceID)
	if status, _ := get(t, ft, tok, accountReset); status != http.StatusMethodNotAllowed {
		t.Errorf("GET on %s: %d", accountReset, status)
	}
	if n := len(ft.Launches()); n != 0 {
		t.Errorf("%d refused launches recorded", n)
	}
}

// Scripts are taken per launch, whatever the operation: TEMPERROR, then
// SUCCESS on the second attempt.
func TestScriptedRetryOfEveryOperation(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	accounts, entitlements, process := launchPaths("v2025", WorkdaySourceID)
	uncorrelated, accountReset, entitlementReset, machineIdentity := sourceLaunchPaths("v2025", WorkdaySourceID)
	csvType, csv := multipartBody(t, "a.csv", "id\n", nil)
	experimental := map[string]string{"X-SailPoint-Experimental": "true"}
	for _, tc := range []struct {
		path, contentType string
		body              []byte
		header            map[string]string
	}{
		{accounts, "", nil, nil},
		{entitlements, "", nil, nil},
		{process, "application/json", []byte(`{"identityIds":["a"]}`), experimental},
		{uncorrelated, csvType, csv, nil},
		{accountReset, "", nil, nil},
		{entitlementReset, "", nil, nil},
		{machineIdentity, "application/json", []byte(`{"datasetIds":["d"]}`), experimental},
	} {
		ft.ScriptLaunches(Script{RunningReads: 0, Status: "TEMPERROR"}, Script{RunningReads: 0, Status: "SUCCESS"})
		var ends []string
		for range 2 {
			status, answer := post(t, ft, tok, tc.path, tc.contentType, tc.body, tc.header)
			if status/100 != 2 {
				t.Fatalf("%s: %d %s", tc.path, status, answer)
			}
			id := ft.Launches()[len(ft.Launches())-1].TaskID
			_, read := get(t, ft, tok, Versions["v2025"]+"/"+id)
			var ts struct {
				CompletionStatus string `json:"completionStatus"`
			}
			_ = json.Unmarshal(read, &ts)
			ends = append(ends, ts.CompletionStatus)
		}
		if strings.Join(ends, " ") != "TEMPERROR SUCCESS" {
			t.Errorf("%s: ended %v", tc.path, ends)
		}
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("answers outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// A task a later launch started is running on its source: the list's
// sourceId filter and pending-tasks show it until it ends.
func TestLaterLaunchesRunOnTheirSource(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.AddSource("src-reset", "Reset Me")
	ft.ScriptLaunches(Script{RunningReads: 1})
	_, accountReset, _, _ := sourceLaunchPaths("v2025", "src-reset")
	if status, body := post(t, ft, tok, accountReset, "", nil, nil); status != 202 {
		t.Fatalf("%d %s", status, body)
	}
	filter := Versions["v2026"] + "?filters=" + url.QueryEscape(`sourceId eq "src-reset" and completionStatus isnull`)
	_, first := get(t, ft, tok, filter)
	_, second := get(t, ft, tok, filter)
	var page1, page2 []json.RawMessage
	if json.Unmarshal(first, &page1) != nil || json.Unmarshal(second, &page2) != nil || len(page1) != 1 || len(page2) != 0 {
		t.Errorf("running on the source: %s, then %s", first, second)
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("answers outside the spec:\n%s", strings.Join(p, "\n"))
	}
}
