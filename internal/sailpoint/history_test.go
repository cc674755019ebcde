package sailpoint_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The history of a task on a source is one list request on every version,
// with the filter and sorter each documents, and holds how long the
// earlier runs of its kind took, newest first.
func TestRunHistory(t *testing.T) {
	ft := faketenant.StartChecked(t)
	source := "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e"
	ft.AddSource(source, "History")
	ft.PutRunHistory(source, sailpoint.AccountAggregationOp.Operation, 30*time.Second, 32*time.Second, 29*time.Second, 31*time.Second, 33*time.Second, 90*time.Second)
	ft.PutRunHistory(source, sailpoint.EntitlementAggregationOp.Operation, time.Minute)
	name, kind := faketenant.TaskName(sailpoint.AccountAggregationOp.Operation, source), "APPLICATION"
	running := &sailpoint.TaskStatus{ID: "now", UniqueName: &name, Target: &sailpoint.Target{ID: &source, Type: &kind}}
	for _, version := range sailpoint.APIVersions {
		ft.ResetLog()
		c := tenantClient(t, ft, version)
		for _, sourceID := range []string{source, ""} { // given, or the task's target
			runs, err := c.RunHistory(sourceID)(context.Background(), running)
			if err != nil {
				t.Fatalf("%s: %v", version, err)
			}
			// The five latest; the sixth is older.
			if got := fmt.Sprint(runs); got != "[30s 32s 29s 31s 33s]" {
				t.Errorf("%s: runs %s", version, got)
			}
		}
		var lists []faketenant.Request
		for _, r := range ft.Requests() {
			if !faketenant.IsToken(r) {
				lists = append(lists, r)
			}
		}
		if len(lists) != 2 {
			t.Fatalf("%s: %d requests for two histories", version, len(lists))
		}
		q := lists[0].Query
		if q.Get("filters") != `sourceId eq "`+source+`" and completionStatus in ("SUCCESS","WARNING")` || q.Get("sorters") != "-created" || q.Get("limit") != "25" {
			t.Errorf("%s: %s %v", version, lists[0].Path, q)
		}
	}

	// No source, no name: no request, no runs.
	ft.ResetLog()
	c := tenantClient(t, ft, "v2025")
	for _, ts := range []*sailpoint.TaskStatus{
		{ID: "p", UniqueName: ptr("Identity Processing")},
		{ID: "p", UniqueName: ptr("x"), Target: &sailpoint.Target{ID: ptr("i"), Type: ptr("IDENTITY")}},
		{ID: "p", Target: &sailpoint.Target{ID: &source, Type: &kind}},
	} {
		if runs, err := c.RunHistory("")(context.Background(), ts); runs != nil || err != nil {
			t.Errorf("%+v: %v %v", ts, runs, err)
		}
	}
	if n := len(ft.Requests()); n != 0 {
		t.Errorf("%d requests for tasks without a history", n)
	}

	// A refused list is the caller's to explain (Wait goes on without it).
	ft.Inject(faketenant.Fault{Path: "/v2025/task-status", Status: 403, Body: `{"detailCode":"403 Forbidden","messages":[]}`})
	var apiErr *sailpoint.APIError
	if _, err := c.RunHistory(source)(context.Background(), running); !errors.As(err, &apiErr) || apiErr.StatusCode != 403 {
		t.Errorf("a refused list: %v", err)
	}
}

// Which listed tasks count as earlier runs, and how long each took.
func TestRunDurations(t *testing.T) {
	doc := func(id, name, launched, created, completed, status string) sailpoint.TaskStatus {
		var ts sailpoint.TaskStatus
		ts.ID, ts.UniqueName = id, &name
		for field, v := range map[**string]string{&ts.Launched: launched, &ts.Created: created, &ts.Completed: completed, &ts.CompletionStatus: status} {
			if v != "" {
				*field = ptr(v)
			}
		}
		return ts
	}
	me := doc("me", "Agg", "", "", "", "")
	tasks := []sailpoint.TaskStatus{
		doc("me", "Agg", "2026-11-28T10:00:00Z", "", "2026-11-28T10:01:00Z", "SUCCESS"),    // itself
		doc("a", "Agg", "2026-11-28T09:00:00Z", "", "2026-11-28T09:00:40Z", "SUCCESS"),     // 40 s
		doc("b", "Other", "2026-11-28T08:00:00Z", "", "2026-11-28T08:00:10Z", "SUCCESS"),   // another kind
		doc("c", "Agg", "2026-11-28T07:00:00Z", "", "2026-11-28T07:00:05Z", "ERROR"),       // failed early
		doc("d", "Agg", "", "2026-11-28T06:00:00Z", "2026-11-28T06:00:50Z", "Warning"),     // created, any case
		doc("e", "Agg", "2026-11-28T05:00:00Z", "", "", ""),                                // running
		doc("f", "Agg", "2026-11-28T04:00:00Z", "", "yesterday", "SUCCESS"),                // unreadable
		doc("g", "Agg", "2026-11-28T03:00:10Z", "", "2026-11-28T03:00:00Z", "SUCCESS"),     // ended before it began
		doc("h", "agg", "2026-11-28T02:00:00Z", "", "2026-11-28T02:00:20Z", "SUCCESS"),     // another name
		doc("i", "Agg", "2026-11-28T01:00:00.5Z", "", "2026-11-28T01:00:30Z", "TEMPERROR"), // failed
		// Times in another layout ISC writes, read as every tenant time is.
		doc("j", "Agg", "2026-11-28 00:30:00.000000+00:00", "", "2026-11-28 00:30:25.000000+00:00", "SUCCESS"), // 25 s
	}
	// A task named by its task definition only is of that kind.
	byDefinition := doc("k", "", "2026-11-28T00:00:00Z", "", "2026-11-28T00:00:15Z", "SUCCESS") // 15 s
	byDefinition.UniqueName, byDefinition.TaskDefinitionSummary = nil, &sailpoint.TaskDefinitionSummary{UniqueName: ptr("Agg")}
	tasks = append(tasks, byDefinition)
	if got := fmt.Sprint(sailpoint.RunDurations(&me, tasks)); got != "[40s 50s 25s 15s]" {
		t.Errorf("runs %s", got)
	}
	many := make([]sailpoint.TaskStatus, 8)
	for i := range many {
		many[i] = doc(fmt.Sprint(i), "Agg", "2026-11-28T01:00:00Z", "", fmt.Sprintf("2026-11-28T01:00:%02dZ", 10+i), "SUCCESS")
	}
	if got := fmt.Sprint(sailpoint.RunDurations(&me, many)); got != "[10s 11s 12s 13s 14s]" {
		t.Errorf("runs %s", got)
	}
}

// A launch waited for against the tenant, on one fake clock: the wait
// reads the history once, and sees the end of a task that runs as long as
// its earlier runs soon, in far fewer reads than a fixed 5 s poll.
func TestWaitLearnsFromHistory(t *testing.T) {
	ft := faketenant.StartChecked(t)
	clock := &fakeTime{now: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	ft.RunClock = clock.Now
	source := "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e"
	ft.AddSource(source, "History")
	ft.PutRunHistory(source, sailpoint.AccountAggregationOp.Operation, 118*time.Second, 121*time.Second, 124*time.Second)
	ft.RunByClock(source, faketenant.ClockedRun{Duration: 120 * time.Second})
	c := tenantClient(t, ft, "v2026")
	l, err := sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{SourceID: source})
	if err != nil {
		t.Fatal(err)
	}
	w := sailpoint.Waiter{History: c.RunHistory(source)}.WithFakeTime(clock.Now, clock.after)
	ts, err := c.WaitForTaskStatus(context.Background(), l.TaskID, w)
	if err != nil || !ts.IsFinished() {
		t.Fatalf("%v", err)
	}
	r := ft.ClockedResults()[0]
	lists := ft.Count(func(r faketenant.Request) bool { return r.Endpoint == sailpoint.ListTaskStatusesOp.Name })
	if lists != 1 || r.GETs > 10 || r.Lag() > 2500*time.Millisecond {
		t.Errorf("%d lists, %d GETs, seen %v late; want 1, at most 10 (a fixed 5 s poll reads 25 times), at most 2.5 s", lists, r.GETs, r.Lag())
	}
}
