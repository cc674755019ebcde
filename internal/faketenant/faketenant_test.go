package faketenant

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func loadSpec(t *testing.T) *SpecValidator {
	t.Helper()
	v, err := LoadSpec(SpecDir())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func token(t *testing.T, ft *Tenant) string {
	t.Helper()
	resp, err := http.PostForm(ft.URL()+TokenPath, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	if tok.ExpiresIn != 750 {
		t.Errorf("expires_in = %d, want 750", tok.ExpiresIn)
	}
	return tok.AccessToken
}

func get(t *testing.T, ft *Tenant, bearer, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ft.URL()+path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// Every fixture, every version, and every documented error answer must
// match the spec; the fixture beyond the spec must not (or the validator
// would be checking nothing).
func TestAnswersMatchSpec(t *testing.T) {
	v := loadSpec(t)
	ft := New().ValidateWith(v).Start()
	defer ft.Close()
	tok := token(t, ft)

	for version, prefix := range Versions {
		for _, f := range Fixtures() {
			status, _ := get(t, ft, tok, prefix+"/"+f.ID)
			want := http.StatusOK
			if f.ID == ExpiredTaskID {
				want = http.StatusNotFound
			}
			if status != want {
				t.Errorf("%s %s: status %d, want %d", version, f.Name, status, want)
			}
		}
		get(t, ft, tok, prefix+"/no-such-task")
		get(t, ft, "expired-or-wrong", prefix+"/"+CompleteTaskID)
		get(t, ft, tok, prefix+"?limit=2&offset=1&count=true")
		get(t, ft, tok, prefix+"?filters="+url.QueryEscape(`completionStatus eq "ERROR"`))
		get(t, ft, tok, prefix+"?filters="+url.QueryEscape(`nosuchfield eq "x"`))
	}
	if p := ft.Problems(); len(p) != 0 {
		t.Fatalf("answers that do not match the spec:\n%s", strings.Join(p, "\n"))
	}

	beyond := New().ValidateWith(v).Start()
	defer beyond.Close()
	beyond.PutTask(FixtureJSON(BeyondSpecTaskID)) // now stored as an ordinary task
	get(t, beyond, token(t, beyond), Versions["v1"]+"/"+BeyondSpecTaskID)
	if len(beyond.Problems()) == 0 {
		t.Fatal("the validator accepted a task with enum values the spec does not list")
	}
}

func TestTokenEndpoint(t *testing.T) {
	ft := New().Start()
	defer ft.Close()
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
	}{
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {"nope"}}, 401},
		{"unknown client", url.Values{"grant_type": {"client_credentials"}, "client_id": {"x"}, "client_secret": {"y"}}, 401},
		{"other grant", url.Values{"grant_type": {"password"}}, 400},
	} {
		resp, err := http.PostForm(ft.URL()+TokenPath, tc.form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
	tok := token(t, ft)
	if status, _ := get(t, ft, tok, Versions["beta"]+"/"+CompleteTaskID); status != 200 {
		t.Fatalf("status %d with a fresh token", status)
	}
	ft.ExpireTokens()
	if status, body := get(t, ft, tok, Versions["beta"]+"/"+CompleteTaskID); status != 401 || !strings.Contains(string(body), "JWT") {
		t.Fatalf("expired token: %d %s", status, body)
	}
}

func TestFaultsAndLog(t *testing.T) {
	ft := New().Start()
	defer ft.Close()
	tok := token(t, ft)
	path := Versions["v1"] + "/" + CompleteTaskID
	ft.Inject(Fault{Status: 429, Header: map[string]string{"Retry-After": "1"}, Body: `{"message":" Rate Limit Exceeded "}`, Times: 2})
	for i, want := range []int{429, 429, 200} {
		if status, _ := get(t, ft, tok, path); status != want {
			t.Errorf("request %d: status %d, want %d", i, status, want)
		}
	}
	ft.Inject(Fault{Reset: true})
	req, _ := http.NewRequest(http.MethodGet, ft.URL()+path, nil)
	if resp, err := (&http.Transport{}).RoundTrip(req); err == nil {
		resp.Body.Close()
		t.Error("a Reset fault answered")
	}
	gets := ft.Count(IsTaskGet)
	if gets != 4 {
		t.Errorf("logged %d task GETs, want 4", gets)
	}
	if n := ft.Count(IsToken); n != 1 {
		t.Errorf("logged %d token requests, want 1", n)
	}
	if ft.Reads(CompleteTaskID) != 1 {
		t.Errorf("Reads = %d, want 1", ft.Reads(CompleteTaskID))
	}
}

func TestSequenceAndList(t *testing.T) {
	ft := New().Start()
	defer ft.Close()
	tok := token(t, ft)
	running := `{"id":"seq","created":"2026-11-28T10:00:00Z","completionStatus":null}`
	done := `{"id":"seq","created":"2026-11-28T10:00:00Z","completionStatus":"SUCCESS"}`
	ft.PutTaskSequence("seq", json.RawMessage(running), json.RawMessage(running), json.RawMessage(done))
	var got []string
	for range 4 {
		_, body := get(t, ft, tok, Versions["v2025"]+"/seq")
		got = append(got, string(body))
	}
	if got[1] != running || got[2] != done || got[3] != done {
		t.Fatalf("sequence answers: %v", got)
	}

	for i := range 300 {
		ft.PutTask(json.RawMessage(fmt.Sprintf(`{"id":"bulk-%03d","created":"2026-11-%02dT00:00:00Z","completionStatus":"SUCCESS","target":{"id":"src-%d"}}`, i, 1+i%27, i%3)))
	}
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"", 250},
		{"?limit=250&offset=250", len(Fixtures()) - 1 + 1 + 300 - 250}, // less the expired one, plus seq
		{"?filters=" + url.QueryEscape(`sourceId eq "src-1"`), 100},
		{"?filters=" + url.QueryEscape(`sourceId in ("src-1","src-2")`) + "&limit=250", 200},
		{"?filters=" + url.QueryEscape(`completionStatus isnull`), 1},
		{"?filters=" + url.QueryEscape(`completionStatus eq "error"`), 1},
	} {
		status, body := get(t, ft, tok, Versions["v1"]+tc.query)
		var page []map[string]any
		if err := json.Unmarshal(body, &page); err != nil || status != 200 {
			t.Fatalf("%q: %d %s", tc.query, status, body)
		}
		if len(page) != tc.want {
			t.Errorf("%q: %d tasks, want %d", tc.query, len(page), tc.want)
		}
	}
	_, body := get(t, ft, tok, Versions["v1"]+"?sorters=-created&limit=3")
	var page []struct {
		Created string `json:"created"`
	}
	_ = json.Unmarshal(body, &page)
	if len(page) != 3 || page[0].Created < page[1].Created || page[1].Created < page[2].Created {
		t.Errorf("-created order: %+v", page)
	}
	for _, bad := range []string{`launcher eq "x"`, `type gt "x"`, `completionStatus eq ERROR`} {
		status, body := get(t, ft, tok, Versions["beta"]+"?filters="+url.QueryEscape(bad))
		if status != 400 || !strings.Contains(string(body), "trackingId") {
			t.Errorf("filter %q: %d %s", bad, status, body)
		}
	}
	if status, _ := get(t, ft, tok, Versions["v1"]+"?limit=251"); status != 400 {
		t.Errorf("limit=251: status %d, want 400", status)
	}
}
