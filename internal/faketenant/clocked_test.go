package faketenant

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// manualClock is a RunClock a test moves by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type clockedDoc struct {
	UniqueName       string  `json:"uniqueName"`
	Created          string  `json:"created"`
	Modified         string  `json:"modified"`
	Launched         string  `json:"launched"`
	Completed        *string `json:"completed"`
	CompletionStatus *string `json:"completionStatus"`
	PercentComplete  int     `json:"percentComplete"`
}

// A task launched on a source set to run by the clock runs its duration,
// however often it is read, with percentComplete rising (or not shown),
// modified moving on from launched, and the answers spec-valid on every
// version; the tenant notes its GETs and when one first saw it ended.
func TestClockedRun(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	clock := &manualClock{now: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	ft.RunClock = clock.Now
	tok := token(t, ft)
	ft.AddSource("src-progress", "Progress")
	ft.AddSource("src-quiet", "Quiet")
	ft.RunByClock("src-progress", ClockedRun{Duration: 40 * time.Second, Progress: true})
	ft.RunByClock("src-quiet", ClockedRun{Duration: 40 * time.Second, Status: "WARNING"})

	for version := range Versions {
		for _, tc := range []struct {
			source   string
			percents []int
			status   string
		}{
			{"src-progress", []int{0, 25, 75, 100}, "SUCCESS"},
			{"src-quiet", []int{0, 0, 0, 100}, "WARNING"},
		} {
			accounts, _, _ := launchPaths(version, tc.source)
			if status, body := post(t, ft, tok, accounts, "", nil, nil); status != 202 {
				t.Fatalf("%s: %d %s", version, status, body)
			}
			id := ft.Launches()[len(ft.Launches())-1].TaskID
			var seen []int
			for _, step := range []time.Duration{0, 10 * time.Second, 20 * time.Second, 15 * time.Second} {
				clock.add(step)
				_, body := get(t, ft, tok, Versions[version]+"/"+id)
				var d clockedDoc
				if err := json.Unmarshal(body, &d); err != nil {
					t.Fatal(err)
				}
				seen = append(seen, d.PercentComplete)
				launched, _ := time.Parse(time.RFC3339, d.Launched)
				modified, _ := time.Parse(time.RFC3339, d.Modified)
				if ran := modified.Sub(launched); d.Completed == nil && ran != clock.Now().Sub(ft.ClockedResults()[len(ft.ClockedResults())-1].Started) {
					t.Errorf("%s: modified %s is %v after launched %s", version, d.Modified, ran, d.Launched)
				}
				if d.Completed != nil {
					completed, _ := time.Parse(time.RFC3339, *d.Completed)
					if completed.Sub(launched) != 40*time.Second || *d.CompletionStatus != tc.status {
						t.Errorf("%s: ended %s %s, launched %s", version, *d.Completed, *d.CompletionStatus, d.Launched)
					}
				}
			}
			if fmtInts(seen) != fmtInts(tc.percents) {
				t.Errorf("%s %s: percentComplete %v, want %v", version, tc.source, seen, tc.percents)
			}
			r := ft.ClockedResults()[len(ft.ClockedResults())-1]
			if r.TaskID != id || r.SourceID != tc.source || r.GETs != 4 || r.Lag() != 5*time.Second {
				t.Errorf("%s: result %+v, lag %v", version, r, r.Lag())
			}
		}
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("answers outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

func fmtInts(v []int) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Earlier runs are finished tasks of the operation's kind on the source,
// listed newest first by the filter and sorter every version documents,
// and spec-valid there.
func TestRunHistory(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	ft.AddSource("src-history", "History")
	ids := ft.PutRunHistory("src-history", sailpoint.AccountAggregationOp.Operation, 30*time.Second, 32*time.Second, 29*time.Second)
	ft.PutRunHistory("src-history", sailpoint.EntitlementAggregationOp.Operation, time.Minute)
	query := "?sorters=-created&filters=" + url.QueryEscape(`sourceId eq "src-history" and completionStatus in ("SUCCESS","WARNING")`)
	for version := range Versions {
		status, body := get(t, ft, tok, Versions[version]+query)
		var page []clockedDoc
		if err := json.Unmarshal(body, &page); err != nil || status != 200 {
			t.Fatalf("%s: %d %s", version, status, body)
		}
		var got []string
		for _, d := range page {
			if d.UniqueName != TaskName(sailpoint.AccountAggregationOp.Operation, "src-history") {
				continue
			}
			launched, _ := time.Parse(time.RFC3339, d.Launched)
			completed, _ := time.Parse(time.RFC3339, *d.Completed)
			got = append(got, completed.Sub(launched).String())
		}
		if strings.Join(got, " ") != "30s 32s 29s" || len(page) != 4 {
			t.Errorf("%s: %d tasks, account aggregations took %v", version, len(page), got)
		}
	}
	if len(ids) != 3 {
		t.Errorf("ids %v", ids)
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("answers outside the spec:\n%s", strings.Join(p, "\n"))
	}
}

// TaskName is the name a launch gives its task, for every operation.
func TestTaskName(t *testing.T) {
	ft := New().ValidateWith(loadSpec(t)).Start()
	defer ft.Close()
	tok := token(t, ft)
	accounts, entitlements, process := launchPaths("v2025", WorkdaySourceID)
	uncorrelated, accountReset, entitlementReset, machineIdentity := sourceLaunchPaths("v2025", WorkdaySourceID)
	csvType, csv := multipartBody(t, "a.csv", "id\n", nil)
	experimental := map[string]string{"X-SailPoint-Experimental": "true"}
	for _, tc := range []struct {
		op                *sailpoint.Operation
		path, contentType string
		body              []byte
		header            map[string]string
	}{
		{sailpoint.AccountAggregationOp.Operation, accounts, "", nil, nil},
		{sailpoint.EntitlementAggregationOp.Operation, entitlements, "", nil, nil},
		{sailpoint.IdentityProcessingOp.Operation, process, "application/json", []byte(`{"identityIds":["a"]}`), experimental},
		{sailpoint.UncorrelatedAccountImportOp.Operation, uncorrelated, csvType, csv, nil},
		{sailpoint.SourceAccountResetOp.Operation, accountReset, "", nil, nil},
		{sailpoint.SourceEntitlementResetOp.Operation, entitlementReset, "", nil, nil},
		{sailpoint.MachineIdentityAggregationOp.Operation, machineIdentity, "application/json", []byte(`{"datasetIds":["d"]}`), experimental},
	} {
		if status, answer := post(t, ft, tok, tc.path, tc.contentType, tc.body, tc.header); status/100 != 2 {
			t.Fatalf("%s: %d %s", tc.path, status, answer)
		}
		_, read := get(t, ft, tok, Versions["v2025"]+"/"+ft.Launches()[len(ft.Launches())-1].TaskID)
		var d clockedDoc
		_ = json.Unmarshal(read, &d)
		if want := TaskName(tc.op, WorkdaySourceID); d.UniqueName != want {
			t.Errorf("%s: uniqueName %q, TaskName %q", tc.op.Name, d.UniqueName, want)
		}
	}
}
