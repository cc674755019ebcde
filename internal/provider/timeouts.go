package provider

import (
	"context"
	"fmt"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	rtimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// What bounds each form's work, waiting included: a data source's
// timeouts.read, a resource's timeouts.create, an action's timeout.
const (
	readTimeoutName     = "timeouts.read"
	resourceTimeoutName = "timeouts.create"
	actionTimeoutName   = "timeout"

	// defaultReadTimeout bounds a read unless timeouts.read says otherwise.
	defaultReadTimeout = 20 * time.Minute
	// defaultLaunchTimeout bounds a launch, waiting included, unless the
	// configuration says otherwise. Aggregations of large sources take long.
	defaultLaunchTimeout = time.Hour
	// minActionTimeout leaves time for a few polls: less could not see a
	// task finish. It bounds timeouts.create too.
	minActionTimeout = 10 * time.Second
	// minReadTimeout refuses a read timeout that is no time at all.
	minReadTimeout = time.Second
)

// readTimeoutsAttribute is the library's timeouts attribute for a data
// source (timeouts = { read = "30m" }) with descriptions for the docs.
func readTimeoutsAttribute(ctx context.Context, readScope string) dsschema.Attribute {
	a, ok := dstimeouts.AttributesWithOpts(ctx, dstimeouts.Opts{
		ReadDescription: readScope + ", as a Go duration such as `\"30m\"` or `\"2h\"`. Defaults to `" + shortDuration(defaultReadTimeout) + "`.",
	}).(dsschema.SingleNestedAttribute)
	if !ok {
		return dstimeouts.Attributes(ctx)
	}
	a.MarkdownDescription = "Time limits for the read."
	if read, ok := a.Attributes["read"].(dsschema.StringAttribute); ok {
		read.MarkdownDescription = read.Description + fmt.Sprintf(" At least `%s`.", shortDuration(minReadTimeout))
		read.Validators = append(read.Validators, minDuration(minReadTimeout, "timeouts.read"))
		a.Attributes["read"] = read
	}
	return a
}

// createTimeoutsAttribute is the library's timeouts attribute for a
// resource (timeouts = { create = "90m" }) with descriptions for the docs.
func createTimeoutsAttribute(ctx context.Context) rschema.Attribute {
	a, ok := rtimeouts.Attributes(ctx, rtimeouts.Opts{
		Create: true,
		CreateDescription: fmt.Sprintf("How long creating may take, as a Go duration such as `\"90m\"`: waiting for the source "+
			"to be idle (operations on a source), starting the task and waiting for it. Defaults to `%s`. Changing it starts no new task.", shortDuration(defaultLaunchTimeout)),
	}).(rschema.SingleNestedAttribute)
	if !ok {
		return rtimeouts.Attributes(ctx, rtimeouts.Opts{Create: true})
	}
	a.MarkdownDescription = "Time limits for creating the resource."
	if create, ok := a.Attributes["create"].(rschema.StringAttribute); ok {
		create.MarkdownDescription = create.Description + fmt.Sprintf(" At least `%s`: less cannot see a task finish.", shortDuration(minActionTimeout))
		create.Validators = append(create.Validators, minDuration(minActionTimeout, "timeouts.create"))
		a.Attributes["create"] = create
	}
	return a
}

// actionTimeoutAttribute is an action's timeout: actions have no timeouts
// block.
func actionTimeoutAttribute() aschema.Attribute {
	return aschema.StringAttribute{
		Optional:   true,
		CustomType: timetypes.GoDurationType{},
		MarkdownDescription: fmt.Sprintf("How long the invocation may take, as a Go duration such as `\"90m\"`: starting the "+
			"task and waiting for it (and, for an operation on a source, waiting for the source to be idle first); at least `%s`. Defaults to `%s`.",
			shortDuration(minActionTimeout), shortDuration(defaultLaunchTimeout)),
		Validators: []validator.String{minDuration(minActionTimeout, "Timeout")},
	}
}

// readTimeout is a data source's timeouts.read, its default when not set.
func (a attrs) readTimeout(ctx context.Context) (time.Duration, diag.Diagnostics) {
	t, _ := a["timeouts"].(dstimeouts.Value)
	return t.Read(ctx, defaultReadTimeout)
}

// goDuration is a configured duration, 0 when null, unknown or invalid
// (the schema's validators have refused an invalid one already).
func goDuration(v timetypes.GoDuration) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	d, diags := v.ValueGoDuration()
	if diags.HasError() {
		return 0
	}
	return d
}

// shortDuration writes 1h0m0s as 1h.
func shortDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
