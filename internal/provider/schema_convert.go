package provider

import (
	"fmt"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// The TaskStatus schema is written once, for the data sources; resources
// show the same attributes under `task`. The framework has a schema package
// per kind of object, so this converts the computed attributes the
// TaskStatus schema uses, keeping descriptions and custom types.

func resourceAttributes(in map[string]dsschema.Attribute) (map[string]rschema.Attribute, error) {
	out := make(map[string]rschema.Attribute, len(in))
	for name, a := range in {
		var err error
		if out[name], err = resourceAttribute(a); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return out, nil
}

func resourceAttribute(a dsschema.Attribute) (rschema.Attribute, error) {
	switch x := a.(type) {
	case dsschema.StringAttribute:
		return rschema.StringAttribute{Computed: true, CustomType: x.CustomType, MarkdownDescription: x.MarkdownDescription}, nil
	case dsschema.NumberAttribute:
		return rschema.NumberAttribute{Computed: true, CustomType: x.CustomType, MarkdownDescription: x.MarkdownDescription}, nil
	case dsschema.BoolAttribute:
		return rschema.BoolAttribute{Computed: true, CustomType: x.CustomType, MarkdownDescription: x.MarkdownDescription}, nil
	case dsschema.DynamicAttribute:
		return rschema.DynamicAttribute{Computed: true, CustomType: x.CustomType, MarkdownDescription: x.MarkdownDescription}, nil
	case dsschema.SingleNestedAttribute:
		attrs, err := resourceAttributes(x.Attributes)
		return rschema.SingleNestedAttribute{
			Computed: true, CustomType: x.CustomType, MarkdownDescription: x.MarkdownDescription, Attributes: attrs,
		}, err
	case dsschema.ListNestedAttribute:
		attrs, err := resourceAttributes(x.NestedObject.Attributes)
		return rschema.ListNestedAttribute{
			Computed: true, CustomType: x.CustomType, MarkdownDescription: x.MarkdownDescription,
			NestedObject: rschema.NestedAttributeObject{Attributes: attrs},
		}, err
	}
	// Reachable only when a new kind of attribute joins the TaskStatus
	// schema; the schema tests fail first.
	return nil, fmt.Errorf("no resource form for a %T", a)
}

// taskResourceAttribute is the TaskStatus as the computed `task` attribute
// of a launch resource.
func taskResourceAttribute(description string) (rschema.SingleNestedAttribute, error) {
	attrs, err := resourceAttributes(taskStatusAttributes())
	return rschema.SingleNestedAttribute{Computed: true, MarkdownDescription: description, Attributes: attrs}, err
}
