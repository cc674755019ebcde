package sailpoint

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ConfigImportTypes are the object types an import takes: the enum of
// ImportOptions.includeTypes, excludeTypes and defaultReferences (and of
// ImportObject.type). SelfImportExportDto.type says import "is currently
// only possible with" these.
var ConfigImportTypes = []string{
	"CONNECTOR_RULE", "IDENTITY_OBJECT_CONFIG", "IDENTITY_PROFILE", "RULE", "SOURCE", "TRANSFORM", "TRIGGER_SUBSCRIPTION",
}

// ConfigExportTypes are the object types an export takes: the enum of
// ExportOptions.includeTypes and excludeTypes (and of
// SelfImportExportDto.type).
var ConfigExportTypes = []string{
	"ACCESS_PROFILE", "ACCESS_REQUEST_CONFIG", "ATTR_SYNC_SOURCE_CONFIG", "AUTH_ORG", "CAMPAIGN_FILTER",
	"CONNECTOR_RULE", "FORM_DEFINITION", "GOVERNANCE_GROUP", "IDENTITY_OBJECT_CONFIG", "IDENTITY_PROFILE",
	"LIFECYCLE_STATE", "NOTIFICATION_TEMPLATE", "PASSWORD_POLICY", "PASSWORD_SYNC_GROUP", "PUBLIC_IDENTITIES_CONFIG",
	"ROLE", "RULE", "SEGMENT", "SERVICE_DESK_INTEGRATION", "SOD_POLICY",
	"SOURCE", "TAG", "TRANSFORM", "TRIGGER_SUBSCRIPTION", "WORKFLOW",
}

// ConfigOptionError is one refused value of an export's or an import's
// options, named by the spec's field, so a caller can point at its own
// name for it.
type ConfigOptionError struct {
	// Field is the spec's name: includeTypes, excludeTypes,
	// defaultReferences or objectOptions.
	Field string
	// Key is the objectOptions key (an object type) the problem is in;
	// "" for the other fields.
	Key string
	// Value is the value refused, as given.
	Value   string
	Problem string
}

func (e *ConfigOptionError) Error() string {
	if e.Key != "" {
		return fmt.Sprintf("%s[%q]: %s", e.Field, e.Key, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Problem)
}

// ValidateConfigExportRequest checks an export's types against
// ConfigExportTypes and its objectOptions keys against them and the
// included and excluded types. Every problem is a *ConfigOptionError,
// joined.
func ValidateConfigExportRequest(req ConfigExportRequest) error {
	var problems []error
	problems = append(problems, checkTypes("includeTypes", req.IncludeTypes, ConfigExportTypes, "an export")...)
	problems = append(problems, checkTypes("excludeTypes", req.ExcludeTypes, ConfigExportTypes, "an export")...)
	problems = append(problems, checkObjectOptions(req.ObjectOptions, ConfigExportTypes, "an export", req.IncludeTypes, req.ExcludeTypes, nil)...)
	return errors.Join(problems...)
}

// ValidateConfigImportOptions checks an import's types against
// ConfigImportTypes, and its objectOptions keys against them, the included
// and excluded types, and, when doc is not nil, the types of the
// document's objects. Every problem is a *ConfigOptionError, joined.
func ValidateConfigImportOptions(opts ConfigImportOptions, doc *ConfigDocument) error {
	var problems []error
	problems = append(problems, checkTypes("includeTypes", opts.IncludeTypes, ConfigImportTypes, "an import")...)
	problems = append(problems, checkTypes("excludeTypes", opts.ExcludeTypes, ConfigImportTypes, "an import")...)
	problems = append(problems, checkTypes("defaultReferences", opts.DefaultReferences, ConfigImportTypes, "an import")...)
	var docTypes []string
	if doc != nil {
		docTypes = append([]string{}, doc.Types()...)
	}
	problems = append(problems, checkObjectOptions(opts.ObjectOptions, ConfigImportTypes, "an import", opts.IncludeTypes, opts.ExcludeTypes, docTypes)...)
	return errors.Join(problems...)
}

func checkTypes(field string, types, valid []string, job string) []error {
	var problems []error
	for i, t := range types {
		switch {
		case !slices.Contains(valid, t):
			problems = append(problems, &ConfigOptionError{Field: field, Value: t,
				Problem: fmt.Sprintf("%q is not an object type the spec lists for %s; use one of %s", CleanText(t), job, strings.Join(valid, ", "))})
		case slices.Contains(types[:i], t):
			problems = append(problems, &ConfigOptionError{Field: field, Value: t, Problem: fmt.Sprintf("%q is listed twice", t)})
		}
	}
	return problems
}

// checkObjectOptions checks that each key of options is a type of valid
// that the job takes: in include when include is set (it "takes precedence
// over excludeTypes"), else not in exclude; and, with docTypes (not nil),
// one of the document's types. The ids and names must not be empty.
func checkObjectOptions(options map[string]ConfigObjectOptions, valid []string, job string, include, exclude, docTypes []string) []error {
	keys := make([]string, 0, len(options))
	for k := range options {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var problems []error
	refuse := func(key, value, format string, args ...any) {
		problems = append(problems, &ConfigOptionError{Field: "objectOptions", Key: key, Value: value, Problem: fmt.Sprintf(format, args...)})
	}
	for _, k := range keys {
		switch {
		case !slices.Contains(valid, k):
			refuse(k, k, "%q is not an object type the spec lists for %s; use one of %s", CleanText(k), job, strings.Join(valid, ", "))
		case len(include) > 0 && !slices.Contains(include, k):
			refuse(k, k, "options for %s objects, which includeTypes leaves out (it lists %s)", k, strings.Join(include, ", "))
		case len(include) == 0 && slices.Contains(exclude, k):
			refuse(k, k, "options for %s objects, which excludeTypes leaves out", k)
		case docTypes != nil && !slices.Contains(docTypes, k):
			have := "none"
			if len(docTypes) > 0 {
				have = strings.Join(docTypes, ", ")
			}
			refuse(k, k, "options for %s objects, but the document has none (its types: %s)", k, have)
		}
		for _, id := range options[k].IncludedIDs {
			if strings.TrimSpace(id) == "" {
				refuse(k, id, "includedIds holds an empty id")
			}
		}
		for _, name := range options[k].IncludedNames {
			if strings.TrimSpace(name) == "" {
				refuse(k, name, "includedNames holds an empty name")
			}
		}
	}
	return problems
}
