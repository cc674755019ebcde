package provider

import (
	"testing"
)

func TestTimeValue(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means null
		warn     bool
	}{
		{"2026-11-27T09:14:05.012Z", "2026-11-27T09:14:05.012Z", false},
		{"2026-11-27T09:14:05+02:00", "2026-11-27T09:14:05+02:00", false},
		{"2024-05-17 19:33:16.470000+00:00", "2024-05-17T19:33:16.47Z", false},
		{"2024-05-17T19:33:16", "2024-05-17T19:33:16Z", false},
		{"", "", false},
		{"yesterday", "", true},
	} {
		m := &taskMapper{taskID: "t1"}
		in := tc.in
		got := m.time(&in, "created")
		diags := m.diags
		if tc.want == "" && !got.IsNull() || tc.want != "" && got.ValueString() != tc.want {
			t.Errorf("%q: got %v, want %q", tc.in, got, tc.want)
		}
		if diags.HasError() || (diags.WarningsCount() > 0) != tc.warn {
			t.Errorf("%q: diagnostics %v", tc.in, diags)
		}
	}
	if !(&taskMapper{taskID: "t1"}).time(nil, "completed").IsNull() {
		t.Error("nil is not null")
	}
}
