package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

// attributeNames lists every attribute path of a data source schema, and
// fails on any attribute without a description.
func attributeNames(t *testing.T, prefix string, attrs map[string]dsschema.Attribute) []string {
	var out []string
	for name, a := range attrs {
		p := prefix + name
		out = append(out, p)
		if strings.TrimSpace(a.GetMarkdownDescription()) == "" {
			t.Errorf("%s has no MarkdownDescription", p)
		}
		switch n := a.(type) {
		case dsschema.SingleNestedAttribute:
			out = append(out, attributeNames(t, p+".", n.Attributes)...)
		case dsschema.ListNestedAttribute:
			out = append(out, attributeNames(t, p+"[].", n.NestedObject.Attributes)...)
		}
	}
	slices.Sort(out)
	return out
}

// The schema mirrors every TaskStatus field of the spec under its
// snake_case name, and nothing else.
func TestTaskStatusSchemaNames(t *testing.T) {
	t.Parallel()
	var resp datasource.SchemaResponse
	NewTaskStatusDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	want := []string{
		"attributes", "completed", "completion_status", "created", "description", "id", "launched", "launcher",
		"messages", "messages[].key", "messages[].localized_text", "messages[].localized_text.locale",
		"messages[].localized_text.message", "messages[].parameters", "messages[].type", "modified", "parent_name",
		"percent_complete", "progress", "returns", "returns[].attribute_name", "returns[].name", "target", "target.id",
		"target.name", "target.type", "task_definition_summary", "task_definition_summary.arguments",
		"task_definition_summary.description", "task_definition_summary.executor", "task_definition_summary.id",
		"task_definition_summary.parent_name", "task_definition_summary.unique_name", "type", "unique_name",
	}
	got := attributeNames(t, "", resp.Schema.Attributes)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing attribute %s", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) && !slices.Contains(extraArguments, strings.Split(g, ".")[0]) {
			t.Errorf("unexpected attribute %s", g)
		}
	}
}

// extraArguments are the data source's arguments beyond the TaskStatus fields.
var extraArguments = []string{"wait_for_completion", "poll_interval", "min_poll_interval", "expected_completion_statuses", "timeouts"}

func TestProviderSchemaSecretsSensitive(t *testing.T) {
	t.Parallel()
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for name, a := range resp.Schema.Attributes {
		wantSensitive := name == "client_secret" || name == "access_token"
		if a.IsSensitive() != wantSensitive {
			t.Errorf("%s: sensitive = %v, want %v", name, a.IsSensitive(), wantSensitive)
		}
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s has no MarkdownDescription", name)
		}
	}
}

func TestTaskStatusesSchema(t *testing.T) {
	t.Parallel()
	var resp datasource.SchemaResponse
	NewTaskStatusesDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	got := attributeNames(t, "", resp.Schema.Attributes)
	if want := []string{"filters", "limit", "sorters", "task_statuses", "timeouts", "timeouts.read"}; !slices.Equal(got, want) {
		t.Errorf("attributes %v, want %v", got, want)
	}
}
