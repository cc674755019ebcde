package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The file a launch uploads: planned by its content's SHA-256, hashed again
// when the launch starts and refused when it changed in between, then
// streamed from disk as the request is sent. It must be a regular file of
// at most maxUploadBytes: a device, a FIFO or a larger file is refused at
// plan, and no file is ever held in memory whole.

// maxUploadBytes bounds the file to upload: 256 MiB. SailPoint recommends
// splitting a delimited file of more than 400,000 lines into several
// sources; at about 200 bytes a line that is some 80 MB, so the bound
// leaves room and stops a mistaken path (a disk image, /dev/zero) at plan.
const maxUploadBytes = 256 << 20

// hashFile is the SHA-256 and size of a regular file of at most
// maxUploadBytes, read as a stream.
func hashFile(name string) (sum string, size int64, err error) {
	f, err := openNoWait(name)
	if err != nil {
		return "", 0, err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	switch {
	case err != nil:
		return "", 0, err
	case !info.Mode().IsRegular():
		return "", 0, &uploadRefusal{fmt.Sprintf("%q is %s, not a regular file: only a file's content can be uploaded", name, fileKind(info.Mode()))}
	case info.Size() > maxUploadBytes:
		return "", 0, &uploadRefusal{fmt.Sprintf("%q holds %d bytes, more than the %d bytes (256 MiB) a file to upload may hold", name, info.Size(), maxUploadBytes)}
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, maxUploadBytes+1))
	switch {
	case err != nil:
		return "", 0, err
	case n > maxUploadBytes:
		return "", 0, &uploadRefusal{fmt.Sprintf("%q grew past %d bytes (256 MiB) while it was read", name, maxUploadBytes)}
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// fileKind names what a path that is no regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// uploadRefusal is a file the provider will not upload, whatever happens
// to it.
type uploadRefusal struct{ why string }

func (e *uploadRefusal) Error() string { return e.why }

// readUpload checks the file to upload and names it for the launch, nil
// without one. planned is the SHA-256 the plan holds; unknown or null is
// not checked.
func readUpload(file, planned types.String) (*sailpoint.LaunchFile, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if file.IsNull() {
		return nil, "", diags
	}
	name := file.ValueString()
	sum, size, err := hashFile(name)
	if err != nil {
		diags.AddAttributeError(path.Root("file"), "Cannot read the file to upload", fmt.Sprintf("Reading %q: %v. Nothing was started.", name, err))
		return nil, "", diags
	}
	if !planned.IsUnknown() && !planned.IsNull() && planned.ValueString() != sum {
		diags.AddAttributeError(path.Root("file"), "The file changed after the plan", fmt.Sprintf(
			"%q had SHA-256 %s when the plan was made and has %s now. Nothing was started; plan again to upload what the file holds now.",
			name, planned.ValueString(), sum))
		return nil, "", diags
	}
	return &sailpoint.LaunchFile{Name: filepath.Base(name), Path: name, Size: size}, sum, diags
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
	sum, _, err := hashFile(file.ValueString())
	var refused *uploadRefusal
	switch {
	case err == nil:
		return types.StringValue(sum), diags
	case errors.As(err, &refused):
		diags.AddAttributeError(path.Root("file"), "Cannot upload this file", capitalize(refused.Error())+". Name a CSV file of at most 256 MiB.")
		return types.StringUnknown(), diags
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
