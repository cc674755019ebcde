package sailpoint_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The status of a launched account aggregation, read at each version's
// path, follows its script; absent counts stay nil.
func TestAccountAggregationStatusEveryVersion(t *testing.T) {
	ft := faketenant.StartChecked(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 3, AggregationStatuses: []json.RawMessage{
		json.RawMessage(`{"start":"2026-11-28T12:00:00.000Z","status":"STARTED"}`),
		json.RawMessage(`{"start":"2026-11-28T12:00:00.000Z","status":"ACCOUNTS_COLLECTED","totalAccounts":520,"processedAccounts":150}`),
		json.RawMessage(`{"start":"2026-11-28T12:00:00.000Z","status":"COMPLETED","totalAccounts":520,"processedAccounts":520}`),
	}})
	for _, v := range sailpoint.APIVersions {
		c := tenantClient(t, ft, v)
		ctx := context.Background()
		l, err := sailpoint.AccountAggregationOp.Start(ctx, c, sailpoint.AccountAggregation{SourceID: faketenant.ActiveDirectorySourceID})
		if err != nil {
			t.Fatal(err)
		}
		ft.ResetLog()
		var got []sailpoint.AccountAggregationStatus
		for range 3 {
			s, err := c.GetAccountAggregationStatus(ctx, l.TaskID)
			if err != nil {
				t.Fatalf("%s: %v", v, err)
			}
			got = append(got, *s)
		}
		if *got[0].Status != sailpoint.AggregationStatusStarted || got[0].TotalAccounts != nil || *got[0].Start != "2026-11-28T12:00:00.000Z" ||
			*got[1].Status != sailpoint.AggregationStatusAccountsCollected || *got[1].TotalAccounts != 520 || *got[1].ProcessedAccounts != 150 ||
			*got[2].Status != sailpoint.AggregationStatusCompleted || *got[2].ProcessedAccounts != 520 || got[2].DeletedAccounts != nil {
			t.Errorf("%s: %+v", v, got)
		}
		want := "/" + v + "/account-aggregations/" + l.TaskID + "/status"
		if v == sailpoint.APIVersionV1 {
			want = "/account-aggregations/v1/" + l.TaskID + "/status"
		}
		for _, r := range ft.Requests() {
			if !faketenant.IsAggregationStatusGet(r) || r.Path != want || r.AggregationID != l.TaskID {
				t.Errorf("%s: asked %s %s", v, r.Method, r.Path)
			}
		}
		if n := ft.Count(faketenant.IsAggregationStatusGet); n != 3 {
			t.Errorf("%s: %d status GETs", v, n)
		}
	}
}

// Every field the spec lists is read; an unknown status is kept as sent.
func TestAccountAggregationStatusFields(t *testing.T) {
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"start":null,"status":"PAUSED_BY_A_NEWER_SPEC","totalAccounts":520,"processedAccounts":150,
			"totalAccountsMarkedForDeletion":10,"deletedAccounts":5,"totalIdentities":300,"processedIdentities":250,"someday":true}`)
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
	s, err := c.GetAccountAggregationStatus(context.Background(), "2c91808477a6b0c60177a81146b8110b")
	if err != nil {
		t.Fatal(err)
	}
	if s.Start != nil || s.Status == nil || *s.Status != "PAUSED_BY_A_NEWER_SPEC" || *s.TotalAccounts != 520 || *s.ProcessedAccounts != 150 ||
		*s.TotalAccountsMarkedForDeletion != 10 || *s.DeletedAccounts != 5 || *s.TotalIdentities != 300 || *s.ProcessedIdentities != 250 {
		t.Errorf("%+v", s)
	}
}

// A refusal and a 404 (an hour after the aggregation completed, say) are
// *APIErrors naming the GET; neither is retried. An answer that is not the
// document, and a bad id, are refused.
func TestAccountAggregationStatusErrors(t *testing.T) {
	ft := faketenant.StartChecked(t)
	c := tenantClient(t, ft, "v2025")
	ctx := context.Background()
	ft.PutAccountAggregationStatus("agg-1", json.RawMessage(`{"status":"STARTED"}`))
	ft.Inject(faketenant.Fault{Path: "/v2025/account-aggregations/", Status: 403,
		Body: `{"detailCode":"403 Forbidden","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"The server understood the request but refuses to authorize it."}]}`})
	_, err := c.GetAccountAggregationStatus(ctx, "agg-1")
	var apiErr *sailpoint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.Method != "GET" || apiErr.Path != "/v2025/account-aggregations/agg-1/status" ||
		apiErr.TrackingID == "" || apiErr.Attempts != 1 || sailpoint.IsTransient(err) {
		t.Errorf("403: %v", err)
	}
	_, err = c.GetAccountAggregationStatus(ctx, "no-such-aggregation")
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || !sailpoint.IsNotFound(err) || !strings.Contains(apiErr.Message(), "No account aggregation") {
		t.Errorf("404: %v", err)
	}
	// A 5xx is retried, as for any read.
	ft.Inject(faketenant.Fault{Path: "/v2025/account-aggregations/", Status: 503, Header: map[string]string{"Retry-After": "0"}})
	if s, err := c.GetAccountAggregationStatus(ctx, "agg-1"); err != nil || *s.Status != "STARTED" {
		t.Errorf("after a 503: %+v %v", s, err)
	}
	if n := ft.Count(faketenant.IsAggregationStatusGet); n != 4 {
		t.Errorf("%d status GETs, want 4", n)
	}
	for _, bad := range []string{"", "a/b", "..", "x?y"} {
		if _, err := c.GetAccountAggregationStatus(ctx, bad); err == nil || !strings.Contains(err.Error(), "account aggregation id") {
			t.Errorf("id %q: %v", bad, err)
		}
	}
	if n := ft.Count(faketenant.IsAggregationStatusGet); n != 4 {
		t.Errorf("bad ids were sent: %d status GETs", n)
	}

	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"status":"STARTED"}]`)
	})
	_, err = newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"}).GetAccountAggregationStatus(ctx, "agg-1")
	var decodeErr *sailpoint.DecodeError
	if !errors.As(err, &decodeErr) || decodeErr.Document != "AccountAggregationStatus" || decodeErr.Path != "/account-aggregations/v1/agg-1/status" {
		t.Errorf("an array: %v", err)
	}
}
