package faketenant

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func aggregationStatusPath(version, id string) string {
	if version == "v1" {
		return "/account-aggregations/v1/" + id + "/status"
	}
	return "/" + version + "/account-aggregations/" + id + "/status"
}

// A script gives an account aggregation successive status answers, one per
// read of the status endpoint, the last repeating; reads are counted.
func TestAggregationStatusScripted(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	statuses := []json.RawMessage{
		json.RawMessage(`{"start":"2026-11-28T12:00:00.000Z","status":"STARTED"}`),
		json.RawMessage(`{"start":"2026-11-28T12:00:00.000Z","status":"ACCOUNTS_COLLECTED","totalAccounts":520,"processedAccounts":150}`),
		json.RawMessage(`{"start":"2026-11-28T12:00:00.000Z","status":"COMPLETED","totalAccounts":520,"processedAccounts":520}`),
	}
	ft.ScriptLaunches(Script{RunningReads: 2, AggregationStatuses: statuses})
	for version := range Versions {
		accounts, _, _ := launchPaths(version, ActiveDirectorySourceID)
		if status, body := post(t, ft, tok, accounts, "", nil, nil); status != 202 {
			t.Fatalf("%s: %d %s", version, status, body)
		}
		id := ft.Launches()[len(ft.Launches())-1].TaskID
		ft.ResetLog()
		var got []string
		for range 4 {
			status, body := get(t, ft, tok, aggregationStatusPath(version, id))
			var s struct {
				Status string `json:"status"`
			}
			if status != 200 || json.Unmarshal(body, &s) != nil {
				t.Fatalf("%s: %d %s", version, status, body)
			}
			got = append(got, s.Status)
		}
		if strings.Join(got, " ") != "STARTED ACCOUNTS_COLLECTED COMPLETED COMPLETED" {
			t.Errorf("%s: statuses %v", version, got)
		}
		if n := ft.Count(IsAggregationStatusGet); n != 4 || ft.AggregationStatusReads(id) != 4 || ft.Count(IsTaskGet) != 0 {
			t.Errorf("%s: %d status GETs logged, %d read", version, n, ft.AggregationStatusReads(id))
		}
		// The status reads are not reads of the task.
		if ft.Reads(id) != 0 {
			t.Errorf("%s: the task was read %d times", version, ft.Reads(id))
		}
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// Unscripted, the status follows the task: STARTED while it runs,
// COMPLETED with counts once it has ended (beta's four fields only).
func TestAggregationStatusFromTheTask(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.ScriptLaunches(Script{RunningReads: 1})
	for _, version := range []string{"beta", "v2024", "v1"} {
		accounts, _, _ := launchPaths(version, ActiveDirectorySourceID)
		if status, body := post(t, ft, tok, accounts, "", nil, nil); status != 202 {
			t.Fatalf("%s: %d %s", version, status, body)
		}
		id := ft.Launches()[len(ft.Launches())-1].TaskID
		read := func() map[string]any {
			status, body := get(t, ft, tok, aggregationStatusPath(version, id))
			var s map[string]any
			if status != 200 || json.Unmarshal(body, &s) != nil {
				t.Fatalf("%s: %d %s", version, status, body)
			}
			return s
		}
		if s := read(); s["status"] != "STARTED" || s["start"] != "2026-11-28T12:00:00.000Z" || s["totalAccounts"] != nil {
			t.Errorf("%s running: %v", version, s)
		}
		get(t, ft, tok, Versions[version]+"/"+id) // the one running read
		get(t, ft, tok, Versions[version]+"/"+id)
		s := read()
		if s["status"] != "COMPLETED" || s["totalAccounts"] != float64(0) || s["processedAccounts"] != float64(0) {
			t.Errorf("%s ended: %v", version, s)
		}
		if _, extra := s["totalIdentities"]; extra == (version == "beta") {
			t.Errorf("%s ended: %v", version, s)
		}
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// Only account aggregations have a status: another task's id, an unknown
// one, are 404; a fault refuses it like any request; the route serves GET
// only.
func TestAggregationStatusRefusals(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	_, entitlements, _ := launchPaths("v2025", WorkdaySourceID)
	if status, body := post(t, ft, tok, entitlements, "", nil, nil); status != 202 {
		t.Fatalf("%d %s", status, body)
	}
	for _, id := range []string{ft.Launches()[0].TaskID, CompleteTaskID, "no-such-aggregation"} {
		if status, body := get(t, ft, tok, aggregationStatusPath("v2025", id)); status != 404 || !strings.Contains(string(body), "trackingId") {
			t.Errorf("%s: %d %s", id, status, body)
		}
	}
	ft.PutAccountAggregationStatus("scripted", json.RawMessage(`{"status":"CANCELLED"}`))
	ft.Inject(Fault{Path: "/v2026/account-aggregations/", Status: 403, Body: `{"detailCode":"403 Forbidden","trackingId":"t","messages":[]}`})
	if status, _ := get(t, ft, tok, aggregationStatusPath("v2026", "scripted")); status != 403 {
		t.Errorf("fault: %d", status)
	}
	if status, body := get(t, ft, tok, aggregationStatusPath("v2026", "scripted")); status != 200 || string(body) != `{"status":"CANCELLED"}` {
		t.Errorf("after the fault: %d %s", status, body)
	}
	if status, _ := post(t, ft, tok, aggregationStatusPath("v1", "scripted"), "", nil, nil); status != http.StatusMethodNotAllowed {
		t.Errorf("POST on the status: %d", status)
	}
	if n := ft.Count(IsAggregationStatusGet); n != 5 {
		t.Errorf("%d status GETs logged, want 5", n)
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// Paths no version has, or not this one, are 404 as unknown.
func TestUnknownLaunchPaths(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	for _, path := range []string{
		"/beta/sources/" + WorkdaySourceID + "/aggregate-agents",
		"/v2024/sources/" + WorkdaySourceID + "/aggregate-agents",
		"/v3/sources/" + WorkdaySourceID + "/remove-accounts",
		"/v3/account-aggregations/x/status",
		"/sources/v1/" + WorkdaySourceID + "/reset-everything",
		"/entitlements/v1/reset/" + WorkdaySourceID,
		"/account-aggregations/v1/x",
		"/v2025/account-aggregations/x/status/more",
		"/machine-identities/v1/" + WorkdaySourceID + "/aggregate-agents",
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			var status int
			var body []byte
			if method == http.MethodGet {
				status, body = get(t, ft, tok, path)
			} else {
				status, body = post(t, ft, tok, path, "application/json", []byte(`{"datasetIds":["d"]}`), map[string]string{"X-SailPoint-Experimental": "true"})
			}
			if status != 404 || !strings.Contains(string(body), "404 Not found") {
				t.Errorf("%s %s: %d %s", method, path, status, body)
			}
		}
	}
	if ft.Count(IsLaunch) != 0 || ft.Count(IsAggregationStatusGet) != 0 || len(ft.Launches()) != 0 {
		t.Error("an unknown path was taken for a known one")
	}
}
