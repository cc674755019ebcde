package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// This file is the one place a TaskStatus becomes Terraform values: the
// nested schema and the mapping sit side by side, and both data sources use
// them.

// taskStatusModel holds every field of the spec's TaskStatus.
type taskStatusModel struct {
	ID                    types.String      `tfsdk:"id"`
	Type                  types.String      `tfsdk:"type"`
	UniqueName            types.String      `tfsdk:"unique_name"`
	Description           types.String      `tfsdk:"description"`
	ParentName            types.String      `tfsdk:"parent_name"`
	Launcher              types.String      `tfsdk:"launcher"`
	Target                types.Object      `tfsdk:"target"`
	Created               timetypes.RFC3339 `tfsdk:"created"`
	Modified              timetypes.RFC3339 `tfsdk:"modified"`
	Launched              timetypes.RFC3339 `tfsdk:"launched"`
	Completed             timetypes.RFC3339 `tfsdk:"completed"`
	CompletionStatus      types.String      `tfsdk:"completion_status"`
	Messages              types.List        `tfsdk:"messages"`
	Returns               types.List        `tfsdk:"returns"`
	Attributes            types.Dynamic     `tfsdk:"attributes"`
	Progress              types.String      `tfsdk:"progress"`
	PercentComplete       types.Number      `tfsdk:"percent_complete"`
	TaskDefinitionSummary types.Object      `tfsdk:"task_definition_summary"`
}

var targetAttrTypes = map[string]attr.Type{
	"id":   types.StringType,
	"type": types.StringType,
	"name": types.StringType,
}

var localizedTextAttrTypes = map[string]attr.Type{
	"locale":  types.StringType,
	"message": types.StringType,
}

var messageAttrTypes = map[string]attr.Type{
	"type":           types.StringType,
	"key":            types.StringType,
	"localized_text": types.ObjectType{AttrTypes: localizedTextAttrTypes},
	"parameters":     jsontypes.NormalizedType{},
}

var returnAttrTypes = map[string]attr.Type{
	"name":           types.StringType,
	"attribute_name": types.StringType,
}

var taskDefinitionSummaryAttrTypes = map[string]attr.Type{
	"id":          types.StringType,
	"unique_name": types.StringType,
	"description": types.StringType,
	"parent_name": types.StringType,
	"executor":    types.StringType,
	"arguments":   types.DynamicType,
}

// taskStatusAttrTypes is the object type of one task in a list.
var taskStatusAttrTypes = map[string]attr.Type{
	"id":                      types.StringType,
	"type":                    types.StringType,
	"unique_name":             types.StringType,
	"description":             types.StringType,
	"parent_name":             types.StringType,
	"launcher":                types.StringType,
	"target":                  types.ObjectType{AttrTypes: targetAttrTypes},
	"created":                 timetypes.RFC3339Type{},
	"modified":                timetypes.RFC3339Type{},
	"launched":                timetypes.RFC3339Type{},
	"completed":               timetypes.RFC3339Type{},
	"completion_status":       types.StringType,
	"messages":                types.ListType{ElemType: types.ObjectType{AttrTypes: messageAttrTypes}},
	"returns":                 types.ListType{ElemType: types.ObjectType{AttrTypes: returnAttrTypes}},
	"attributes":              types.DynamicType,
	"progress":                types.StringType,
	"percent_complete":        types.NumberType,
	"task_definition_summary": types.ObjectType{AttrTypes: taskDefinitionSummaryAttrTypes},
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func computedTime(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		CustomType:          timetypes.RFC3339Type{},
		MarkdownDescription: desc + " RFC 3339 text as the API sends it; null when the API sends null.",
	}
}

// taskStatusAttributes is the schema of every TaskStatus field but id, with
// the descriptions of the spec. Each data source adds its own id.
func taskStatusAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"type":        computedString("Type of task this TaskStatus represents, such as `QUARTZ`, `QPOC` or `QUEUED_TASK`. Values the spec does not list yet are passed through."),
		"unique_name": computedString("Name of the task this TaskStatus represents, such as `Cloud Account Aggregation`."),
		"description": computedString("Description of the task this TaskStatus represents."),
		"parent_name": computedString("Name of the parent of the task this TaskStatus represents; null when it has none."),
		"launcher":    computedString("Service to execute the task this TaskStatus represents, such as `sweep`."),
		"target": schema.SingleNestedAttribute{
			Computed:            true,
			MarkdownDescription: "What the task works on, such as a source; null when the API sends none.",
			Attributes: map[string]schema.Attribute{
				"id":   computedString("Target ID."),
				"type": computedString("Target type: `APPLICATION`, `IDENTITY`, or null. Values the spec does not list yet are passed through."),
				"name": computedString("Target name, such as `Active Directory [source]`."),
			},
		},
		"created":   computedTime("Creation date of the task this TaskStatus represents."),
		"modified":  computedTime("Last modification date of the task this TaskStatus represents."),
		"launched":  computedTime("Launch date of the task this TaskStatus represents."),
		"completed": computedTime("Completion date of the task this TaskStatus represents."),
		"completion_status": computedString("Completion status of the task this TaskStatus represents: `SUCCESS`, `WARNING`, " +
			"`ERROR`, `TERMINATED`, `TEMPERROR`, or null while the task has not finished. Values the spec does not list yet are passed through."),
		"messages": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Messages associated with the task this TaskStatus represents, in the API's order.",
			NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"type": computedString("Type of the message: `INFO`, `WARN` or `ERROR`."),
					"key":  computedString("Key of the message."),
					"localized_text": schema.SingleNestedAttribute{
						Computed:            true,
						MarkdownDescription: "Localized form of the message; null when the API sends null.",
						Attributes: map[string]schema.Attribute{
							"locale":  computedString("Message locale."),
							"message": computedString("Message text."),
						},
					},
					"parameters": schema.StringAttribute{
						Computed:   true,
						CustomType: jsontypes.NormalizedType{},
						MarkdownDescription: "Message parameters for internationalization, as a JSON-encoded array " +
							"(use `jsondecode`); null when the API sends null.",
					},
				},
			},
		},
		"returns": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Return values from the task this TaskStatus represents.",
			NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"name":           computedString("Display name of the TaskReturnDetails."),
					"attribute_name": computedString("Attribute the TaskReturnDetails is for, a key of `attributes`."),
				},
			},
		},
		"attributes": schema.DynamicAttribute{
			Computed: true,
			MarkdownDescription: "Attributes of the task this TaskStatus represents, as an object, so " +
				"`attributes.identityCount` works without `jsondecode`. JSON null values become null.",
		},
		"progress": computedString("Current progress of the task this TaskStatus represents, such as `Started`; null when the API sends null."),
		"percent_complete": schema.NumberAttribute{
			Computed:            true,
			MarkdownDescription: "Current percentage completion of the task this TaskStatus represents.",
		},
		"task_definition_summary": schema.SingleNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Definition of the type of task; null when the API leaves it out.",
			Attributes: map[string]schema.Attribute{
				"id":          computedString("System-generated unique ID of the TaskDefinition."),
				"unique_name": computedString("Name of the TaskDefinition."),
				"description": computedString("Description of the TaskDefinition; null when it has none."),
				"parent_name": computedString("Name of the parent of the TaskDefinition."),
				"executor":    computedString("Executor of the TaskDefinition; null when it has none."),
				"arguments": schema.DynamicAttribute{
					Computed:            true,
					MarkdownDescription: "Formal parameters of the TaskDefinition, without values, as an object.",
				},
			},
		},
	}
}

// newTaskStatusModel maps a TaskStatus. Absent and null stay null.
func newTaskStatusModel(ts *sailpoint.TaskStatus) (taskStatusModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := taskStatusModel{
		ID:               types.StringValue(ts.ID),
		Type:             types.StringPointerValue(ts.Type),
		UniqueName:       types.StringPointerValue(ts.UniqueName),
		Description:      types.StringPointerValue(ts.Description),
		ParentName:       types.StringPointerValue(ts.ParentName),
		Launcher:         types.StringPointerValue(ts.Launcher),
		Created:          timeValue(ts.Created, "created", ts.ID, &diags),
		Modified:         timeValue(ts.Modified, "modified", ts.ID, &diags),
		Launched:         timeValue(ts.Launched, "launched", ts.ID, &diags),
		Completed:        timeValue(ts.Completed, "completed", ts.ID, &diags),
		CompletionStatus: types.StringPointerValue(ts.CompletionStatus),
		Progress:         types.StringPointerValue(ts.Progress),
		PercentComplete:  types.NumberNull(),
	}

	// Nested values are built directly, not through the framework's
	// reflection: a task may carry tens of thousands of messages.
	m.Target = types.ObjectNull(targetAttrTypes)
	if t := ts.Target; t != nil {
		m.Target = object(targetAttrTypes, map[string]attr.Value{
			"id":   types.StringPointerValue(t.ID),
			"type": types.StringPointerValue(t.Type),
			"name": types.StringPointerValue(t.Name),
		}, &diags)
	}

	messageType := types.ObjectType{AttrTypes: messageAttrTypes}
	m.Messages = types.ListNull(messageType)
	if ts.Messages != nil {
		elems := make([]attr.Value, len(ts.Messages))
		for i, msg := range ts.Messages {
			text := types.ObjectNull(localizedTextAttrTypes)
			if lt := msg.LocalizedText; lt != nil {
				text = object(localizedTextAttrTypes, map[string]attr.Value{
					"locale":  types.StringPointerValue(lt.Locale),
					"message": types.StringPointerValue(lt.Message),
				}, &diags)
			}
			params := jsontypes.NewNormalizedNull()
			if !isNullJSON(msg.Parameters) {
				var buf bytes.Buffer
				if err := json.Compact(&buf, msg.Parameters); err == nil {
					params = jsontypes.NewNormalizedValue(buf.String())
				}
			}
			elems[i] = object(messageAttrTypes, map[string]attr.Value{
				"type":           types.StringPointerValue(msg.Type),
				"key":            types.StringPointerValue(msg.Key),
				"localized_text": text,
				"parameters":     params,
			}, &diags)
		}
		m.Messages = list(messageType, elems, &diags)
	}

	returnType := types.ObjectType{AttrTypes: returnAttrTypes}
	m.Returns = types.ListNull(returnType)
	if ts.Returns != nil {
		elems := make([]attr.Value, len(ts.Returns))
		for i, r := range ts.Returns {
			elems[i] = object(returnAttrTypes, map[string]attr.Value{
				"name":           types.StringPointerValue(r.Name),
				"attribute_name": types.StringPointerValue(r.AttributeName),
			}, &diags)
		}
		m.Returns = list(returnType, elems, &diags)
	}

	var d diag.Diagnostics
	m.Attributes, d = dynamicFromJSON(ts.Attributes, "attributes")
	diags.Append(d...)

	if ts.PercentComplete != nil {
		f, _, err := big.ParseFloat(ts.PercentComplete.String(), 10, 256, big.ToNearestEven)
		if err != nil {
			diags.AddError("Unreadable percentComplete", fmt.Sprintf("Task %s has percentComplete %q, which is not a number.", ts.ID, ts.PercentComplete.String()))
		} else {
			m.PercentComplete = types.NumberValue(f)
		}
	}

	m.TaskDefinitionSummary = types.ObjectNull(taskDefinitionSummaryAttrTypes)
	if tds := ts.TaskDefinitionSummary; tds != nil {
		args, d := dynamicFromJSON(tds.Arguments, "taskDefinitionSummary.arguments")
		diags.Append(d...)
		m.TaskDefinitionSummary = object(taskDefinitionSummaryAttrTypes, map[string]attr.Value{
			"id":          types.StringPointerValue(tds.ID),
			"unique_name": types.StringPointerValue(tds.UniqueName),
			"description": types.StringPointerValue(tds.Description),
			"parent_name": types.StringPointerValue(tds.ParentName),
			"executor":    types.StringPointerValue(tds.Executor),
			"arguments":   args,
		}, &diags)
	}
	return m, diags
}

// taskStatusObject is a task as one object value whose every part has a
// concrete type (its dynamic attributes unwrapped), so that tasks with
// differently shaped attributes can stand side by side in a tuple.
func taskStatusObject(ctx context.Context, ts *sailpoint.TaskStatus) (attr.Value, diag.Diagnostics) {
	model, diags := newTaskStatusModel(ts)
	if diags.HasError() {
		return nil, diags
	}
	obj, d := types.ObjectValueFrom(ctx, taskStatusAttrTypes, model)
	diags.Append(d...)
	if diags.HasError() {
		return nil, diags
	}
	v, d := concrete(ctx, obj)
	diags.Append(d...)
	return v, diags
}

// concrete replaces dynamic values inside objects by what they hold.
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

// object and list build a value, adding any problem to diags.
func object(attrTypes map[string]attr.Type, attrs map[string]attr.Value, diags *diag.Diagnostics) types.Object {
	v, d := types.ObjectValue(attrTypes, attrs)
	diags.Append(d...)
	return v
}

func list(elemType attr.Type, elems []attr.Value, diags *diag.Diagnostics) types.List {
	v, d := types.ListValue(elemType, elems)
	diags.Append(d...)
	return v
}

// otherTimeLayouts are date-times seen in ISC examples that are not RFC
// 3339 (the PATCH example writes "2024-05-17 19:33:16.470000+00:00").
var otherTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// timeValue keeps the API's RFC 3339 text as it is. Another date-time
// layout is rewritten as RFC 3339 (UTC when it names no zone); text that is
// no date-time at all becomes null with a warning, rather than failing the
// read of a task whose status may be fine. An empty string is null.
func timeValue(s *string, field, taskID string, diags *diag.Diagnostics) timetypes.RFC3339 {
	if s == nil || *s == "" {
		return timetypes.NewRFC3339Null()
	}
	if _, err := time.Parse(time.RFC3339, *s); err == nil {
		return timetypes.RFC3339{StringValue: basetypes.NewStringValue(*s)}
	}
	for _, layout := range otherTimeLayouts {
		if t, err := time.Parse(layout, *s); err == nil {
			return timetypes.RFC3339{StringValue: basetypes.NewStringValue(t.UTC().Format(time.RFC3339Nano))}
		}
	}
	diags.AddWarning("Unreadable task timestamp", fmt.Sprintf(
		"Task %q has %s %q, which is not a date-time; %s is left null.", taskID, field, *s, field))
	return timetypes.NewRFC3339Null()
}

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
