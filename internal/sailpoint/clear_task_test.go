package sailpoint_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A task left pending two days ago is cleared with one PATCH at each
// version's path; the answer is the updated task, later reads and the
// running-task check see it finished, and a task pending for an hour is
// left alone.
func TestClearTaskEveryVersion(t *testing.T) {
	ft := faketenant.StartChecked(t)
	ft.AddSource("src-stuck", "Stuck")
	now := ft.Now()
	cleared := time.Date(2026, 11, 28, 13, 30, 0, 250e6, time.FixedZone("CET", 3600)) // 12:30:00.250 UTC
	for _, v := range sailpoint.APIVersions {
		c := tenantClient(t, ft, v)
		ctx := context.Background()
		stuck, busy := "stuck-"+v, "busy-"+v
		ft.PutPendingTask(faketenant.PendingTask{ID: stuck, SourceID: "src-stuck", Created: now.Add(-48 * time.Hour), Launched: now.Add(-48 * time.Hour)})
		ft.PutPendingTask(faketenant.PendingTask{ID: busy, SourceID: "src-stuck", Created: now.Add(-time.Hour), Launched: now.Add(-time.Hour)})
		if running, err := c.RunningTasksForSource(ctx, "src-stuck"); err != nil || len(running) != 2 {
			t.Fatalf("%s: %d running, %v", v, len(running), err)
		}
		ft.ResetLog()
		before := len(ft.Patches())

		ts, err := c.ClearTask(ctx, stuck, "ERROR", cleared)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if ts.ID != stuck || ts.CompletionStatus == nil || *ts.CompletionStatus != "ERROR" || ts.Completed == nil ||
			*ts.Completed != "2026-11-28T12:30:00.250Z" || *ts.Created != "2026-11-26T12:00:00.000Z" || !ts.IsFinished() {
			t.Errorf("%s: answer %+v", v, ts)
		}
		want := "/" + v + "/task-status/" + stuck
		if v == sailpoint.APIVersionV1 {
			want = "/task-status/v1/" + stuck
		}
		var patches []faketenant.Request
		for _, r := range ft.Requests() {
			if faketenant.IsPatch(r) {
				patches = append(patches, r)
			}
		}
		if len(patches) != 1 || patches[0].Path != want || patches[0].Header.Get("Content-Type") != "application/json-patch+json" {
			t.Errorf("%s: PATCHes %+v", v, patches)
		}
		applied := ft.Patches()[before:]
		if len(applied) != 1 || applied[0].TaskID != stuck || applied[0].Version != v || len(applied[0].Operations) != 2 ||
			applied[0].Operations[0].Path != "/completionStatus" || string(applied[0].Operations[0].Value) != `"ERROR"` ||
			applied[0].Operations[1].Path != "/completed" || string(applied[0].Operations[1].Value) != `"2026-11-28T12:30:00.250Z"` {
			t.Errorf("%s: applied %+v", v, applied)
		}

		if read, err := c.GetTaskStatus(ctx, stuck); err != nil || !read.IsFinished() {
			t.Errorf("%s: read after clearing: %+v %v", v, read, err)
		}
		running, err := c.RunningTasksForSource(ctx, "src-stuck")
		if err != nil || len(running) != 1 || running[0].ID != busy {
			t.Errorf("%s: running after clearing: %+v %v", v, running, err)
		}
		// Leave the source idle for the next version.
		if _, err := c.ClearTask(ctx, busy, "terminated", now); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
	}
}

// The PATCH exactly as sent: method, content type, and a JSON Patch body of
// the two replacements, the time in UTC.
func TestClearTaskRequestAsSent(t *testing.T) {
	type sent struct {
		method, path, contentType string
		ops                       []map[string]any
	}
	var got []sent
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var ops []map[string]any
		if err := json.Unmarshal(b, &ops); err != nil {
			t.Errorf("body %s: %v", b, err)
		}
		got = append(got, sent{r.Method, r.URL.Path, r.Header.Get("Content-Type"), ops})
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"00eebcf881994e419d72e757fd30dc0e","completionStatus":"TERMINATED","completed":"2026-11-28T09:00:00.000Z"}`)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
	at := time.Date(2026, 11, 28, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	ts, err := c.ClearTask(context.Background(), "00eebcf881994e419d72e757fd30dc0e", "Terminated", at)
	if err != nil || *ts.CompletionStatus != "TERMINATED" {
		t.Fatalf("%+v %v", ts, err)
	}
	if len(got) != 1 || got[0].method != "PATCH" || got[0].path != "/task-status/v1/00eebcf881994e419d72e757fd30dc0e" || got[0].contentType != "application/json-patch+json" {
		t.Fatalf("sent %+v", got)
	}
	want := `[{"op":"replace","path":"/completionStatus","value":"TERMINATED"},{"op":"replace","path":"/completed","value":"2026-11-28T09:00:00.000Z"}]`
	if b, _ := json.Marshal(got[0].ops); string(b) != want {
		t.Errorf("body %s, want %s", b, want)
	}
}

// Only ERROR and TERMINATED, a set time and a path-safe id are sent.
func TestClearTaskArgumentsRefused(t *testing.T) {
	ft := startTenant(t)
	c := tenantClient(t, ft, "v2026")
	now := time.Now()
	for _, tc := range []struct {
		id, status string
		at         time.Time
		want       string
	}{
		{"t1", "SUCCESS", now, "ERROR or TERMINATED"},
		{"t1", "TEMPERROR", now, "ERROR or TERMINATED"},
		{"t1", "", now, "ERROR or TERMINATED"},
		{"t1", "ERROR", time.Time{}, "completion time"},
		{"a/b", "ERROR", now, "task id"},
		{"", "ERROR", now, "task id"},
	} {
		if _, err := c.ClearTask(context.Background(), tc.id, tc.status, tc.at); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %q: %v, want %q", tc.id, tc.status, err, tc.want)
		}
		if err := sailpoint.ValidateClearTask(tc.id, tc.status, tc.at); err == nil {
			t.Errorf("%q %q: valid", tc.id, tc.status)
		}
	}
	if n := len(ft.Requests()); n != 0 {
		t.Errorf("%d requests for refused arguments", n)
	}
}

// A refusal (403: the scope or user level is missing) and an unknown task
// (404) are *APIErrors naming the PATCH, sent once; a 5xx is retried, since
// replacing the same two fields again is harmless; an answer about another
// task is refused.
func TestClearTaskErrors(t *testing.T) {
	ft := faketenant.StartChecked(t)
	ft.PutPendingTask(faketenant.PendingTask{ID: "pending-1", Created: ft.Now().Add(-48 * time.Hour)})
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		APIVersion: "v2025", RetryMax: 2})
	ctx := context.Background()
	now := ft.Now()

	ft.Inject(faketenant.Fault{Path: "/v2025/task-status/", Status: 403,
		Body: `{"detailCode":"403 Forbidden","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"The server understood the request but refuses to authorize it."}]}`})
	_, err := c.ClearTask(ctx, "pending-1", "ERROR", now)
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.Method != "PATCH" || apiErr.Path != "/v2025/task-status/pending-1" ||
		apiErr.Attempts != 1 || !strings.Contains(apiErr.Message(), "refuses to authorize") || sailpoint.RequestMethod(err) != "PATCH" {
		t.Errorf("403: %v", err)
	}
	if _, err := c.ClearTask(ctx, "no-such-task", "ERROR", now); !sailpoint.IsNotFound(err) {
		t.Errorf("unknown task: %v", err)
	}
	if n := ft.Count(faketenant.IsPatch); n != 2 || len(ft.Patches()) != 0 {
		t.Errorf("%d PATCHes, %d applied", n, len(ft.Patches()))
	}

	ft.Inject(faketenant.Fault{Path: "/v2025/task-status/", Status: 500, Body: `{"detailCode":"500.0 Internal Fault","trackingId":"t","messages":[]}`})
	if ts, err := c.ClearTask(ctx, "pending-1", "ERROR", now); err != nil || !ts.IsFinished() {
		t.Errorf("after a 500: %+v %v", ts, err)
	}
	if n := ft.Count(faketenant.IsPatch); n != 4 || len(ft.Patches()) != 1 {
		t.Errorf("%d PATCHes, %d applied; want 4 and 1", n, len(ft.Patches()))
	}

	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"another-task","completionStatus":"ERROR","completed":"2026-11-28T12:00:00Z"}`)
	})
	_, err = newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"}).ClearTask(ctx, "pending-1", "ERROR", now)
	var decodeErr *sailpoint.DecodeError
	if !errors.Is(err, sailpoint.ErrWrongTask) || !errors.As(err, &decodeErr) || decodeErr.Method != "PATCH" || sailpoint.IsTransient(err) {
		t.Errorf("another task: %v", err)
	}
}
