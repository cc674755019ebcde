package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Free-form JSON (a task's attributes, a definition's arguments) becomes
// dynamic Terraform values here.

func isNullJSON(raw json.RawMessage) bool {
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null"))
}

// dynamicFromJSON turns a free-form JSON value into a dynamic value:
// objects become objects, arrays tuples, and numbers keep their precision.
func dynamicFromJSON(raw json.RawMessage, what string) (types.Dynamic, diag.Diagnostics) {
	var diags diag.Diagnostics
	if isNullJSON(raw) {
		return types.DynamicNull(), diags
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		diags.AddError("Unreadable "+what, fmt.Sprintf("The API sent %s that is not valid JSON: %v", what, err))
		return types.DynamicNull(), diags
	}
	val, err := attrFromJSON(v)
	if err != nil {
		diags.AddError("Unreadable "+what, fmt.Sprintf("The API sent %s that cannot be represented: %v", what, err))
		return types.DynamicNull(), diags
	}
	return types.DynamicValue(val), diags
}

func attrFromJSON(v any) (attr.Value, error) {
	switch x := v.(type) {
	case nil:
		// A dynamic value's parts need a concrete type; null is kept as a
		// null string, which reads the same in configuration.
		return types.StringNull(), nil
	case bool:
		return types.BoolValue(x), nil
	case string:
		return types.StringValue(x), nil
	case json.Number:
		f, _, err := big.ParseFloat(x.String(), 10, 256, big.ToNearestEven)
		if err != nil {
			return nil, err
		}
		return types.NumberValue(f), nil
	case []any:
		elemTypes := make([]attr.Type, len(x))
		elems := make([]attr.Value, len(x))
		for i, e := range x {
			ev, err := attrFromJSON(e)
			if err != nil {
				return nil, err
			}
			elems[i], elemTypes[i] = ev, ev.Type(context.Background())
		}
		tv, d := types.TupleValue(elemTypes, elems)
		if d.HasError() {
			return nil, fmt.Errorf("building a tuple: %v", d)
		}
		return tv, nil
	case map[string]any:
		attrTypes := make(map[string]attr.Type, len(x))
		attrs := make(map[string]attr.Value, len(x))
		for k, e := range x {
			ev, err := attrFromJSON(e)
			if err != nil {
				return nil, err
			}
			attrs[k], attrTypes[k] = ev, ev.Type(context.Background())
		}
		ov, d := types.ObjectValue(attrTypes, attrs)
		if d.HasError() {
			return nil, fmt.Errorf("building an object: %v", d)
		}
		return ov, nil
	}
	return nil, fmt.Errorf("unexpected JSON value of type %T", v)
}

// concrete replaces dynamic values inside objects by what they hold, so
// values of different shapes can share a tuple.
func concrete(ctx context.Context, v attr.Value) (attr.Value, diag.Diagnostics) {
	switch x := v.(type) {
	case types.Dynamic:
		if x.IsNull() || x.IsUnderlyingValueNull() {
			return types.StringNull(), nil
		}
		return concrete(ctx, x.UnderlyingValue())
	case types.Object:
		if x.IsNull() || x.IsUnknown() {
			return x, nil
		}
		attrs := make(map[string]attr.Value, len(x.Attributes()))
		attrTypes := make(map[string]attr.Type, len(x.Attributes()))
		for k, a := range x.Attributes() {
			c, diags := concrete(ctx, a)
			if diags.HasError() {
				return nil, diags
			}
			attrs[k], attrTypes[k] = c, c.Type(ctx)
		}
		return types.ObjectValue(attrTypes, attrs)
	}
	return v, nil
}
