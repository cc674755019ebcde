package sailpoint_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func boolPtr(b bool) *bool { return &b }

var dashedUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Each version's paths and headers, the parts as sent, and the task id
// read from where each answer puts it; the fake checks every request and
// answer against the spec.
func TestLaunchesEveryVersion(t *testing.T) {
	ft := faketenant.StartChecked(t)
	src := faketenant.HRFileSourceID
	for _, v := range sailpoint.APIVersions {
		prefix, procPath := "/"+v+"/sources/", "/"+v+"/identities/process"
		if v == sailpoint.APIVersionV1 {
			prefix, procPath = "/sources/v1/", "/identities/v1/process"
		}
		c := tenantClient(t, ft, v)
		ctx := context.Background()
		ft.ResetLog()
		before := len(ft.Launches())

		acc, err := sailpoint.AccountAggregationOp.Start(ctx, c, sailpoint.AccountAggregation{
			SourceID: src, DisableOptimization: boolPtr(false),
			File: &sailpoint.LaunchFile{Name: "people.csv", Content: []byte("id,name\n1,Ada\n")},
		})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		ent, err := sailpoint.EntitlementAggregationOp.Start(ctx, c, sailpoint.EntitlementAggregation{
			SourceID: src, File: &sailpoint.LaunchFile{Name: "groups.csv", Content: []byte("group\nadmins\n")},
		})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		proc, err := sailpoint.IdentityProcessingOp.Start(ctx, c, sailpoint.IdentityProcessing{IdentityIDs: []string{"id-1", "id-2"}})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}

		want := []sailpoint.Launch{
			{Operation: "account aggregation", Method: "POST", Path: prefix + src + "/load-accounts"},
			{Operation: "entitlement aggregation", Method: "POST", Path: prefix + src + "/load-entitlements"},
			{Operation: "identity processing", Method: "POST", Path: procPath},
		}
		recorded := ft.Launches()[before:]
		for i, got := range []*sailpoint.Launch{acc, ent, proc} {
			want[i].TaskID = recorded[i].TaskID
			if *got != want[i] {
				t.Errorf("%s: launch %+v, want %+v", v, *got, want[i])
			}
		}
		if !dashedUUID.MatchString(proc.TaskID) || len(acc.TaskID) != 32 || len(ent.TaskID) != 32 {
			t.Errorf("%s: ids %q %q %q", v, acc.TaskID, ent.TaskID, proc.TaskID)
		}
		a, e := recorded[0], recorded[1]
		if a.File == nil || a.File.Name != "people.csv" || string(a.File.Content) != "id,name\n1,Ada\n" || a.File.ContentType != "text/csv" ||
			a.DisableOptimization == nil || *a.DisableOptimization != "false" {
			t.Errorf("%s: account aggregation sent as %+v", v, a)
		}
		if e.File == nil || e.File.Name != "groups.csv" || string(e.File.Content) != "group\nadmins\n" || e.DisableOptimization != nil {
			t.Errorf("%s: entitlement aggregation sent as %+v", v, e)
		}
		if strings.Join(recorded[2].IdentityIDs, ",") != "id-1,id-2" {
			t.Errorf("%s: identity ids sent as %v", v, recorded[2].IdentityIDs)
		}
		for _, r := range ft.Requests() {
			if !faketenant.IsLaunch(r) {
				continue
			}
			got := r.Header.Get("X-SailPoint-Experimental")
			wantHeader := ""
			if r.Operation == sailpoint.IdentityProcessingOp.Name && v != sailpoint.APIVersionBeta {
				wantHeader = "true"
			}
			if got != wantHeader {
				t.Errorf("%s %s: X-SailPoint-Experimental %q, want %q", v, r.Operation, got, wantHeader)
			}
		}
		// The identity-processing id, a dashed UUID, reads back.
		ts, err := c.GetTaskStatus(ctx, proc.TaskID)
		if err != nil || ts.ID != proc.TaskID {
			t.Errorf("%s: reading %s: %v", v, proc.TaskID, err)
		}
	}
}

// No file and no flag: an empty multipart body, which the spec allows.
func TestAggregationWithoutBody(t *testing.T) {
	ft := faketenant.StartChecked(t)
	c := tenantClient(t, ft, "v2026")
	if _, err := sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{SourceID: faketenant.ActiveDirectorySourceID}); err != nil {
		t.Fatal(err)
	}
	l := ft.Launches()[0]
	if mt, _, _ := mime.ParseMediaType(l.ContentType); mt != "multipart/form-data" || l.File != nil || l.DisableOptimization != nil {
		t.Errorf("sent %+v", l)
	}
}

// The parts exactly as they go over the wire.
func TestMultipartPartsAsSent(t *testing.T) {
	type part struct{ name, file, contentType, body string }
	var parts []part
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			t.Errorf("not multipart: %v", err)
			return
		}
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"success":true,"task":{"id":"abc"}}`)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
	_, err := sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{
		SourceID: "src", DisableOptimization: boolPtr(true),
		File: &sailpoint.LaunchFile{Name: `we"ird.csv`, Content: []byte("a,b\r\n1,2\r\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []part{{"file", `we"ird.csv`, "text/csv", "a,b\r\n1,2\r\n"}, {"disableOptimization", "", "", "true"}}
	if fmt.Sprint(parts) != fmt.Sprint(want) {
		t.Errorf("parts %q, want %q", parts, want)
	}
}

// The id is read from task.id for account aggregation and from id for the
// others; an answer without a usable one is an error saying the task has
// probably started.
func TestLaunchTaskIDs(t *testing.T) {
	for _, tc := range []struct {
		op, body, wantID, wantErr string
	}{
		{"accounts", `{"success":true,"task":{"id":"2c918084"}}`, "2c918084", ""},
		{"accounts", `{"success":true,"id":"2c918084","task":{}}`, "", "no task id in task.id"},
		{"accounts", `{"success":true}`, "", "no task id in task.id"},
		{"entitlements", `{"id":"2c918085","task":{"id":"other"}}`, "2c918085", ""},
		{"entitlements", `{}`, "", "no task id in id"},
		{"process", `{"type":"TASK_RESULT","id":"78733556-9ea3-4f59-bf69-e5cd92b011b4","name":null}`, "78733556-9ea3-4f59-bf69-e5cd92b011b4", ""},
		{"process", `{"type":"TASK_RESULT"}`, "", "no task id in id"},
		{"process", `{"id":"../oauth/token"}`, "", "unusable task id"},
		{"process", `{"id":`, "", "not a valid TaskResultResponse"},
		{"uncorrelated", `{"success":true,"task":{"id":"90b83a6bb737489494794f84cd3a51e6","attributes":{"qpocJobId":"5d303d46-fc51-48cd-9c6d-4e211e3ab63c"}}}`, "90b83a6bb737489494794f84cd3a51e6", ""},
		{"uncorrelated", `{"success":true,"id":"90b83a6bb737489494794f84cd3a51e6","task":{}}`, "", "no task id in task.id"},
		{"uncorrelated", `{"success":true,"task":null}`, "", "no task id in task.id"},
		{"account reset", `{"type":"TASK_RESULT","id":"464ae7bf791e49fdb74606a2e4a89635","name":null}`, "464ae7bf791e49fdb74606a2e4a89635", ""},
		{"account reset", `{"type":"TASK_RESULT","task":{"id":"464ae7bf791e49fdb74606a2e4a89635"}}`, "", "no task id in id"},
		{"account reset", `[]`, "", "not a valid TaskResultDto"},
		{"entitlement reset", `{"type":"TASK_RESULT","id":"2c91808568c529c60168cca6f90c1313","name":"Entitlement Source Reset6c6"}`, "2c91808568c529c60168cca6f90c1313", ""},
		{"entitlement reset", `{"id":"a b/c"}`, "", "unusable task id"},
		{"machine identity", `{"id":"8886e5e3-63d0-462f-a195-d98da885b8dc","type":"QUARTZ","completionStatus":null}`, "8886e5e3-63d0-462f-a195-d98da885b8dc", ""},
		{"machine identity", `{"uniqueName":"AI Agent Aggregation"}`, "", "no task id in id"},
		{"machine identity", `{"id":"x"}{"id":"y"}`, "", "not a valid MachineIdentityAggregationResponse"},
	} {
		srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, tc.body)
		})
		c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
		l, err := launchOp(c, tc.op)
		if err == nil && l.Operation != launchOperations[tc.op] {
			t.Errorf("%s: operation %q", tc.op, l.Operation)
		}
		if tc.wantErr == "" {
			if err != nil || l.TaskID != tc.wantID {
				t.Errorf("%s %s: %+v %v", tc.op, tc.body, l, err)
			}
			continue
		}
		if err == nil || l != nil || !strings.Contains(err.Error(), tc.wantErr) || !sailpoint.MayHaveStarted(err) {
			t.Errorf("%s %s: %+v %v", tc.op, tc.body, l, err)
		}
	}
}

// launchOperations are the names launchOp takes, and the operation each
// starts.
var launchOperations = map[string]string{
	"accounts":          sailpoint.AccountAggregationOp.Name,
	"entitlements":      sailpoint.EntitlementAggregationOp.Name,
	"process":           sailpoint.IdentityProcessingOp.Name,
	"uncorrelated":      sailpoint.UncorrelatedAccountImportOp.Name,
	"account reset":     sailpoint.SourceAccountResetOp.Name,
	"entitlement reset": sailpoint.SourceEntitlementResetOp.Name,
	"machine identity":  sailpoint.MachineIdentityAggregationOp.Name,
}

func launchOp(c *sailpoint.Client, op string) (*sailpoint.Launch, error) {
	ctx := context.Background()
	src := "src"
	if c.APIVersion() != sailpoint.APIVersionV1 {
		src = faketenant.WorkdaySourceID
	}
	switch op {
	case "accounts":
		return sailpoint.AccountAggregationOp.Start(ctx, c, sailpoint.AccountAggregation{SourceID: src})
	case "entitlements":
		return sailpoint.EntitlementAggregationOp.Start(ctx, c, sailpoint.EntitlementAggregation{SourceID: src})
	case "uncorrelated":
		return sailpoint.UncorrelatedAccountImportOp.Start(ctx, c, sailpoint.UncorrelatedAccountImport{SourceID: src, File: &sailpoint.LaunchFile{Name: "u.csv", Content: []byte("id\n1\n")}})
	case "account reset":
		return sailpoint.SourceAccountResetOp.Start(ctx, c, sailpoint.SourceReset{SourceID: src})
	case "entitlement reset":
		return sailpoint.SourceEntitlementResetOp.Start(ctx, c, sailpoint.SourceReset{SourceID: src})
	case "machine identity":
		return sailpoint.MachineIdentityAggregationOp.Start(ctx, c, sailpoint.MachineIdentityAggregation{SourceID: src, DatasetIDs: []string{"ds-1"}})
	}
	return sailpoint.IdentityProcessingOp.Start(ctx, c, sailpoint.IdentityProcessing{IdentityIDs: []string{"id-1"}})
}

// Every error status the spec lists for the launches becomes an APIError
// naming POST, the tenant's message and trackingId; only 429 is resent.
func TestLaunchErrorStatuses(t *testing.T) {
	dto := `{"detailCode":"%s","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"%s"}]}`
	for _, tc := range []struct {
		status       int
		body, text   string
		wantTracking bool
		wantPosts    int
	}{
		{400, fmt.Sprintf(dto, "400.1 Bad Request Content", "The source does not exist."), "The source does not exist.", true, 1},
		{401, `{"error":"JWT validation failed: JWT is expired"}`, "JWT validation failed: JWT is expired", false, 1},
		{403, fmt.Sprintf(dto, "403 Forbidden", "The server understood the request but refuses to authorize it."), "refuses to authorize", true, 1},
		{404, fmt.Sprintf(dto, "404 Not found", "The server did not find a current representation for the target resource."), "did not find", true, 1},
		{429, `{"message":" Rate Limit Exceeded "}`, "Rate Limit Exceeded", false, 3},
		{500, fmt.Sprintf(dto, "500.0 Internal Fault", "An internal fault occurred."), "An internal fault occurred.", true, 1},
	} {
		for op := range launchOperations {
			var posts atomic.Int32
			srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
				posts.Add(1)
				if r.Method != http.MethodPost {
					t.Errorf("method %s", r.Method)
				}
				if tc.status == 429 {
					w.Header().Set("Retry-After", "0")
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", RetryMax: 2})
			_, err := launchOp(c, op)
			var apiErr *sailpoint.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("%d %s: got %T %v", tc.status, op, err, err)
			}
			if apiErr.Method != "POST" || apiErr.StatusCode != tc.status || !strings.Contains(apiErr.Message(), tc.text) ||
				(apiErr.TrackingID != "") != tc.wantTracking || !strings.HasPrefix(apiErr.Path, "/sources/v1/src/") && !strings.HasPrefix(apiErr.Path, "/identities/v1/") &&
				apiErr.Path != "/entitlements/v1/reset/sources/src" {
				t.Errorf("%d %s: %+v", tc.status, op, apiErr)
			}
			if int(posts.Load()) != tc.wantPosts || apiErr.Attempts != tc.wantPosts {
				t.Errorf("%d %s: %d POSTs, %d attempts; want %d", tc.status, op, posts.Load(), apiErr.Attempts, tc.wantPosts)
			}
			if sailpoint.MayHaveStarted(err) != (tc.status == 500) {
				t.Errorf("%d %s: MayHaveStarted %v", tc.status, op, sailpoint.MayHaveStarted(err))
			}
		}
	}
}

func isPost(r faketenant.Request) bool { return r.Method == http.MethodPost && !faketenant.IsToken(r) }

// A launch is resent only when the tenant certainly did not act on it.
func TestLaunchRetryRules(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     faketenant.Fault
		wantPosts int
		wantOK    bool
	}{
		{"429 then 202", faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Rate Limit Exceeded"}`}, 2, true},
		{"500", faketenant.Fault{Status: 500, Body: `{"detailCode":"500.0 Internal Fault","trackingId":"t","messages":[]}`}, 1, false},
		{"502", faketenant.Fault{Status: 502}, 1, false},
		{"503 with Retry-After", faketenant.Fault{Status: 503, Header: map[string]string{"Retry-After": "0"}}, 1, false},
		{"reset after send", faketenant.Fault{Reset: true}, 1, false},
		{"timeout", faketenant.Fault{SlowOnly: true, Delay: 5 * time.Second}, 1, false},
		{"401 then a fresh token", faketenant.Fault{ExpireToken: true}, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := startTenant(t)
			c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
				APIVersion: "v2025", RetryMax: 3, RequestTimeout: 500 * time.Millisecond})
			if _, err := c.Token(context.Background()); err != nil {
				t.Fatal(err)
			}
			ft.Inject(tc.fault)
			l, err := sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{SourceID: faketenant.ActiveDirectorySourceID})
			// The tenant logs a request when it has answered it; an abandoned
			// one is logged when the tenant notices the client went away.
			for deadline := time.Now().Add(10 * time.Second); ft.Count(isPost) < tc.wantPosts && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond)
			}
			if n := ft.Count(isPost); n != tc.wantPosts {
				t.Errorf("%d POSTs, want %d", n, tc.wantPosts)
			}
			if tc.wantOK {
				if err != nil || l.TaskID == "" || ft.LaunchCount("") != 1 {
					t.Fatalf("%+v %v", l, err)
				}
				return
			}
			if err == nil || !sailpoint.MayHaveStarted(err) {
				t.Fatalf("got %v; MayHaveStarted must be true", err)
			}
			var te *sailpoint.TransportError
			var ae *sailpoint.APIError
			switch {
			case errors.As(err, &te):
				if te.Method != "POST" || te.Attempts != 1 {
					t.Errorf("%s after %d attempts: %v", te.Method, te.Attempts, err)
				}
			case errors.As(err, &ae):
				if ae.Method != "POST" || ae.Attempts != 1 {
					t.Errorf("%s after %d attempts: %v", ae.Method, ae.Attempts, err)
				}
			default:
				t.Errorf("got %T %v", err, err)
			}
		})
	}
}

// A connection refused never reached the tenant: the launch is retried.
func TestLaunchConnectionRefusedIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := newClient(t, sailpoint.Config{BaseURL: url, AccessToken: "static", RetryMax: 2})
	_, err := sailpoint.IdentityProcessingOp.Start(context.Background(), c, sailpoint.IdentityProcessing{IdentityIDs: []string{"a"}})
	var te *sailpoint.TransportError
	if !errors.As(err, &te) || te.Attempts != 3 || te.Method != "POST" || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("got %v", err)
	}
	if sailpoint.MayHaveStarted(err) {
		t.Error("a launch that never connected may have started")
	}
}

// A launch whose turn under the pacing comes after its deadline is never
// sent, so it cannot have started anything; the error says it waited for
// the provider's own budget.
func TestLaunchStoppedBeforeSending(t *testing.T) {
	ft := startTenant(t)
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), AccessToken: "static", RequestsPerWindow: 1, RateWindow: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID) // takes the one slot
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = sailpoint.IdentityProcessingOp.Start(ctx, c, sailpoint.IdentityProcessing{IdentityIDs: []string{"a"}})
	var be *sailpoint.BudgetWaitError
	if !errors.As(err, &be) || be.Method != "POST" || sailpoint.MayHaveStarted(err) {
		t.Fatalf("got %v (MayHaveStarted %v)", err, sailpoint.MayHaveStarted(err))
	}
	if n := ft.Count(isPost); n != 0 {
		t.Errorf("%d POSTs", n)
	}
}

// Sixty concurrent launches under a tenant limit of 20 a second: every
// 429 is waited out, and each launch reaches the tenant exactly once.
func TestConcurrentLaunchesUnderRateLimit(t *testing.T) {
	ft := startTenant(t)
	ft.EnforceRateLimit(20, time.Second)
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		NoPacing: true, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 2 * time.Second, RetryMax: 8})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 60)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = sailpoint.EntitlementAggregationOp.Start(context.Background(), c, sailpoint.EntitlementAggregation{SourceID: faketenant.WorkdaySourceID})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("launch %d: %v", i, err)
		}
	}
	if n := ft.LaunchCount(""); n != 60 {
		t.Errorf("%d launches accepted, want 60", n)
	}
	got, limited := ft.Count(isPost), ft.Limited()
	t.Logf("60 launches: %d POSTs, %d answered 429", got, limited)
	if got != 60+limited {
		t.Errorf("%d POSTs with %d answered 429: a launch was resent after it was accepted", got, limited)
	}
}

// Running tasks of a source: the list with isnull on v1, v2026 and
// v2025; pending-tasks on v2024 and beta, where the list has no isnull.
func TestRunningTasksForSource(t *testing.T) {
	ft := faketenant.StartChecked(t)
	ft.AddSource("src-a", "A")
	ft.AddSource("src-b", "B")
	for _, v := range sailpoint.APIVersions {
		c := tenantClient(t, ft, v)
		ctx := context.Background()
		ft.ScriptLaunches(faketenant.Script{RunningReads: 2})
		mine, err := sailpoint.AccountAggregationOp.Start(ctx, c, sailpoint.AccountAggregation{SourceID: "src-a"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sailpoint.AccountAggregationOp.Start(ctx, c, sailpoint.AccountAggregation{SourceID: "src-b"}); err != nil {
			t.Fatal(err)
		}
		ft.ResetLog()
		for read, want := range []int{1, 1, 0} {
			running, err := c.RunningTasksForSource(ctx, "src-a")
			if err != nil {
				t.Fatalf("%s: %v", v, err)
			}
			if len(running) != want || want == 1 && running[0].ID != mine.TaskID || running == nil {
				t.Errorf("%s read %d: %d running, want %d", v, read, len(running), want)
			}
		}
		for _, r := range ft.Requests() {
			if faketenant.IsToken(r) {
				continue
			}
			pending := v == sailpoint.APIVersionV2024 || v == sailpoint.APIVersionBeta
			if pending != faketenant.IsPendingGet(r) ||
				!pending && r.Query.Get("filters") != `sourceId eq "src-a" and completionStatus isnull` {
				t.Errorf("%s: asked %s %v", v, r.Path, r.Query)
			}
		}
		// Let src-b's task finish before the next version.
		for range 3 {
			_, _ = c.RunningTasksForSource(ctx, "src-b")
		}
	}
}

// pending-tasks is read page by page; a 204 or an empty page ends it.
func TestRunningTasksPendingPages(t *testing.T) {
	ft := startTenant(t)
	for i := range 260 {
		ft.PutTask([]byte(fmt.Sprintf(`{"id":"run-%03d","created":"2026-11-28T10:00:00Z","completionStatus":null,"target":{"id":"src-%d"}}`, i, i%2)))
	}
	c := tenantClient(t, ft, "v2024")
	running, err := c.RunningTasksForSource(context.Background(), "src-1")
	if err != nil || len(running) != 130 {
		t.Fatalf("%d running, %v", len(running), err)
	}
	var pages []string
	for _, r := range ft.Requests() {
		if faketenant.IsPendingGet(r) {
			pages = append(pages, r.Query.Get("limit")+"@"+r.Query.Get("offset"))
		}
	}
	// 261 pending tasks with the queued fixture: a full page, then a short one.
	if strings.Join(pages, " ") != "250@0 250@250" {
		t.Errorf("pages %v", pages)
	}

	for _, body := range []string{"", "[]"} {
		srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
			if body == "" {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		})
		c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", APIVersion: "beta"})
		running, err := c.RunningTasksForSource(context.Background(), "src")
		if err != nil || running == nil || len(running) != 0 {
			t.Errorf("body %q: %v %v", body, running, err)
		}
	}
}

func TestValidateLaunchArguments(t *testing.T) {
	for _, bad := range []string{"", " ", "a/b", "..", "a?b"} {
		if err := sailpoint.ValidateSourceID(bad); err == nil || !strings.Contains(err.Error(), "source id") {
			t.Errorf("source id %q: %v", bad, err)
		}
	}
	if err := sailpoint.ValidateTaskID("78733556-9ea3-4f59-bf69-e5cd92b011b4"); err != nil {
		t.Errorf("a dashed UUID task id was refused: %v", err)
	}
	many := make([]string, sailpoint.MaxIdentityIDs+1)
	for i := range many {
		many[i] = fmt.Sprint("id-", i)
	}
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{nil, "no identity ids"},
		{many, "251 identity ids"},
		{[]string{"a", ""}, "identity id is empty"},
		{[]string{"a", "b/c"}, "identity id"},
		{[]string{"a", "b", "a"}, "twice"},
	} {
		if err := sailpoint.ValidateIdentityIDs(tc.ids); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d ids: %v, want %q", len(tc.ids), err, tc.want)
		}
	}
	if err := sailpoint.ValidateIdentityIDs(many[:250]); err != nil {
		t.Errorf("250 ids: %v", err)
	}
	// Refused arguments make no request.
	ft := startTenant(t)
	c := tenantClient(t, ft, "v1")
	if _, err := sailpoint.IdentityProcessingOp.Start(context.Background(), c, sailpoint.IdentityProcessing{IdentityIDs: many}); err == nil {
		t.Error("251 ids were sent")
	}
	if _, err := sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{SourceID: "../x"}); err == nil {
		t.Error("a bad source id was sent")
	}
	if n := len(ft.Requests()); n != 0 {
		t.Errorf("%d requests for refused arguments", n)
	}
}

// The fake's unknown source answer reaches the caller with its message.
func TestLaunchUnknownSource(t *testing.T) {
	ft := faketenant.StartChecked(t)
	_, err := sailpoint.EntitlementAggregationOp.Start(context.Background(), tenantClient(t, ft, "v2026"), sailpoint.EntitlementAggregation{SourceID: "no-such-source"})
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.TrackingID == "" || !strings.Contains(apiErr.Message(), `"no-such-source"`) || sailpoint.MayHaveStarted(err) {
		t.Fatalf("got %v", err)
	}
}

// The Retry-After bound applies to a launch too; the POST is not resent.
func TestLaunchRetryAfterPastTheBound(t *testing.T) {
	c, posts := rateLimitedTenant(t, "3600")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := sailpoint.IdentityProcessingOp.Start(ctx, c, sailpoint.IdentityProcessing{IdentityIDs: []string{"2c9180835d2e5168015d32f890ca1581"}})
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.Method != http.MethodPost || apiErr.RetryAfterRefused == nil || posts.Load() != 1 {
		t.Fatalf("%d POSTs, got %v", posts.Load(), err)
	}
}

// The four later launches on each version that has them: the spec's path,
// body and headers (the fake checks each request and answer against the
// spec), the id read where each answer puts it, and a task that reads back
// and runs on its source.
func TestLaterLaunchesEveryVersion(t *testing.T) {
	ft := faketenant.StartChecked(t)
	src := faketenant.HRFileSourceID
	for _, v := range sailpoint.APIVersions {
		sources, resetPath := "/"+v+"/sources/", "/"+v+"/entitlements/reset/sources/"
		if v == sailpoint.APIVersionV1 {
			sources, resetPath = "/sources/v1/", "/entitlements/v1/reset/sources/"
		}
		c := tenantClient(t, ft, v)
		ctx := context.Background()
		ft.ResetLog()
		ft.ScriptLaunches(faketenant.Script{RunningReads: 1})
		before := len(ft.Launches())

		unc, err := sailpoint.UncorrelatedAccountImportOp.Start(ctx, c, sailpoint.UncorrelatedAccountImport{
			SourceID: src, File: &sailpoint.LaunchFile{Name: "uncorrelated.csv", Content: []byte("id,name\n9,Grace\n")},
		})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		accReset, err := sailpoint.SourceAccountResetOp.Start(ctx, c, sailpoint.SourceReset{SourceID: src})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		entReset, err := sailpoint.SourceEntitlementResetOp.Start(ctx, c, sailpoint.SourceReset{SourceID: src})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		got := []*sailpoint.Launch{unc, accReset, entReset}
		want := []sailpoint.Launch{
			{Operation: "uncorrelated account import", Method: "POST", Path: sources + src + "/load-uncorrelated-accounts"},
			{Operation: "account reset", Method: "POST", Path: sources + src + "/remove-accounts"},
			{Operation: "entitlement reset", Method: "POST", Path: resetPath + src},
		}
		mia, err := sailpoint.MachineIdentityAggregationOp.Start(ctx, c, sailpoint.MachineIdentityAggregation{
			SourceID: src, DatasetIDs: []string{"ds-agents", "ds-bots"}, DisableOptimization: boolPtr(true),
		})
		hasMIA := slices.Contains(sailpoint.MachineIdentityAggregationOp.Versions(), v)
		if hasMIA {
			if err != nil {
				t.Fatalf("%s: %v", v, err)
			}
			got = append(got, mia)
			want = append(want, sailpoint.Launch{Operation: "machine identity aggregation", Method: "POST", Path: sources + src + "/aggregate-agents"})
		} else {
			var unsupported *sailpoint.UnsupportedOperationError
			if !errors.As(err, &unsupported) || unsupported.Version != v || strings.Join(unsupported.Versions, ",") != "v1,v2026,v2025" {
				t.Errorf("%s: machine identity aggregation: %v", v, err)
			}
		}

		recorded := ft.Launches()[before:]
		if len(recorded) != len(want) {
			t.Fatalf("%s: %d launches recorded, want %d", v, len(recorded), len(want))
		}
		for i := range want {
			want[i].TaskID = recorded[i].TaskID
			if *got[i] != want[i] {
				t.Errorf("%s: launch %+v, want %+v", v, *got[i], want[i])
			}
		}
		if len(unc.TaskID) != 32 || len(accReset.TaskID) != 32 || len(entReset.TaskID) != 32 || hasMIA && !dashedUUID.MatchString(mia.TaskID) {
			t.Errorf("%s: ids %+v", v, recorded)
		}
		u := recorded[0]
		if mt, _, _ := mime.ParseMediaType(u.ContentType); mt != "multipart/form-data" || u.File == nil || u.File.Name != "uncorrelated.csv" ||
			string(u.File.Content) != "id,name\n9,Grace\n" || u.File.ContentType != "text/csv" || u.DisableOptimization != nil {
			t.Errorf("%s: uncorrelated accounts sent as %+v", v, u)
		}
		for _, r := range recorded[1:3] {
			if r.ContentType != "" || r.File != nil {
				t.Errorf("%s: %s sent with a body: %+v", v, r.Operation, r)
			}
		}
		if hasMIA {
			m := recorded[3]
			if m.ContentType != "application/json" || strings.Join(m.DatasetIDs, ",") != "ds-agents,ds-bots" || m.DisableOptimization == nil || *m.DisableOptimization != "true" {
				t.Errorf("%s: machine identity aggregation sent as %+v", v, m)
			}
		}
		for _, r := range ft.Requests() {
			if !faketenant.IsLaunch(r) {
				continue
			}
			wantHeader := ""
			if r.Operation == sailpoint.MachineIdentityAggregationOp.Name {
				wantHeader = "true"
			}
			if got := r.Header.Get("X-SailPoint-Experimental"); got != wantHeader {
				t.Errorf("%s %s: X-SailPoint-Experimental %q, want %q", v, r.Operation, got, wantHeader)
			}
		}
		if n := ft.Count(faketenant.IsLaunch); n != len(want) {
			t.Errorf("%s: %d launch POSTs, want %d", v, n, len(want))
		}

		// Each task runs on the source, then ends; the running-task check
		// sees them while they run.
		running, err := c.RunningTasksForSource(ctx, src)
		if err != nil || len(running) != len(want) {
			t.Errorf("%s: %d running (%v), want %d", v, len(running), err, len(want))
		}
		for _, l := range got {
			ts, err := c.GetTaskStatus(ctx, l.TaskID)
			if err != nil || !ts.IsFinished() || ts.Target == nil || ts.Target.ID == nil || *ts.Target.ID != src {
				t.Errorf("%s %s: %+v %v", v, l.Operation, ts, err)
			}
		}
		if running, err := c.RunningTasksForSource(ctx, src); err != nil || len(running) != 0 {
			t.Errorf("%s: %d still running (%v)", v, len(running), err)
		}
	}
}

// The machine identity aggregation body exactly as sent: the ids in order,
// disableOptimization only when set.
func TestMachineIdentityAggregationBody(t *testing.T) {
	var bodies []string
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+r.Header.Get("X-SailPoint-Experimental")+" "+string(b))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"8886e5e3-63d0-462f-a195-d98da885b8dc"}`)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", APIVersion: "v2026"})
	for _, off := range []*bool{nil, boolPtr(false)} {
		if _, err := sailpoint.MachineIdentityAggregationOp.Start(context.Background(), c, sailpoint.MachineIdentityAggregation{
			SourceID: "src", DatasetIDs: []string{"b", "a"}, DisableOptimization: off,
		}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		`POST /v2026/sources/src/aggregate-agents application/json true {"datasetIds":["b","a"]}`,
		`POST /v2026/sources/src/aggregate-agents application/json true {"datasetIds":["b","a"],"disableOptimization":false}`,
	}
	if strings.Join(bodies, "\n") != strings.Join(want, "\n") {
		t.Errorf("sent\n%s\nwant\n%s", strings.Join(bodies, "\n"), strings.Join(want, "\n"))
	}
}

// The resets send no body and no Content-Type.
func TestResetsSendNoBody(t *testing.T) {
	var sent []string
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sent = append(sent, fmt.Sprintf("%s %s %q %d", r.Method, r.URL.Path, r.Header.Get("Content-Type"), len(b)))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"type":"TASK_RESULT","id":"464ae7bf791e49fdb74606a2e4a89635","name":null}`)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static", APIVersion: "beta"})
	if _, err := sailpoint.SourceAccountResetOp.Start(context.Background(), c, sailpoint.SourceReset{SourceID: "src"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sailpoint.SourceEntitlementResetOp.Start(context.Background(), c, sailpoint.SourceReset{SourceID: "src"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sent, "\n"); got != "POST /beta/sources/src/remove-accounts \"\" 0\nPOST /beta/entitlements/reset/sources/src \"\" 0" {
		t.Errorf("sent\n%s", got)
	}
}

// Refused arguments and a version without the operation make no request.
func TestLaterLaunchArgumentsRefused(t *testing.T) {
	ft := startTenant(t)
	ctx := context.Background()
	v1 := tenantClient(t, ft, "v1")
	for _, bad := range []string{"", "a/b", "..", "x?y", " src"} {
		for name, call := range map[string]func() (*sailpoint.Launch, error){
			"uncorrelated": func() (*sailpoint.Launch, error) {
				return sailpoint.UncorrelatedAccountImportOp.Start(ctx, v1, sailpoint.UncorrelatedAccountImport{SourceID: bad, File: &sailpoint.LaunchFile{Name: "a.csv"}})
			},
			"account reset": func() (*sailpoint.Launch, error) {
				return sailpoint.SourceAccountResetOp.Start(ctx, v1, sailpoint.SourceReset{SourceID: bad})
			},
			"entitlement reset": func() (*sailpoint.Launch, error) {
				return sailpoint.SourceEntitlementResetOp.Start(ctx, v1, sailpoint.SourceReset{SourceID: bad})
			},
			"machine identity": func() (*sailpoint.Launch, error) {
				return sailpoint.MachineIdentityAggregationOp.Start(ctx, v1, sailpoint.MachineIdentityAggregation{SourceID: bad, DatasetIDs: []string{"d"}})
			},
		} {
			if l, err := call(); err == nil || l != nil || !strings.Contains(err.Error(), "source id") || sailpoint.MayHaveStarted(err) {
				t.Errorf("%s with source id %q: %+v %v", name, bad, l, err)
			}
		}
	}
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{nil, "no dataset ids"},
		{[]string{}, "no dataset ids"},
		{[]string{"a", ""}, "a dataset id is empty"},
		{[]string{" "}, "blank"},
		{[]string{"a "}, "white space"},
		{[]string{"a", "b", "a"}, `"a" is listed twice`},
	} {
		if err := sailpoint.ValidateDatasetIDs(tc.ids); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.ids, err, tc.want)
		}
		if _, err := sailpoint.MachineIdentityAggregationOp.Start(ctx, v1, sailpoint.MachineIdentityAggregation{SourceID: "src", DatasetIDs: tc.ids}); err == nil {
			t.Errorf("%q: sent", tc.ids)
		}
	}
	// Dataset ids travel in the body: they need not be path-safe.
	if err := sailpoint.ValidateDatasetIDs([]string{"source:datasetId12345", "a/b?c"}); err != nil {
		t.Errorf("valid dataset ids refused: %v", err)
	}
	for _, v := range []string{"beta", "v2024"} {
		_, err := sailpoint.MachineIdentityAggregationOp.Start(ctx, tenantClient(t, ft, v), sailpoint.MachineIdentityAggregation{SourceID: "src", DatasetIDs: []string{"d"}})
		var unsupported *sailpoint.UnsupportedOperationError
		if !errors.As(err, &unsupported) || unsupported.Operation != sailpoint.MachineIdentityAggregationOp.Name || unsupported.Version != v ||
			!strings.Contains(err.Error(), "v1, v2026, v2025") || sailpoint.IsTransient(err) || sailpoint.MayHaveStarted(err) || sailpoint.RequestMethod(err) != "POST" {
			t.Errorf("%s: %v", v, err)
		}
	}
	if n := len(ft.Requests()); n != 0 {
		t.Errorf("%d requests for refused launches", n)
	}
}

// A 5xx on a later launch is not resent (it may have started the task);
// a 429 is, and the task starts once.
func TestLaterLaunchRetryRules(t *testing.T) {
	for _, op := range []string{"uncorrelated", "account reset", "entitlement reset", "machine identity"} {
		t.Run(op, func(t *testing.T) {
			ft := faketenant.StartChecked(t)
			c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
				APIVersion: "v2025", RetryMax: 3})
			ft.Inject(faketenant.Fault{Status: 500, Body: `{"detailCode":"500.0 Internal Fault","trackingId":"t","messages":[]}`})
			_, err := launchOp(c, op)
			var apiErr *sailpoint.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Method != "POST" || apiErr.Attempts != 1 || !sailpoint.MayHaveStarted(err) {
				t.Errorf("500: %v", err)
			}
			if n := ft.Count(isPost); n != 1 {
				t.Errorf("500: %d POSTs, want 1", n)
			}
			ft.ResetLog()
			ft.Inject(faketenant.Fault{Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Rate Limit Exceeded"}`})
			l, err := launchOp(c, op)
			if err != nil || l.TaskID == "" || ft.Count(isPost) != 2 || ft.LaunchCount(launchOperations[op]) != 1 {
				t.Errorf("429: %+v %v, %d POSTs", l, err, ft.Count(isPost))
			}
		})
	}
}

// Scripted per attempt: a TEMPERROR ending, then SUCCESS on the next
// launch, for a later operation as for the first three.
func TestLaterLaunchScriptedRetry(t *testing.T) {
	ft := faketenant.StartChecked(t)
	c := tenantClient(t, ft, "v1")
	ft.ScriptLaunches(faketenant.Script{RunningReads: 0, Status: "TEMPERROR"}, faketenant.Script{RunningReads: 0, Status: "SUCCESS"})
	var ends []string
	for range 2 {
		l, err := sailpoint.SourceEntitlementResetOp.Start(context.Background(), c, sailpoint.SourceReset{SourceID: faketenant.WorkdaySourceID})
		if err != nil {
			t.Fatal(err)
		}
		ts, err := c.GetTaskStatus(context.Background(), l.TaskID)
		if err != nil || ts.CompletionStatus == nil {
			t.Fatalf("%+v %v", ts, err)
		}
		ends = append(ends, *ts.CompletionStatus)
	}
	if strings.Join(ends, " ") != "TEMPERROR SUCCESS" || !sailpoint.StatusIn(ends[0], []string{"TEMP_ERROR"}) {
		t.Errorf("ended %v", ends)
	}
}

// Without a file, uncorrelated accounts are sent as an empty form (the
// schema allows it); the fake tenant refuses it as the description says
// ("File is required for upload"), and the task cannot have started.
func TestUncorrelatedAccountImportWithoutFile(t *testing.T) {
	ft := faketenant.StartChecked(t)
	_, err := sailpoint.UncorrelatedAccountImportOp.Start(context.Background(), tenantClient(t, ft, "v2024"), sailpoint.UncorrelatedAccountImport{SourceID: faketenant.WorkdaySourceID})
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(apiErr.Message(), "File is required") || sailpoint.MayHaveStarted(err) {
		t.Fatalf("got %v", err)
	}
	if n := ft.Count(isPost); n != 1 || len(ft.Launches()) != 0 {
		t.Errorf("%d POSTs, %d launches", n, len(ft.Launches()))
	}
}

// An operation declared once, and nowhere else, is sent as declared and
// answered by the fake tenant from the declaration alone: the path on the
// client's version, the form, the id where the declaration says; a version
// without it sends nothing.
func TestLaunchDeclaredOnce(t *testing.T) {
	type polish struct {
		SourceID string
		Shine    *bool
	}
	op := &sailpoint.Launcher[polish]{
		Operation: &sailpoint.Operation{
			Name: "widget polish", OperationID: "polishWidgets", Method: http.MethodPost,
			Paths:  map[string]string{sailpoint.APIVersionV2026: "/v2026/widgets/{sourceId}/polish"},
			Answer: "WidgetPolishTask", JobID: "result.task.id", Job: sailpoint.TaskJob, Body: sailpoint.FormBody,
		},
		Check:  func(p polish) error { return sailpoint.ValidateSourceID(p.SourceID) },
		Target: func(p polish) string { return p.SourceID },
		Build: func(p polish) (sailpoint.Body, error) {
			return sailpoint.Form(sailpoint.BoolPart("shine", p.Shine)), nil
		},
	}
	ft := faketenant.New()
	ft.AddOperation(op.Operation)
	ft.Start()
	t.Cleanup(ft.Close)
	ctx := context.Background()
	if _, err := op.Start(ctx, tenantClient(t, ft, "v1"), polish{SourceID: faketenant.WorkdaySourceID}); err == nil || sailpoint.MayHaveStarted(err) || len(ft.Requests()) != 0 {
		t.Fatalf("v1 has no such operation: %v, %d requests", err, len(ft.Requests()))
	}
	c := tenantClient(t, ft, "v2026")
	l, err := op.Start(ctx, c, polish{SourceID: faketenant.WorkdaySourceID, Shine: boolPtr(true)})
	if err != nil {
		t.Fatal(err)
	}
	launches := ft.Launches()
	if l.Path != "/v2026/widgets/"+faketenant.WorkdaySourceID+"/polish" || len(launches) != 1 || launches[0].TaskID != l.TaskID ||
		launches[0].Operation != "widget polish" || launches[0].Form["shine"] != "true" {
		t.Fatalf("launch %+v, recorded %+v", l, launches)
	}
	w := sailpoint.Waiter{MinInterval: time.Millisecond, MaxInterval: time.Millisecond}
	ts, err := c.WaitForTaskStatus(ctx, l.TaskID, w)
	if err != nil || ts.CompletionStatus == nil || *ts.CompletionStatus != "SUCCESS" {
		t.Fatalf("%+v %v", ts, err)
	}
}

// A launch the tenant throttles is sent again within its deadline, past
// max_retries: a 429 is an answer, the task was not started. Each POST
// starts at most one task.
func TestThrottledLaunchIsResentWithinItsDeadline(t *testing.T) {
	ft := startTenant(t)
	ft.Inject(faketenant.Fault{Method: http.MethodPost, Status: 429, Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Rate Limit Exceeded"}`, Times: 4})
	c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret, RetryMax: 1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := sailpoint.IdentityProcessingOp.Start(ctx, c, sailpoint.IdentityProcessing{IdentityIDs: []string{"a"}}); err != nil {
		t.Fatalf("a throttled launch with a minute left failed: %v", err)
	}
	if n := ft.Count(isPost); n != 5 {
		t.Errorf("%d POSTs, want 5 (four 429s, then the launch)", n)
	}
	if n := ft.LaunchCount(""); n != 1 {
		t.Errorf("%d launches started, want 1", n)
	}
}
