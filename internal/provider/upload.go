package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The file a launch uploads: planned by its content's SHA-256, read when
// the launch starts, and refused when it changed in between.

// readUpload reads the file to upload, nil without one. planned is the
// SHA-256 the plan holds; unknown or null is not checked.
func readUpload(file, planned types.String) (*sailpoint.LaunchFile, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if file.IsNull() {
		return nil, "", diags
	}
	name := file.ValueString()
	content, err := os.ReadFile(name)
	if err != nil {
		diags.AddAttributeError(path.Root("file"), "Cannot read the file to upload", fmt.Sprintf("Reading %q: %v. Nothing was started.", name, err))
		return nil, "", diags
	}
	sum := sha256Hex(content)
	if !planned.IsUnknown() && !planned.IsNull() && planned.ValueString() != sum {
		diags.AddAttributeError(path.Root("file"), "The file changed after the plan", fmt.Sprintf(
			"%q had SHA-256 %s when the plan was made and has %s now. Nothing was started; plan again to upload what the file holds now.",
			name, planned.ValueString(), sum))
		return nil, "", diags
	}
	return &sailpoint.LaunchFile{Name: filepath.Base(name), Content: content}, sum, diags
}

// plannedFileHash is the SHA-256 of the file to upload as the plan sees it:
// null without a file, unknown while the file or its path is not there yet.
func plannedFileHash(ctx context.Context, file types.String) (types.String, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case file.IsNull():
		return types.StringNull(), diags
	case file.IsUnknown():
		return types.StringUnknown(), diags
	}
	content, err := os.ReadFile(file.ValueString())
	switch {
	case err == nil:
		return types.StringValue(sha256Hex(content)), diags
	case errors.Is(err, fs.ErrNotExist):
		// Another resource of the apply (a local_file) may write it; it is
		// read when this one is applied.
		tflog.Debug(ctx, "The file to upload does not exist yet; its hash is known after apply", map[string]any{"file": file.ValueString()})
		diags.AddAttributeWarning(path.Root("file"), "The file to upload does not exist yet", fmt.Sprintf(
			"%q does not exist now. If another resource of this apply writes it, it is read when this resource is applied; "+
				"if it is still missing then, nothing is started. Otherwise check the path (relative paths are read from the "+
				"directory Terraform runs in: use \"${path.module}/...\").", file.ValueString()))
		return types.StringUnknown(), diags
	}
	diags.AddAttributeError(path.Root("file"), "Cannot read the file to upload", fmt.Sprintf("Reading %q: %v. Name a readable CSV file.", file.ValueString(), err))
	return types.StringUnknown(), diags
}
