package sailpoint_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Zero retries means the default; none is said with NoRetries.
func TestRetryCountConfig(t *testing.T) {
	for _, tc := range []struct {
		retryMax  int
		noRetries bool
		wantGETs  int
	}{
		{0, false, 1 + sailpoint.DefaultRetryMax},
		{2, false, 3},
		{0, true, 1},
		{3, true, 1},
	} {
		t.Run(fmt.Sprintf("RetryMax=%d,NoRetries=%t", tc.retryMax, tc.noRetries), func(t *testing.T) {
			ft := startTenant(t)
			ft.Inject(faketenant.Fault{Times: -1, Status: 503})
			c := newClient(t, sailpoint.Config{BaseURL: ft.URL(), AccessToken: "static", RetryMax: tc.retryMax, NoRetries: tc.noRetries})
			if _, err := c.GetTaskStatus(context.Background(), faketenant.CompleteTaskID); err == nil {
				t.Fatal("a 503 on every attempt was not an error")
			}
			if n := ft.Count(faketenant.IsTaskGet); n != tc.wantGETs {
				t.Errorf("%d GETs, want %d", n, tc.wantGETs)
			}
		})
	}
}
