package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// stringCheck is a string validator made of a check on known values:
// null and unknown values pass (the environment may still supply one, or
// it is known only after apply).
type stringCheck struct {
	description string
	summary     string
	// check returns the detail of what is wrong, or "" when nothing is.
	check func(string) string
}

func (v stringCheck) Description(context.Context) string { return v.description }

func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if detail := v.check(req.ConfigValue.ValueString()); detail != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, detail)
	}
}

// baseURLValidator applies the client's own rule: https, or http for a
// loopback host.
var baseURLValidator = stringCheck{
	description: "must be an https URL, or http for a loopback host",
	summary:     "Invalid SailPoint base URL",
	check: func(s string) string {
		if err := sailpoint.ValidateBaseURL(s); err != nil {
			return baseURLDetail(err)
		}
		return ""
	},
}

// baseURLDetail explains why the client refuses a base URL.
func baseURLDetail(err error) string { return "The base URL " + err.Error() + "." }

// taskIDValidator refuses the ids the client would refuse, at validate
// time, so a bad id fails before any request.
var taskIDValidator = stringCheck{
	description: "must be a task id: not blank, without '/', '?', '#', '%', '..' or control characters",
	summary:     "Invalid task id",
	check: func(s string) string {
		if err := sailpoint.ValidateTaskID(s); err != nil {
			return capitalize(err.Error()) + ". Task ids look like 2c91808a7813090a01781412a1110a30."
		}
		return ""
	},
}

// minDuration refuses Go durations shorter than least; malformed ones are
// left to the GoDuration type's own check.
func minDuration(least time.Duration, what string) stringCheck {
	return stringCheck{
		description: "must be at least " + least.String(),
		summary:     what + " too short",
		check: func(s string) string {
			if d, err := time.ParseDuration(s); err == nil && d < least {
				return fmt.Sprintf("%s is shorter than %s.", d, least)
			}
			return ""
		},
	}
}

// notAbovePollInterval refuses a min_poll_interval above poll_interval
// (30 s when not set): no pause could be both.
type notAbovePollInterval struct{}

func (notAbovePollInterval) Description(context.Context) string {
	return "must not be above poll_interval"
}

func (v notAbovePollInterval) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (notAbovePollInterval) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	least, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil {
		return // the GoDuration type says what is wrong
	}
	var capValue timetypes.GoDuration
	if diags := req.Config.GetAttribute(ctx, req.Path.ParentPath().AtName("poll_interval"), &capValue); diags.HasError() || capValue.IsUnknown() {
		return
	}
	limit, named := sailpoint.DefaultPollMax, "its default, 30s"
	if !capValue.IsNull() {
		if limit, err = time.ParseDuration(capValue.ValueString()); err != nil {
			return
		}
		named = limit.String()
	}
	if least > limit {
		resp.Diagnostics.AddAttributeError(req.Path, "Minimum poll interval above poll_interval", fmt.Sprintf(
			"min_poll_interval is %s, and poll_interval is %s: no pause can be both. Lower min_poll_interval, or raise "+
				"poll_interval to at least %s (set both to one value to poll at a fixed interval).", least, named, least))
	}
}

// idValidator refuses the ids the client's rule for them refuses (they
// become part of a request path).
func idValidator(what string, rule func(string) error) stringCheck {
	return stringCheck{
		description: "must be a " + what + ": not blank, without '/', '?', '#', '%', '..' or control characters",
		summary:     "Invalid " + what,
		check: func(s string) string {
			if err := rule(s); err != nil {
				return capitalize(err.Error()) + "."
			}
			return ""
		},
	}
}

// apiVersionValidator applies the client's rule for API versions.
var apiVersionValidator = stringCheck{
	description: "must be one of " + strings.Join(sailpoint.APIVersions, ", "),
	summary:     "Unsupported SailPoint API version",
	check: func(s string) string {
		if err := sailpoint.ValidateAPIVersion(s); err != nil {
			return apiVersionDetail(err)
		}
		return ""
	},
}

// apiVersionDetail explains why the client refuses an API version, and
// where it can be set.
func apiVersionDetail(err error) string {
	return fmt.Sprintf("%s (api_version or %s).", capitalize(err.Error()), EnvAPIVersion)
}
