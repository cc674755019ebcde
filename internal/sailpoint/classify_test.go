package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
)

// Each error type answers the three questions callers decide on, wrapped
// or not; one table covers them all.
func TestClassification(t *testing.T) {
	t.Parallel()
	dial := &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	reset := &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}
	for _, tc := range []struct {
		name             string
		err              error
		method           string
		transient, maybe bool
	}{
		{"429", &APIError{Method: http.MethodPost, StatusCode: 429}, http.MethodPost, true, false},
		{"503", &APIError{Method: http.MethodPost, StatusCode: 503}, http.MethodPost, true, true},
		{"501", &APIError{Method: http.MethodGet, StatusCode: 501}, http.MethodGet, false, true},
		{"404", &APIError{Method: http.MethodGet, StatusCode: 404}, http.MethodGet, false, false},
		{"403 on PATCH", &APIError{Method: http.MethodPatch, StatusCode: 403}, http.MethodPatch, false, false},
		{"token endpoint down", &TokenError{Err: errors.New("refused")}, http.MethodGet, true, false},
		{"token refused", &TokenError{StatusCode: 401}, http.MethodGet, false, false},
		{"dial failed", &TransportError{Method: http.MethodPost, Attempts: 1, Err: dial}, http.MethodPost, true, false},
		{"reset after sending", &TransportError{Method: http.MethodPost, Attempts: 1, Err: reset}, http.MethodPost, true, true},
		{"never sent", &TransportError{Method: http.MethodPost, Err: context.DeadlineExceeded}, http.MethodPost, true, false},
		{"proxy page", &DecodeError{Method: http.MethodPost, Err: errors.New("not JSON")}, http.MethodPost, true, true},
		{"past the bounds", &DecodeError{Method: http.MethodGet, Err: &LimitError{}}, http.MethodGet, false, true},
		{"another task", &DecodeError{Method: http.MethodGet, Err: ErrWrongTask}, http.MethodGet, false, true},
		{"too large", &BodyTooLargeError{Method: http.MethodPost}, http.MethodPost, false, true},
		{"no task id", &missingTaskIDError{Launch: Launch{Method: http.MethodPost}}, http.MethodPost, false, true},
		{"unsupported version", MachineIdentityAggregationOp.Supports(APIVersionBeta), http.MethodPost, false, false},
		{"cancelled", fmt.Errorf("wrapped: %w", &TransportError{Method: http.MethodGet, Err: context.Canceled}), http.MethodGet, false, false},
		{"not ours", errors.New("something else"), http.MethodGet, false, false},
	} {
		wrapped := fmt.Errorf("context: %w", tc.err)
		if got := RequestMethod(wrapped); got != tc.method {
			t.Errorf("%s: RequestMethod %q, want %q", tc.name, got, tc.method)
		}
		if got := IsTransient(wrapped); got != tc.transient {
			t.Errorf("%s: IsTransient %v, want %v", tc.name, got, tc.transient)
		}
		if got := MayHaveStarted(wrapped); got != tc.maybe {
			t.Errorf("%s: MayHaveStarted %v, want %v", tc.name, got, tc.maybe)
		}
	}
}
