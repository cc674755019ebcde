package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// decodeTaskStatus decodes a TaskStatus as the client does, without the
// client's bounds on size and depth (its own fuzz test covers those): the
// mapping must take whatever the struct can hold.
func decodeTaskStatus(body []byte) (*sailpoint.TaskStatus, error) {
	var ts sailpoint.TaskStatus
	if err := json.Unmarshal(body, &ts); err != nil {
		return nil, err
	}
	return &ts, nil
}

// Whatever decodes maps to Terraform values without error or panic, both
// as the singular data source's model and as a list element.
func FuzzTaskStatusModel(f *testing.F) {
	for _, fx := range faketenant.Fixtures() {
		f.Add([]byte(fx.JSON))
	}
	for _, seed := range []string{`{}`, `{"attributes":5}`, `{"attributes":[1,"a",null,{"b":[]}]}`, `{"messages":[{"parameters":"x"}]}`, `{"percentComplete":1e400}`, `{"taskDefinitionSummary":{"arguments":null}}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ts, err := decodeTaskStatus(body)
		if err != nil {
			return
		}
		ctx := context.Background()
		if _, diags := newTaskStatusValue(ts); diags.HasError() {
			t.Fatalf("%s: %v", body, diags)
		}
		if _, diags := taskStatusObject(ctx, ts); diags.HasError() {
			t.Fatalf("%s: %v", body, diags)
		}
	})
}
