package sailpoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ClearCompletionStatuses are the statuses ClearTask writes: a task cleared
// by hand either failed or was stopped. The others (SUCCESS, WARNING,
// TEMPERROR) would claim an outcome the task never had.
var ClearCompletionStatuses = []string{CompletionStatusError, CompletionStatusTerminated}

// clearTaskTimeLayout is RFC 3339 in UTC with milliseconds, as ISC writes
// its timestamps.
const clearTaskTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// ValidateClearTask checks ClearTask's arguments: a path-safe task id, a
// status of ClearCompletionStatuses (in any case) and a completion time.
func ValidateClearTask(id, completionStatus string, completed time.Time) error {
	if err := ValidateTaskID(id); err != nil {
		return err
	}
	if !slices.Contains(ClearCompletionStatuses, strings.ToUpper(completionStatus)) {
		return fmt.Errorf("a pending task can be cleared as %s, not %q", strings.Join(ClearCompletionStatuses, " or "), completionStatus)
	}
	if completed.IsZero() {
		return errors.New("the completion time of a cleared task is not set")
	}
	return nil
}

// ClearTask clears a pending task, as the spec describes PATCH
// /task-status/{id}: "clear a pending task by updating the
// completionStatus and completed attributes". It sends one JSON Patch
// (application/json-patch+json) that replaces /completionStatus with
// completionStatus (ERROR or TERMINATED, sent in upper case) and /completed
// with completed in RFC 3339 UTC, and returns the updated TaskStatus (200),
// which must be about the same task.
//
// Unlike a launch, it follows the read retry policy (5xx, timeouts, cut-off
// answers are retried): a replace of the same two fields with the same
// values leaves the task as one PATCH would, so a second one after a lost
// answer is harmless.
//
// The spec lists userAuth only, with ClearTaskScope, for ClearTaskUserLevels;
// a refusal is an *APIError (403).
func (c *Client) ClearTask(ctx context.Context, id, completionStatus string, completed time.Time) (*TaskStatus, error) {
	if err := ValidateClearTask(id, completionStatus, completed); err != nil {
		return nil, err
	}
	type replace struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value string `json:"value"`
	}
	body, err := json.Marshal([]replace{
		{"replace", "/completionStatus", strings.ToUpper(completionStatus)},
		{"replace", "/completed", completed.UTC().Format(clearTaskTimeLayout)},
	})
	if err != nil {
		return nil, err
	}
	path := ClearTaskOp.Path(c.apiVersion, id)
	r := apiRequest{method: http.MethodPatch, path: path, body: body, contentType: "application/json-patch+json",
		// As for the GET on the same path: older v2024-v2026 files required
		// it, and it is harmless once an API is public.
		experimental: ClearTaskOp.experimental(c.apiVersion)}
	resp, answerBody, err := c.sendIdempotent(ctx, func() (*http.Response, []byte, error) { return c.send(ctx, r) }, r.method, path)
	if err != nil {
		return nil, err
	}
	var ts TaskStatus
	if err := decodeJSON(resp, path, answerBody, &ts, answer{document: "TaskStatus", kind: '{', budget: newBudget()}); err != nil {
		return nil, err
	}
	if err := sameTask(resp, path, answerBody, &ts, id); err != nil {
		return nil, err
	}
	return &ts, nil
}
