package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// taskWithMessages is the complete fixture carrying n messages.
func taskWithMessages(b *testing.B, n int) []byte {
	var doc map[string]any
	if err := json.Unmarshal(faketenant.FixtureJSON(faketenant.CompleteTaskID), &doc); err != nil {
		b.Fatal(err)
	}
	msgs := make([]any, n)
	for i := range msgs {
		msgs[i] = map[string]any{
			"type":          "WARN",
			"key":           "aggregation.account.skipped",
			"localizedText": map[string]any{"locale": "en-US", "message": fmt.Sprintf("Account %d was skipped: no matching identity", i)},
			"parameters":    []any{map[string]any{"account": fmt.Sprintf("acct-%d", i)}, "Active Directory"},
		}
	}
	doc["messages"] = msgs
	out, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// Decoding and mapping one TaskStatus grow linearly with its messages:
// compare ns/op and B/op across the sizes.
func BenchmarkDecodeAndMap(b *testing.B) {
	for _, n := range []int{10, 1000, 50000} {
		body := taskWithMessages(b, n)
		b.Run(fmt.Sprintf("messages=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				ts, err := decodeTaskStatus(body)
				if err != nil {
					b.Fatal(err)
				}
				if _, diags := newTaskStatusValue(ts); diags.HasError() {
					b.Fatal(diags)
				}
			}
		})
	}
}
