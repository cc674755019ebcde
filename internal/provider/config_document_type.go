package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// An SP-Config document given as content is the same document when it
// holds the same objects: another export of them (a new timestamp, tenant
// or description), another order or formatting changes nothing. The type
// says so to the framework (semantic equality), which then keeps the value
// in state, so such a change plans nothing at all rather than an update.

// configDocumentType is the type of content.
type configDocumentType struct {
	basetypes.StringType
}

var _ basetypes.StringTypable = configDocumentType{}

func (t configDocumentType) String() string { return "provider.configDocumentType" }

func (t configDocumentType) ValueType(context.Context) attr.Value { return configDocumentValue{} }

func (t configDocumentType) Equal(o attr.Type) bool {
	other, ok := o.(configDocumentType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t configDocumentType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return configDocumentValue{StringValue: in}, nil
}

func (t configDocumentType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return configDocumentValue{StringValue: s}, nil
}

// configDocumentValue is a document given as content.
type configDocumentValue struct {
	basetypes.StringValue
}

var _ basetypes.StringValuableWithSemanticEquals = configDocumentValue{}

func (v configDocumentValue) Type(context.Context) attr.Type { return configDocumentType{} }

func (v configDocumentValue) Equal(o attr.Value) bool {
	other, ok := o.(configDocumentValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals: two documents are the same when both read as
// SP-Config documents with the same objects_sha256. One that does not read
// is compared by its text (the plan then reports what is wrong with it).
func (v configDocumentValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(configDocumentValue)
	if !ok {
		return false, nil
	}
	a, errA := sailpoint.ParseConfigDocument(strings.NewReader(v.ValueString()))
	b, errB := sailpoint.ParseConfigDocument(strings.NewReader(other.ValueString()))
	if errA != nil || errB != nil {
		return v.ValueString() == other.ValueString(), nil
	}
	return a.ObjectsSHA256 == b.ObjectsSHA256, nil
}
