package sailpoint_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// An id that passes validation names exactly one path segment under the
// task-status collection, and comes back unchanged from the path.
func FuzzValidateTaskID(f *testing.F) {
	for _, seed := range []string{"2c91808a7813090a01781412a1110a30", "id12345", "a b", "../x", "a%2F", "ü", "\x00", " ", "a/b", "..", "a?b#c"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if sailpoint.ValidateTaskID(id) != nil {
			return
		}
		if id == "" || strings.TrimSpace(id) != id || !utf8.ValidString(id) {
			t.Fatalf("accepted %q", id)
		}
		for _, version := range sailpoint.APIVersions {
			path := sailpoint.GetTaskStatusOp.Path(version, id)
			prefix := sailpoint.ListTaskStatusesOp.Path(version, "") + "/"
			segment, ok := strings.CutPrefix(path, prefix)
			if !ok || strings.ContainsAny(segment, "/?#") {
				t.Fatalf("%q makes the path %q", id, path)
			}
			back, err := url.PathUnescape(segment)
			if err != nil || back != id {
				t.Fatalf("%q escapes to %q, which unescapes to %q (%v)", id, segment, back, err)
			}
			u, err := url.Parse("https://acme.api.identitynow.com" + path)
			if err != nil || u.RawQuery != "" || u.Fragment != "" || u.Host != "acme.api.identitynow.com" {
				t.Fatalf("%q makes the URL %v (%v)", id, u, err)
			}
		}
	})
}

// Any body either decodes or is refused with an error; never a panic.
func FuzzDecodeTaskStatus(f *testing.F) {
	for _, fx := range faketenant.Fixtures() {
		f.Add([]byte(fx.JSON))
	}
	for _, seed := range []string{``, `null`, `{}`, `[]`, `{"id":1}`, `{"percentComplete":"x"}`, `{"messages":[{"parameters":{}}]}`, `{"target":[]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ts, err := sailpoint.DecodeTaskStatus(body)
		if err == nil && ts == nil {
			t.Fatal("no status and no error")
		}
		if err == nil {
			_ = ts.IsFinished()
		}
	})
}

// Any error body gives an error that names the status; never a panic.
func FuzzDecodeErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"detailCode":"500.0 Internal Fault","trackingId":"b21b1f7ce4da4d639f2c62a57171b427","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"An internal fault occurred."}]}`,
		`{"error":"JWT validation failed: JWT is expired"}`, `{"message":" Rate Limit Exceeded "}`,
		``, `<html></html>`, `{"messages":null,"causes":[{}]}`, `{"messages":[{"text":7}]}`,
	} {
		f.Add(500, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		er := sailpoint.DecodeErrorBody(body)
		_ = er
		e := sailpoint.NewAPIErrorForTest("GET", "/task-status/v1/x", status, body)
		if msg := e.Error(); !strings.Contains(msg, "/task-status/v1/x") {
			t.Fatalf("error %q does not name the request", msg)
		}
	})
}
