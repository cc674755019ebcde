package sailpoint_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Answers past the bounds, and answers that are not the one
// document asked for, are refused before decoding.
func TestAnswersCheckedBeforeDecoding(t *testing.T) {
	nested := strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2000)
	for _, tc := range []struct {
		name, body string
		limit      bool
		want       string
	}{
		{"huge exponent", `{"id":"abc","percentComplete":1e10000000}`, true, "float64's range"},
		{"long number", `{"id":"abc","percentComplete":` + strings.Repeat("1", 41) + `}`, true, "41 characters"},
		{"deep nesting", `{"id":"abc","attributes":` + nested + `}`, true, "too deep"},
		{"many elements", `{"id":"abc","messages":[` + strings.TrimSuffix(strings.Repeat("{},", 100000), ",") + `]}`, true, "too many elements"},
		{"many values", `{"id":"abc","attributes":{` + manyKeys(30000) + `}}`, true, "too many values"},
		{"null", `null`, false, "the answer is null, not a JSON object"},
		{"array", `[]`, false, "not a JSON object"},
		{"trailing ]", `{"id":"abc"}]`, false, "invalid character ']'"},
		{"trailing }", `{"id":"abc"}}`, false, "invalid character '}'"},
		{"duplicate key", `{"id":"abc","completionStatus":"ERROR","completionstatus":"SUCCESS"}`, false, "appears twice"},
		{"exact duplicate", `{"id":"abc","attributes":{"a":1,"a":2}}`, false, "appears twice"},
		{"other task", `{"id":"def","completionStatus":"SUCCESS","completed":"2026-11-28T10:00:00Z"}`, false, "about task \"def\", not \"abc\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, tc.body)
			})
			c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
			start := time.Now()
			_, err := c.GetTaskStatus(context.Background(), "abc")
			var de *sailpoint.DecodeError
			var le *sailpoint.LimitError
			if !errors.As(err, &de) || errors.As(err, &le) != tc.limit || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %T %v, want a DecodeError with %q (limit %v)", err, err, tc.want, tc.limit)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("refusing took %v", d)
			}
		})
	}
}

func manyKeys(n int) string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf(`"k%d":%d`, i, i)
	}
	return strings.Join(keys, ",")
}

// A list answer of null is refused, and called a list.
func TestListAnswerChecked(t *testing.T) {
	for _, body := range []string{`null`, `{"id":"abc"}`, `[{"id":"abc"}]]`} {
		srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		})
		c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
		tasks, err := c.ListTaskStatuses(context.Background(), sailpoint.ListOptions{})
		var de *sailpoint.DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), "not a valid list of TaskStatus") || strings.Contains(err.Error(), "TaskStatus JSON document") {
			t.Errorf("%s: got %d tasks, %v", body, len(tasks), err)
		}
	}
}
