package faketenant

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func patch(t *testing.T, ft *Tenant, bearer, path, contentType, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPatch, ft.URL()+path, bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+bearer)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

const clearBody = `[{"op":"replace","path":"/completionStatus","value":"ERROR"},{"op":"replace","path":"/completed","value":"2026-11-28T11:59:00.000Z"}]`

type shownTask struct {
	ID               string  `json:"id"`
	Created          string  `json:"created"`
	Launched         *string `json:"launched"`
	Completed        *string `json:"completed"`
	CompletionStatus *string `json:"completionStatus"`
}

// listIDs lists the ids of a list or pending-tasks answer.
func listIDs(t *testing.T, ft *Tenant, bearer, path string) []string {
	t.Helper()
	status, body := get(t, ft, bearer, path)
	if status == http.StatusNoContent {
		return nil
	}
	var page []shownTask
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("%d %s", status, body)
	}
	var ids []string
	for _, ts := range page {
		ids = append(ids, ts.ID)
	}
	return ids
}

// A pending task stays pending on every read and list until a PATCH clears
// it; from then on every read, list and pending-tasks shows it finished.
func TestPendingTaskUntilCleared(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.AddSource("src-stuck", "Stuck Source")
	now := ft.Now()
	old := ft.PutPendingTask(PendingTask{ID: "stuck-2d", SourceID: "src-stuck", Created: now.Add(-48 * time.Hour), Launched: now.Add(-47 * time.Hour)})
	ft.PutPendingTask(PendingTask{ID: "busy-1h", SourceID: "src-stuck", Created: now.Add(-time.Hour)})
	var shown shownTask
	if err := json.Unmarshal(old, &shown); err != nil || shown.Created != "2026-11-26T12:00:00.000Z" || shown.Launched == nil || *shown.Launched != "2026-11-26T13:00:00.000Z" ||
		!strings.Contains(string(old), `"target":{"id":"src-stuck","name":"Stuck Source [source]","type":"APPLICATION"}`) {
		t.Fatalf("stored %s", old)
	}

	running := Versions["v2025"] + "?filters=" + url.QueryEscape(`sourceId eq "src-stuck" and completionStatus isnull`)
	for range 5 {
		if _, body := get(t, ft, tok, Versions["v1"]+"/stuck-2d"); !strings.Contains(string(body), `"completionStatus":null`) {
			t.Fatalf("not pending: %s", body)
		}
		if ids := listIDs(t, ft, tok, running); strings.Join(ids, " ") != "stuck-2d busy-1h" {
			t.Fatalf("running on the source: %v", ids)
		}
	}

	status, body := patch(t, ft, tok, Versions["v2024"]+"/stuck-2d", "application/json-patch+json", clearBody)
	if err := json.Unmarshal(body, &shown); status != 200 || err != nil || shown.ID != "stuck-2d" || shown.CompletionStatus == nil || *shown.CompletionStatus != "ERROR" ||
		shown.Completed == nil || *shown.Completed != "2026-11-28T11:59:00.000Z" || shown.Created != "2026-11-26T12:00:00.000Z" {
		t.Fatalf("PATCH: %d %s", status, body)
	}
	for version, prefix := range Versions {
		_, body := get(t, ft, tok, prefix+"/stuck-2d")
		if err := json.Unmarshal(body, &shown); err != nil || shown.CompletionStatus == nil || *shown.CompletionStatus != "ERROR" {
			t.Errorf("%s: read after the PATCH: %s", version, body)
		}
	}
	if ids := listIDs(t, ft, tok, running); strings.Join(ids, " ") != "busy-1h" {
		t.Errorf("running after the PATCH: %v", ids)
	}
	if ids := listIDs(t, ft, tok, Versions["beta"]+"/pending-tasks"); strings.Contains(strings.Join(ids, " "), "stuck-2d") ||
		!strings.Contains(strings.Join(ids, " "), "busy-1h") {
		t.Errorf("pending after the PATCH: %v", ids)
	}
	errored := Versions["v1"] + "?filters=" + url.QueryEscape(`sourceId eq "src-stuck" and completionStatus eq "ERROR"`)
	if ids := listIDs(t, ft, tok, errored); strings.Join(ids, " ") != "stuck-2d" {
		t.Errorf("failed tasks of the source: %v", ids)
	}

	patches := ft.Patches()
	if len(patches) != 1 || ft.Count(IsPatch) != 1 || patches[0].TaskID != "stuck-2d" || patches[0].Version != "v2024" ||
		patches[0].ContentType != "application/json-patch+json" || len(patches[0].Operations) != 2 ||
		patches[0].Operations[0].Op != "replace" || patches[0].Operations[1].Path != "/completed" || string(patches[0].Operations[0].Value) != `"ERROR"` {
		t.Errorf("patches %+v", patches)
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// A PATCH clears a launched task that its script still runs.
func TestPatchClearsALaunchedTask(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.ScriptLaunches(Script{RunningReads: 100})
	_, accountReset, _, _ := sourceLaunchPaths("v1", ActiveDirectorySourceID)
	if status, body := post(t, ft, tok, accountReset, "", nil, nil); status != 202 {
		t.Fatalf("%d %s", status, body)
	}
	id := ft.Launches()[0].TaskID
	body := `[{"op":"replace","path":"/completionStatus","value":"TERMINATED"},{"op":"replace","path":"/completed","value":"2026-11-28T12:00:00Z"}]`
	if status, answer := patch(t, ft, tok, Versions["v1"]+"/"+id, "application/json-patch+json", body); status != 200 {
		t.Fatalf("%d %s", status, answer)
	}
	_, read := get(t, ft, tok, Versions["v1"]+"/"+id)
	var shown shownTask
	if err := json.Unmarshal(read, &shown); err != nil || shown.CompletionStatus == nil || *shown.CompletionStatus != "TERMINATED" || shown.Completed == nil {
		t.Errorf("after the PATCH: %s", read)
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// Anything but a replace of the two fields, with values a TaskStatus can
// hold, is refused with 400; an unknown task is 404. Both as
// ErrorResponseDto, and nothing changes.
func TestPatchRefusals(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.PutPendingTask(PendingTask{ID: "pending", SourceID: WorkdaySourceID, Created: ft.Now().Add(-time.Hour)})
	path := Versions["v2026"] + "/pending"
	const jsonPatch = "application/json-patch+json"
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
	}{
		{"another path", jsonPatch, `[{"op":"replace","path":"/description","value":"x"}]`, 400},
		{"another op", jsonPatch, `[{"op":"add","path":"/completionStatus","value":"ERROR"}]`, 400},
		{"the spec example's status spelling", jsonPatch, `[{"op":"replace","path":"/completionStatus","value":"Error"}]`, 400},
		{"the spec example's v2024 timestamp", jsonPatch, `[{"op":"replace","path":"/completed","value":"2024-05-17 19:33:16.470000+00:00"}]`, 400},
		{"a null value", jsonPatch, `[{"op":"replace","path":"/completionStatus","value":null}]`, 400},
		{"not an array", jsonPatch, `{"op":"replace"}`, 400},
		{"plain JSON", "application/json", clearBody, 400},
	} {
		status, body := patch(t, ft, tok, path, tc.contentType, tc.body)
		if status != tc.status || !strings.Contains(string(body), "trackingId") {
			t.Errorf("%s: %d %s", tc.name, status, body)
		}
	}
	if status, body := patch(t, ft, tok, Versions["beta"]+"/no-such-task", jsonPatch, clearBody); status != 404 || !strings.Contains(string(body), "404 Not found") {
		t.Errorf("unknown task: %d %s", status, body)
	}
	if status, body := patch(t, ft, tok, Versions["v1"]+"/"+ExpiredTaskID, jsonPatch, clearBody); status != 404 {
		t.Errorf("expired task: %d %s", status, body)
	}
	if _, body := get(t, ft, tok, path); !strings.Contains(string(body), `"completionStatus":null`) {
		t.Errorf("a refused PATCH changed the task: %s", body)
	}
	if n := len(ft.Patches()); n != 0 || ft.Count(IsPatch) != 9 {
		t.Errorf("%d patches applied, %d logged", n, ft.Count(IsPatch))
	}
	// The answers are documented ones; the requests that broke the spec (a
	// null value, an object for the array, another content type) are
	// caught by the validator.
	problems := strings.Join(ft.Problems(), "\n")
	if len(ft.Problems()) != 3 || !strings.Contains(problems, "not nullable") || !strings.Contains(problems, "must be an array") ||
		!strings.Contains(problems, `Content-Type has unexpected value "application/json"`) {
		t.Errorf("%d problems:\n%s", len(ft.Problems()), problems)
	}
}
