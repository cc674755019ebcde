package sailpoint_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func TestGetTaskStatusEveryVersion(t *testing.T) {
	ft := startTenant(t)
	for _, v := range sailpoint.APIVersions {
		ts, err := tenantClient(t, ft, v).GetTaskStatus(context.Background(), faketenant.CompleteTaskID)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if ts.ID != faketenant.CompleteTaskID || *ts.CompletionStatus != "SUCCESS" || ts.Target == nil || *ts.Target.Name != "Active Directory [source]" {
			t.Errorf("%s: decoded %+v", v, ts)
		}
	}
}

func TestDecodeKeepsNullsAndUnknowns(t *testing.T) {
	ft := startTenant(t)
	c := tenantClient(t, ft, "v1")
	ts, err := c.GetTaskStatus(context.Background(), faketenant.RunningNullsTaskID)
	if err != nil {
		t.Fatal(err)
	}
	if ts.ParentName != nil || ts.Target != nil || ts.Completed != nil || ts.CompletionStatus != nil || ts.Progress != nil {
		t.Errorf("nullable fields not nil: %+v", ts)
	}
	if ts.Messages[0].LocalizedText != nil || ts.Messages[0].Parameters != nil && string(ts.Messages[0].Parameters) != "null" {
		t.Errorf("message nulls: %+v", ts.Messages[0])
	}
	if ts.IsFinished() {
		t.Error("a queued task counts as finished")
	}
	ts, err = c.GetTaskStatus(context.Background(), faketenant.BeyondSpecTaskID)
	if err != nil {
		t.Fatalf("a task beyond the spec failed to decode: %v", err)
	}
	if *ts.CompletionStatus != "PARTIAL_SUCCESS" || *ts.Type != "CLOUD_ACCOUNT_AGGREGATION" || *ts.Messages[0].Type != "NOTICE" {
		t.Errorf("unknown enum values not kept: %+v", ts)
	}
}

// Every status the spec lists for GET /task-status/{id}, with the bodies
// it documents, becomes an APIError carrying what the tenant said.
func TestErrorStatuses(t *testing.T) {
	dto := `{"detailCode":"%s","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"%s"}],"causes":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"a cause"}]}`
	for _, tc := range []struct {
		status       int
		body         string
		wantMessages []string
		wantTracking bool
	}{
		{400, fmt.Sprintf(dto, "400.1 Bad Request Content", "The request was syntactically correct but its content is semantically invalid."), []string{"The request was syntactically correct but its content is semantically invalid.", "a cause"}, true},
		{401, `{"error":"JWT validation failed: JWT is expired"}`, []string{"JWT validation failed: JWT is expired"}, false},
		{403, ``, nil, false},
		{404, ``, nil, false},
		{404, fmt.Sprintf(dto, "404 Not found", "The server did not find a current representation for the target resource."), []string{"The server did not find a current representation for the target resource.", "a cause"}, true},
		{429, `{"message":" Rate Limit Exceeded "}`, []string{"Rate Limit Exceeded"}, false},
		{500, fmt.Sprintf(dto, "500.0 Internal Fault", "An internal fault occurred."), []string{"An internal fault occurred.", "a cause"}, true},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 429 {
					w.Header().Set("Retry-After", "0")
				}
				if tc.body != "" {
					w.Header().Set("Content-Type", "application/json")
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			c := newClient(t, sailpoint.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret", RetryMax: 2})
			_, err := c.GetTaskStatus(context.Background(), "abc")
			var apiErr *sailpoint.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("got %T %v", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Path != "/task-status/v1/abc" {
				t.Errorf("status %d path %s", apiErr.StatusCode, apiErr.Path)
			}
			if strings.Join(apiErr.Messages, "|") != strings.Join(tc.wantMessages, "|") {
				t.Errorf("messages %q, want %q", apiErr.Messages, tc.wantMessages)
			}
			if got := apiErr.TrackingID != ""; got != tc.wantTracking {
				t.Errorf("trackingId %q", apiErr.TrackingID)
			}
			retried := tc.status == 429 || tc.status == 500
			if retried && apiErr.Attempts != 3 || !retried && apiErr.Attempts != 1 && tc.status != 401 {
				t.Errorf("attempts %d", apiErr.Attempts)
			}
			if tc.status == 404 && !sailpoint.IsNotFound(err) {
				t.Error("IsNotFound is false for a 404")
			}
		})
	}
}

func TestMalformedBodies(t *testing.T) {
	for _, tc := range []struct {
		name, body, contentType string
		want                    any
	}{
		{"truncated", `{"id":"abc","completionStatus":"SUC`, "application/json", &sailpoint.DecodeError{}},
		{"empty", ``, "application/json", &sailpoint.DecodeError{}},
		{"html", `<html><body>Bad gateway</body></html>`, "text/html", &sailpoint.DecodeError{}},
		{"trailing garbage", `{"id":"abc"} {"id":"def"}`, "application/json", &sailpoint.DecodeError{}},
		{"wrong type", `{"id":"abc","messages":"none"}`, "application/json", &sailpoint.DecodeError{}},
		{"too large", `{"id":"abc","description":"` + strings.Repeat("x", 2048) + `"}`, "application/json", &sailpoint.BodyTooLargeError{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				fmt.Fprint(w, tc.body)
			})
			c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", MaxBodyBytes: 1024})
			_, err := c.GetTaskStatus(context.Background(), "abc")
			switch tc.want.(type) {
			case *sailpoint.DecodeError:
				var de *sailpoint.DecodeError
				if !errors.As(err, &de) || de.ContentType != tc.contentType {
					t.Fatalf("got %T %v", err, err)
				}
			case *sailpoint.BodyTooLargeError:
				var be *sailpoint.BodyTooLargeError
				if !errors.As(err, &be) || be.Limit != 1024 {
					t.Fatalf("got %T %v", err, err)
				}
			}
		})
	}
}

func TestValidateTaskID(t *testing.T) {
	for _, bad := range []string{"", " ", "\t", " abc", "abc ", "a/b", "a?b", "a#b", "a%2Fb", "..", "a..b", "a\x00b", "a\nb", "a\x7fb", "\xff"} {
		if sailpoint.ValidateTaskID(bad) == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	for _, good := range []string{"2c91808a7813090a01781412a1110a30", "id12345", "a.b", "a b", "ünïcode"} {
		if err := sailpoint.ValidateTaskID(good); err != nil {
			t.Errorf("refused %q: %v", good, err)
		}
	}
}

func TestBadIDMakesNoRequest(t *testing.T) {
	ft := startTenant(t)
	_, err := tenantClient(t, ft, "v1").GetTaskStatus(context.Background(), "../../oauth/token")
	if err == nil || len(ft.Requests()) != 0 {
		t.Fatalf("err %v, %d requests", err, len(ft.Requests()))
	}
}

func TestListTaskStatusesPages(t *testing.T) {
	ft := startTenant(t)
	for i := range 620 {
		ft.PutTask([]byte(fmt.Sprintf(`{"id":"bulk-%03d","created":"2026-11-20T00:00:00Z","completionStatus":"SUCCESS","target":{"id":"src"}}`, i)))
	}
	c := tenantClient(t, ft, "beta")
	for _, tc := range []struct {
		limit     int
		filters   string
		wantCount int
		wantPages []string
	}{
		{600, `sourceId eq "src"`, 600, []string{"250@0", "250@250", "100@500"}},
		{0, `sourceId eq "src"`, 250, []string{"250@0"}},
		{10, "", 10, []string{"10@0"}},
		{1000, `sourceId eq "src"`, 620, []string{"250@0", "250@250", "250@500"}},
		{500, `sourceId eq "src"`, 500, []string{"250@0", "250@250"}},
		{100, `sourceId eq "none"`, 0, []string{"100@0"}},
	} {
		ft.ResetLog()
		tasks, err := c.ListTaskStatuses(context.Background(), sailpoint.ListOptions{Limit: tc.limit, Filters: tc.filters, Sorters: "created"})
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != tc.wantCount || tasks == nil {
			t.Errorf("limit %d: %d tasks, want %d", tc.limit, len(tasks), tc.wantCount)
		}
		var pages []string
		for _, r := range ft.Requests() {
			if faketenant.IsToken(r) {
				continue
			}
			if r.Path != "/beta/task-status" || r.Query.Get("filters") != tc.filters || r.Query.Get("sorters") != "created" {
				t.Errorf("request %s %v", r.Path, r.Query)
			}
			pages = append(pages, r.Query.Get("limit")+"@"+r.Query.Get("offset"))
		}
		if strings.Join(pages, " ") != strings.Join(tc.wantPages, " ") {
			t.Errorf("limit %d: pages %v, want %v", tc.limit, pages, tc.wantPages)
		}
	}
	_, err := c.ListTaskStatuses(context.Background(), sailpoint.ListOptions{Filters: `launcher eq "x"`})
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.TrackingID == "" || !strings.Contains(apiErr.Message(), "launcher") {
		t.Fatalf("bad filter: %v", err)
	}
}

// Ids that name no task or hide characters are refused.
func TestTaskIDHardened(t *testing.T) {
	for _, bad := range []string{".", "abc\u202edef", "abc\u200b", "\ufeffabc", "a\u2066b"} {
		if sailpoint.ValidateTaskID(bad) == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
