package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// worstBody is one of the costliest answers the client's bounds still
// accept, one per bound, for the task id "worst". Only the one asked for is
// built, so the peak RSS is that body's.
func worstBody(name string) string {
	const head = `{"id":"worst","completionStatus":"SUCCESS","completed":"2026-11-28T10:00:00Z",`
	// Root, id, completionStatus and completed are 4 values; the rest of
	// the budget fills the field each body is about.
	fill := sailpoint.MaxJSONValues - 4
	elems := func(n int, elem string) string {
		return strings.TrimSuffix(strings.Repeat(elem+",", n), ",")
	}
	// Arrays as long as allowed, nested as deep as allowed below
	// attributes (the root and attributes are two levels), until the
	// budget is spent.
	var deep strings.Builder
	left := fill - 2 // attributes and its key's array
	for level := 0; level < sailpoint.MaxJSONDepth-2 && left > 1; level++ {
		n := min(sailpoint.MaxArrayElements-1, left-2)
		deep.WriteString("[" + elems(n, "1") + ",")
		left -= n + 1
	}
	deep.WriteString("1" + strings.Repeat("]", strings.Count(deep.String(), "[")))
	wide := make([]string, fill-1)
	for i := range wide {
		wide[i] = fmt.Sprintf(`"k%d":1.%se307`, i, strings.Repeat("9", sailpoint.MaxNumberLength-6))
	}
	// The costliest mix: the most messages and returns, attributes with
	// what is left.
	mixAttrs := fill - 2*(sailpoint.MaxArrayElements+1) - 1
	switch name {
	case "emptyMessages":
		return head + `"messages":[` + elems(sailpoint.MaxArrayElements, "{}") + `]}`
	case "mixed":
		return head + `"messages":[` + elems(sailpoint.MaxArrayElements, "{}") + `],"returns":[` + elems(sailpoint.MaxArrayElements, "{}") +
			`],"attributes":{` + strings.Join(wide[:mixAttrs], ",") + `}}`
	case "deepAttributes":
		return head + `"attributes":{"a":` + deep.String() + `}}`
	case "wideAttributes":
		return head + `"attributes":{` + strings.Join(wide, ",") + `}}`
	}
	// The largest body: one string up to the size cap.
	return head + `"description":"` + strings.Repeat("x", sailpoint.DefaultMaxBodyBytes-len(head)-20) + `"}`
}

// BenchmarkWorstAcceptedRead reads each worst accepted answer through the
// protocol, as Terraform does, against the fake tenant: time and
// allocation per read, and the process's peak RSS (peak-RSS-MiB; run one
// sub-benchmark per process, as the README's figures do, for it to be that
// body's alone).
func BenchmarkWorstAcceptedRead(b *testing.B) {
	for _, name := range []string{"emptyMessages", "mixed", "deepAttributes", "wideAttributes", "largestBody"} {
		b.Run(name, func(b *testing.B) {
			body := worstBody(name)
			ft := faketenant.New().Start()
			defer ft.Close()
			ft.Inject(faketenant.Fault{Status: 200, Body: body, Times: -1})
			server, req := readServer(b, ft, "worst")
			resp, err := server.ReadDataSource(context.Background(), req)
			if err != nil {
				b.Fatal(err)
			}
			if len(resp.Diagnostics) > 0 {
				b.Fatalf("the bounds refuse it, so it is not the worst accepted: %v", resp.Diagnostics)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				resp, err := server.ReadDataSource(context.Background(), req)
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatal(err, resp.Diagnostics)
				}
			}
			b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
		})
	}
}

// peakRSSMiB is the process's peak resident set (VmHWM), or 0 off Linux.
func peakRSSMiB() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
