package sailpoint

import (
	"context"
	"net/http"
	"testing"
)

// A context that ends while a retryable answer is in hand ends the call as
// cancelled, except for an answer to a launch that may have started it.
func TestCancelledBeforeRetry(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		ctx    context.Context
		launch bool
		status int
		want   bool
	}{
		{cancelled, false, 429, true},
		{cancelled, false, 503, true},
		{cancelled, false, 404, false},
		{cancelled, false, 200, false},
		{cancelled, true, 429, true},
		{cancelled, true, 503, false},
		{cancelled, true, 202, false},
		{context.Background(), false, 429, false},
	} {
		if got := cancelledBeforeRetry(tc.ctx, tc.launch, &http.Response{StatusCode: tc.status}); got != tc.want {
			t.Errorf("cancelled %t, launch %t, HTTP %d: %t, want %t", tc.ctx.Err() != nil, tc.launch, tc.status, got, tc.want)
		}
	}
}
