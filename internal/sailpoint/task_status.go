package sailpoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Completion statuses the spec lists. The API may add others; callers must
// accept any string.
const (
	CompletionStatusSuccess    = "SUCCESS"
	CompletionStatusWarning    = "WARNING"
	CompletionStatusError      = "ERROR"
	CompletionStatusTerminated = "TERMINATED"
	CompletionStatusTempError  = "TEMPERROR"
)

// CompletionStatuses lists the values the spec documents.
var CompletionStatuses = []string{
	CompletionStatusSuccess, CompletionStatusWarning, CompletionStatusError,
	CompletionStatusTerminated, CompletionStatusTempError,
}

// TaskStatus is the spec's TaskStatus. Every field the spec marks nullable,
// and every field a tenant might leave out, is a pointer or raw JSON, so
// "absent or null" stays distinguishable from "empty". Enum-typed fields are
// plain strings: an unknown value is kept, not refused.
type TaskStatus struct {
	ID                    string                 `json:"id"`
	Type                  *string                `json:"type"`
	UniqueName            *string                `json:"uniqueName"`
	Description           *string                `json:"description"`
	ParentName            *string                `json:"parentName"`
	Launcher              *string                `json:"launcher"`
	Target                *Target                `json:"target"`
	Created               *string                `json:"created"`
	Modified              *string                `json:"modified"`
	Launched              *string                `json:"launched"`
	Completed             *string                `json:"completed"`
	CompletionStatus      *string                `json:"completionStatus"`
	Messages              []TaskStatusMessage    `json:"messages"`
	Returns               []TaskReturnDetails    `json:"returns"`
	Attributes            json.RawMessage        `json:"attributes"`
	Progress              *string                `json:"progress"`
	PercentComplete       *json.Number           `json:"percentComplete"`
	TaskDefinitionSummary *TaskDefinitionSummary `json:"taskDefinitionSummary"`
}

// Target is what the task works on, such as a source.
type Target struct {
	ID   *string `json:"id"`
	Type *string `json:"type"`
	Name *string `json:"name"`
}

// TaskStatusMessage is one message of a task.
type TaskStatusMessage struct {
	Type          *string           `json:"type"`
	LocalizedText *LocalizedMessage `json:"localizedText"`
	Key           *string           `json:"key"`
	// Parameters is the raw JSON array, or nil when the API sent null or
	// left it out.
	Parameters json.RawMessage `json:"parameters"`
}

// LocalizedMessage is a message in one locale.
type LocalizedMessage struct {
	Locale  *string `json:"locale"`
	Message *string `json:"message"`
}

// TaskReturnDetails names one return value of a task.
type TaskReturnDetails struct {
	Name          *string `json:"name"`
	AttributeName *string `json:"attributeName"`
}

// TaskDefinitionSummary describes the kind of task.
type TaskDefinitionSummary struct {
	ID          *string         `json:"id"`
	UniqueName  *string         `json:"uniqueName"`
	Description *string         `json:"description"`
	ParentName  *string         `json:"parentName"`
	Executor    *string         `json:"executor"`
	Arguments   json.RawMessage `json:"arguments"`
}

// IsFinished reports whether the task has ended. The tenant writes
// completed and completionStatus separately, so both must be set.
func (t *TaskStatus) IsFinished() bool {
	return t.Completed != nil && *t.Completed != "" && t.CompletionStatus != nil && *t.CompletionStatus != ""
}

// ValidateTaskID refuses ids that could not name a single task or would
// change the request path: empty or blank, surrounding white space, '/', '?',
// '#', '%', "." and "..", control characters, and invisible format
// characters (bidi overrides, zero-width characters). Dashed UUIDs (the id
// identity processing returns) pass.
func ValidateTaskID(id string) error { return validatePathID("task id", id) }

// validatePathID applies the rules of ValidateTaskID to an id of any kind.
func validatePathID(kind, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("the %s is empty", kind)
	case strings.TrimSpace(id) == "":
		return fmt.Errorf("the %s is blank", kind)
	case strings.TrimSpace(id) != id:
		return fmt.Errorf("the %s %q has leading or trailing white space", kind, id)
	case strings.Contains(id, ".."):
		return fmt.Errorf("the %s %q contains \"..\"", kind, id)
	case id == ".":
		// /task-status/v1/. is the list, not a task.
		return fmt.Errorf(`the %s "." names nothing`, kind)
	}
	for _, r := range id {
		switch {
		case r == '/' || r == '?' || r == '#' || r == '%':
			return fmt.Errorf("the %s %q contains %q, which no %s has", kind, id, r, kind)
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return fmt.Errorf("the %s %q contains a control or invalid character", kind, id)
		case unicode.Is(unicode.Cf, r):
			// Bidi overrides and zero-width characters make an id look
			// like another one.
			return fmt.Errorf("the %s %q contains the invisible character %U", kind, id, r)
		}
	}
	return nil
}

// GetTaskStatus reads one task by id. A 404 (no such task, or one older
// than 90 days) is an *APIError for which IsNotFound is true.
func (c *Client) GetTaskStatus(ctx context.Context, id string) (*TaskStatus, error) {
	if err := ValidateTaskID(id); err != nil {
		return nil, err
	}
	path := GetTaskStatusOp.Path(c.apiVersion, id)
	resp, body, err := c.getIdempotent(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	var ts TaskStatus
	if err := decodeJSON(resp, path, body, &ts, answer{document: "TaskStatus", kind: '{', budget: newBudget()}); err != nil {
		return nil, err
	}
	if err := sameTask(resp, path, body, &ts, id); err != nil {
		return nil, err
	}
	return &ts, nil
}

// sameTask refuses an answer about another task (a cache or proxy mixing
// answers up): it must not pass a gate meant for this one.
func sameTask(resp *http.Response, path string, body []byte, ts *TaskStatus, id string) error {
	if strings.EqualFold(ts.ID, id) {
		return nil
	}
	return decodeError(resp, path, body, "TaskStatus", fmt.Errorf("%w: it is about task %q, not %q", ErrWrongTask, CleanText(ts.ID), id))
}

// ErrWrongTask marks an answer about another task than the one asked for.
var ErrWrongTask = errors.New("the answer is about another task")

// normalizeCompletionStatus is the form completion statuses are compared
// in: upper case, with LoadAccountsTask's TEMP_ERROR spelled as TaskStatus
// spells it (TEMPERROR). Values are compared in this form, never stored.
func normalizeCompletionStatus(status string) string {
	s := strings.ToUpper(status)
	if s == "TEMP_ERROR" {
		return CompletionStatusTempError
	}
	return s
}

// StatusIn reports whether status is one of expected, compared as
// normalizeCompletionStatus does: some API examples write "Success" where
// the enum says SUCCESS, and TEMP_ERROR and TEMPERROR are one status.
func StatusIn(status string, expected []string) bool {
	s := normalizeCompletionStatus(status)
	for _, e := range expected {
		if normalizeCompletionStatus(e) == s {
			return true
		}
	}
	return false
}

// MaxPageSize is the largest page the list endpoint serves.
const MaxPageSize = 250

// ListOptions selects tasks. Filters and Sorters are passed through as the
// API defines them (for example `completionStatus eq "ERROR"` and
// `-created`).
type ListOptions struct {
	Filters string
	Sorters string
	// Limit is the most tasks to return; 0 means one page (250).
	Limit int
}

// ListTaskStatuses pages through GET /task-status with limit and offset,
// in pages of at most MaxPageSize, until it has Limit tasks or a page comes
// back short.
func (c *Client) ListTaskStatuses(ctx context.Context, opts ListOptions) ([]TaskStatus, error) {
	limit := opts.Limit
	if limit <= 0 {
		limit = MaxPageSize
	}
	q := url.Values{}
	if opts.Filters != "" {
		q.Set("filters", opts.Filters)
	}
	if opts.Sorters != "" {
		q.Set("sorters", opts.Sorters)
	}
	return c.listPages(ctx, ListTaskStatusesOp.Path(c.apiVersion, ""), q, limit, nil)
}

// listPages reads a list of TaskStatus at path page by page (limit and
// offset, pages of at most MaxPageSize) until limit tasks were read, or a
// page comes back short, or the tenant answers 204 (no content). It keeps
// the tasks keep accepts, every task when keep is nil.
func (c *Client) listPages(ctx context.Context, path string, query url.Values, limit int, keep func(*TaskStatus) bool) ([]TaskStatus, error) {
	out := []TaskStatus{}
	_, _, err := c.scanPages(ctx, path, query, limit, func(ts *TaskStatus) bool {
		if keep == nil || keep(ts) {
			out = append(out, *ts)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanPages reads a list of TaskStatus at path page by page (limit and
// offset, pages of at most MaxPageSize), handing each task to each, until
// each returns false, maxRead tasks were read, a page comes back short, or
// the tenant answers 204 (no content). read is how many tasks it read;
// more is false when the tenant said it had no more.
func (c *Client) scanPages(ctx context.Context, path string, query url.Values, maxRead int, each func(*TaskStatus) bool) (read int, more bool, err error) {
	for read < maxRead {
		pageSize := min(MaxPageSize, maxRead-read)
		q := url.Values{}
		maps.Copy(q, query)
		q.Set("limit", strconv.Itoa(pageSize))
		q.Set("offset", strconv.Itoa(read))
		resp, body, err := c.getIdempotent(ctx, path, q)
		if err != nil {
			return read, true, err
		}
		if resp.StatusCode == http.StatusNoContent {
			return read, false, nil
		}
		var page []TaskStatus
		if err := decodeJSON(resp, path, body, &page, answer{document: "list of TaskStatus", kind: '[', budget: newBudget()}); err != nil {
			return read, true, err
		}
		for i := range page {
			if read == maxRead {
				return read, true, nil
			}
			read++
			if !each(&page[i]) {
				return read, true, nil
			}
		}
		if len(page) < pageSize {
			return read, false, nil
		}
	}
	return read, true, nil
}

// otherTimeLayouts are date-times seen in ISC examples that are not RFC
// 3339 (the PATCH example writes "2024-05-17 19:33:16.470000+00:00").
var otherTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// ParseTime reads a timestamp of the tenant's: RFC 3339, or another
// date-time layout ISC writes (UTC when it names no zone). rfc3339 says
// the text was RFC 3339 already; ok is false for text that is no
// date-time. Every place that reads the tenant's times reads them here.
func ParseTime(s string) (t time.Time, rfc3339, ok bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true, true
	}
	for _, layout := range otherTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), false, true
		}
	}
	return time.Time{}, false, false
}

// LaunchedAt is when the task was launched, or created when it has not
// been launched; false when the tenant gave neither as a date-time.
func (ts *TaskStatus) LaunchedAt() (time.Time, bool) {
	if t, ok := timeAt(ts.Launched); ok {
		return t, true
	}
	return timeAt(ts.Created)
}

// CompletedAt is when the task completed; false when the tenant gave no
// date-time.
func (ts *TaskStatus) CompletedAt() (time.Time, bool) { return timeAt(ts.Completed) }

// ModifiedAt is when the tenant last modified the task; false when it
// gave no date-time.
func (ts *TaskStatus) ModifiedAt() (time.Time, bool) { return timeAt(ts.Modified) }

// timeAt is ParseTime of an optional time: false when s is nil or no
// date-time.
func timeAt(s *string) (time.Time, bool) {
	if s == nil {
		return time.Time{}, false
	}
	t, _, ok := ParseTime(*s)
	return t, ok
}
