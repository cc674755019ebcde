package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"sync"
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
// schema and the mapping sit side by side, and the attribute types are
// derived from the schema, so a new field is one schema entry and one
// mapping entry. sailpoint_task_status shows these attributes at its top
// level, sailpoint_task_statuses as list elements, and the launch
// resources under `task`.

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

// taskStatusAttributes is the schema of every TaskStatus field, with the
// descriptions of the spec. sailpoint_task_status replaces `id` with its
// required argument.
func taskStatusAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":          computedString("System-generated unique ID of the task this TaskStatus represents."),
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

// taskStatusType is the object type of a TaskStatus, derived from the schema.
var taskStatusType = sync.OnceValue(func() types.ObjectType {
	t, _ := schema.SingleNestedAttribute{Attributes: taskStatusAttributes()}.GetType().(types.ObjectType)
	return t
})

// nestedTypes are the object types of the nested TaskStatus parts.
type nestedTypes struct {
	task, target, message, localizedText, returnDetails, taskDefinition types.ObjectType
}

var taskStatusTypes = sync.OnceValue(func() nestedTypes {
	task := taskStatusType()
	message := elemObject(task.AttrTypes["messages"])
	return nestedTypes{
		task:           task,
		target:         objectType(task.AttrTypes["target"]),
		message:        message,
		localizedText:  objectType(message.AttrTypes["localized_text"]),
		returnDetails:  elemObject(task.AttrTypes["returns"]),
		taskDefinition: objectType(task.AttrTypes["task_definition_summary"]),
	}
})

// objectType and elemObject read the schema's types. Were the schema to
// change shape, they give an empty type, and mapping then fails with a
// diagnostic (and the schema tests fail) rather than a panic.
func objectType(t attr.Type) types.ObjectType {
	o, _ := t.(types.ObjectType)
	return o
}

func elemObject(t attr.Type) types.ObjectType {
	l, _ := t.(types.ListType)
	return objectType(l.ElemType)
}

// taskMapper builds the values of one task and collects what went wrong.
type taskMapper struct {
	taskID string
	diags  diag.Diagnostics
}

// newTaskStatusValue maps a TaskStatus to an object of taskStatusType.
// Absent and null stay null.
func newTaskStatusValue(ts *sailpoint.TaskStatus) (types.Object, diag.Diagnostics) {
	m := &taskMapper{taskID: ts.ID}
	nt := taskStatusTypes()

	// Nested values are built directly, not through the framework's
	// reflection: a task may carry tens of thousands of messages.
	target := types.ObjectNull(nt.target.AttrTypes)
	if t := ts.Target; t != nil {
		target = m.object(nt.target, map[string]attr.Value{
			"id":   types.StringPointerValue(t.ID),
			"type": types.StringPointerValue(t.Type),
			"name": types.StringPointerValue(t.Name),
		})
	}

	messages := types.ListNull(nt.message)
	if ts.Messages != nil {
		elems := make([]attr.Value, len(ts.Messages))
		for i, msg := range ts.Messages {
			text := types.ObjectNull(nt.localizedText.AttrTypes)
			if lt := msg.LocalizedText; lt != nil {
				text = m.object(nt.localizedText, map[string]attr.Value{
					"locale":  types.StringPointerValue(lt.Locale),
					"message": types.StringPointerValue(lt.Message),
				})
			}
			elems[i] = m.object(nt.message, map[string]attr.Value{
				"type":           types.StringPointerValue(msg.Type),
				"key":            types.StringPointerValue(msg.Key),
				"localized_text": text,
				"parameters":     jsonText(msg.Parameters),
			})
		}
		messages = m.list(nt.message, elems)
	}

	returns := types.ListNull(nt.returnDetails)
	if ts.Returns != nil {
		elems := make([]attr.Value, len(ts.Returns))
		for i, r := range ts.Returns {
			elems[i] = m.object(nt.returnDetails, map[string]attr.Value{
				"name":           types.StringPointerValue(r.Name),
				"attribute_name": types.StringPointerValue(r.AttributeName),
			})
		}
		returns = m.list(nt.returnDetails, elems)
	}

	taskDefinition := types.ObjectNull(nt.taskDefinition.AttrTypes)
	if tds := ts.TaskDefinitionSummary; tds != nil {
		taskDefinition = m.object(nt.taskDefinition, map[string]attr.Value{
			"id":          types.StringPointerValue(tds.ID),
			"unique_name": types.StringPointerValue(tds.UniqueName),
			"description": types.StringPointerValue(tds.Description),
			"parent_name": types.StringPointerValue(tds.ParentName),
			"executor":    types.StringPointerValue(tds.Executor),
			"arguments":   m.dynamic(tds.Arguments, "taskDefinitionSummary.arguments"),
		})
	}

	v := m.object(nt.task, map[string]attr.Value{
		"id":                      types.StringValue(ts.ID),
		"type":                    types.StringPointerValue(ts.Type),
		"unique_name":             types.StringPointerValue(ts.UniqueName),
		"description":             types.StringPointerValue(ts.Description),
		"parent_name":             types.StringPointerValue(ts.ParentName),
		"launcher":                types.StringPointerValue(ts.Launcher),
		"target":                  target,
		"created":                 m.time(ts.Created, "created"),
		"modified":                m.time(ts.Modified, "modified"),
		"launched":                m.time(ts.Launched, "launched"),
		"completed":               m.time(ts.Completed, "completed"),
		"completion_status":       types.StringPointerValue(ts.CompletionStatus),
		"messages":                messages,
		"returns":                 returns,
		"attributes":              m.dynamic(ts.Attributes, "attributes"),
		"progress":                types.StringPointerValue(ts.Progress),
		"percent_complete":        m.percentComplete(ts.PercentComplete),
		"task_definition_summary": taskDefinition,
	})
	if m.diags.HasError() {
		return types.ObjectNull(nt.task.AttrTypes), m.diags
	}
	return v, m.diags
}

// taskStatusObject is a task as one object value whose every part has a
// concrete type (its dynamic attributes unwrapped), so that tasks with
// differently shaped attributes can stand side by side in a tuple.
func taskStatusObject(ctx context.Context, ts *sailpoint.TaskStatus) (attr.Value, diag.Diagnostics) {
	obj, diags := newTaskStatusValue(ts)
	if diags.HasError() {
		return nil, diags
	}
	v, d := concrete(ctx, obj)
	diags.Append(d...)
	return v, diags
}

func (m *taskMapper) object(t types.ObjectType, attrs map[string]attr.Value) types.Object {
	v, d := types.ObjectValue(t.AttrTypes, attrs)
	m.diags.Append(d...)
	return v
}

func (m *taskMapper) list(elemType attr.Type, elems []attr.Value) types.List {
	v, d := types.ListValue(elemType, elems)
	m.diags.Append(d...)
	return v
}

func (m *taskMapper) dynamic(raw json.RawMessage, what string) types.Dynamic {
	v, d := dynamicFromJSON(raw, what)
	m.diags.Append(d...)
	return v
}

func (m *taskMapper) percentComplete(n *json.Number) types.Number {
	if n == nil {
		return types.NumberNull()
	}
	f, _, err := big.ParseFloat(n.String(), 10, 256, big.ToNearestEven)
	if err != nil {
		m.diags.AddError("Unreadable percentComplete", fmt.Sprintf("Task %s has percentComplete %q, which is not a number.", m.taskID, n.String()))
		return types.NumberNull()
	}
	return types.NumberValue(f)
}

// jsonText is a message's parameters as compact JSON text, null when the
// API sent null or nothing.
func jsonText(raw json.RawMessage) jsontypes.Normalized {
	if isNullJSON(raw) {
		return jsontypes.NewNormalizedNull()
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return jsontypes.NewNormalizedNull()
	}
	return jsontypes.NewNormalizedValue(buf.String())
}

// tenantTime is a tenant timestamp (sailpoint.ParseTime): RFC 3339 text
// as it is, another date-time layout rewritten as RFC 3339; null when
// absent, empty or no date-time.
func tenantTime(s *string) timetypes.RFC3339 {
	if s == nil || *s == "" {
		return timetypes.NewRFC3339Null()
	}
	switch t, rfc3339, ok := sailpoint.ParseTime(*s); {
	case rfc3339:
		return timetypes.RFC3339{StringValue: basetypes.NewStringValue(*s)}
	case ok:
		return timetypes.RFC3339{StringValue: basetypes.NewStringValue(t.Format(time.RFC3339Nano))}
	}
	return timetypes.NewRFC3339Null()
}

// time keeps the API's RFC 3339 text as it is. Another date-time layout is
// rewritten as RFC 3339 (UTC when it names no zone); text that is no
// date-time at all becomes null with a warning, rather than failing the
// read of a task whose status may be fine. An empty string is null.
func (m *taskMapper) time(s *string, field string) timetypes.RFC3339 {
	if v := tenantTime(s); !v.IsNull() || s == nil || *s == "" {
		return v
	}
	m.diags.AddWarning("Unreadable task timestamp", fmt.Sprintf(
		"Task %q has %s %q, which is not a date-time; %s is left null.", m.taskID, field, *s, field))
	return timetypes.NewRFC3339Null()
}
