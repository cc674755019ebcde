package provider

import (
	"fmt"
	"strings"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Small text helpers used across the package: optional fields of the
// client's types, and wording of messages.

func ptrString(p *string) string { return ptrOr(p, "") }

func ptrOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// orNull quotes p for a message, or says null.
func orNull(p *string) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *p)
}

// percentCompleteOr is the task's percent complete as text, or def when
// the tenant did not say.
func percentCompleteOr(ts *sailpoint.TaskStatus, def string) string {
	if ts.PercentComplete == nil {
		return def
	}
	return ts.PercentComplete.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// nonEmpty drops the empty strings.
func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// withArticle is "an account aggregation", "a machine identity aggregation".
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
