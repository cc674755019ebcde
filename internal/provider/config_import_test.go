package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

const configImportAddr = "sailpoint_config_import.prod"

// promotionWorkspace is a workspace that exports from dev and imports into
// prod, each tenant behind a provider of its own (prod the default, through
// SAIL_*), on an API version. It runs the provider binary through the n
// CLI: Terraform starts one provider process per provider block, as it does
// for users (the in-process test server would share one between them).
func promotionWorkspace(t *testing.T, dev, prod *faketenant.Tenant, version, importArgs string) (string, []string) {
	t.Helper()
	dir, env := cliWorkspace(t, prod, fmt.Sprintf(`
provider "sailpoint" {
  alias         = "dev"
  base_url      = %q
  client_id     = %q
  client_secret = %q
}

data "sailpoint_config_export" "dev" {
  provider      = sailpoint.dev
  include_types = ["TRANSFORM", "RULE"]
  poll_interval = "1s"
}

resource "sailpoint_config_import" "prod" {
  content       = data.sailpoint_config_export.dev.content
  poll_interval = "1s"
  %s
}
`, dev.URL(), faketenant.DefaultClientID, faketenant.DefaultClientSecret, importArgs))
	return dir, append(env, EnvAPIVersion+"="+version)
}

// imports counts the import POSTs a tenant took, previews apart.
func imports(ft *faketenant.Tenant) (started, previews int) {
	for _, r := range ft.Requests() {
		switch {
		case faketenant.IsConfigPreview(r):
			previews++
		case faketenant.IsConfigImport(r):
			started++
		}
	}
	return started, previews
}

// Promotion on every version: the data source exports from dev (one POST,
// the job polled, one download a read), the resource imports into prod
// (one multipart POST, the job polled, its results downloaded once,
// gated); a second apply, with a new export of the same objects, imports
// nothing; one changed object starts one import.
func TestAccConfigImport_everyVersion(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			dev, prod := newTenant(t), newTenant(t)
			dir, env := promotionWorkspace(t, dev, prod, version, "")
			out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
			state := cliState(t, tf, dir, env)[configImportAddr]
			if err != nil || state.Attributes["status"] != "COMPLETE" {
				t.Fatalf("apply: %v, status %v\n%s", err, state.Attributes["status"], out)
			}
			if n, previews := imports(prod); n != 1 || previews != 0 {
				t.Fatalf("%d imports and %d previews into prod, want 1 and 0", n, previews)
			}
			in := prod.ConfigImports()[0]
			if in.DataContentType != "application/octet-stream" || in.OptionsContentType != "application/json" || !strings.HasPrefix(in.ContentType, "multipart/form-data") {
				t.Errorf("import sent as %s with data %s and options %s", in.ContentType, in.DataContentType, in.OptionsContentType)
			}
			if n := prod.Count(faketenant.IsConfigDownload); n != 1 {
				t.Errorf("%d downloads from prod, want the import's results once", n)
			}
			if n := prod.ConfigJobReads(in.JobID); n < 2 {
				t.Errorf("the import job was read %d times: the apply did not wait for it", n)
			}
			exports, downloads := dev.Count(faketenant.IsConfigExport), dev.Count(faketenant.IsConfigDownload)
			if exports == 0 || exports != downloads {
				t.Errorf("dev: %d exports, %d downloads: each read is one export and one download", exports, downloads)
			}
			results, _ := state.Attributes["results"].(map[string]any)
			if results["TRANSFORM"] == nil || state.Attributes["backup_export_job_id"] == nil || state.Attributes["objects_sha256"] == nil {
				t.Errorf("state: %+v", state.Attributes)
			}

			// A new export of the same objects: nothing is imported.
			out, err = cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
			if n, _ := imports(prod); err != nil || n != 1 {
				t.Fatalf("second apply: %v, %d imports, want 1\n%s", err, n, out)
			}

			// One changed object: one more import.
			dev.PutConfigObject(faketenant.ConfigObject{Type: "TRANSFORM", ID: faketenant.FixtureTransformID, Name: "Lowercase Department",
				Object: json.RawMessage(`{"id":"` + faketenant.FixtureTransformID + `","name":"Lowercase Department","type":"upper","attributes":{}}`)})
			out, err = cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
			if n, _ := imports(prod); err != nil || n != 2 || !strings.Contains(out, "must be replaced") {
				t.Fatalf("after one object changed: %v, %d imports, want 2\n%s", err, n, out)
			}
		})
	}
}

// A new export of the same objects plans only an update of content in
// place, which imports nothing. With ignore_changes on content and the
// export's objects_sha256 in triggers (the guide's quiet pattern) it plans
// nothing at all, and a changed object still replaces.
func TestAccConfigImport_quietPlan(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	dev, prod := newTenant(t), newTenant(t)
	dir, env := promotionWorkspace(t, dev, prod, "v1", "triggers = {\n    objects = data.sailpoint_config_export.dev.objects_sha256\n  }\n  lifecycle {\n    ignore_changes = [content]\n  }")
	if out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if out, err := cliRun(t, tf, dir, env, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("a new export of the same objects must plan nothing: %v\n%s", err, out)
	}
	dev.PutConfigObject(faketenant.ConfigObject{Type: "RULE", ID: faketenant.FixtureRuleID, Name: "Correlate by Email", Object: json.RawMessage(`{"name":"Correlate by Email","type":"Correlation"}`)})
	out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	if n, _ := imports(prod); err != nil || n != 2 {
		t.Fatalf("after one object changed: %v, %d imports, want 2\n%s", err, n, out)
	}
}

// The gate: an import that ends COMPLETE with an object error fails,
// quoting the error and naming the backup; FAILED quotes the job's message;
// with fail_on_warnings a warning fails too.
func TestAccConfigImport_gate(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	dev, prod := newTenant(t), newTenant(t)
	prod.ScriptConfigObject("Correlate by Email", faketenant.ConfigObjectOutcome{Error: "The rule's script did not compile"})
	dir, env := promotionWorkspace(t, dev, prod, "v1", "")
	out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	out = strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(out, "finished COMPLETE with 1 object error(s)") ||
		!strings.Contains(out, "RULE ERROR FAKE_IMPORT_ERROR: The rule's script did not compile") || !strings.Contains(out, "backup: export job") {
		t.Errorf("an object error: %v\n%s", err, out)
	}

	dev, prod = newTenant(t), newTenant(t)
	prod.ScriptConfigJobs(faketenant.ConfigJobScript{Reads: 1, Status: "FAILED", Message: "The import could not read the file."})
	dir, env = promotionWorkspace(t, dev, prod, "v2025", "")
	out, err = cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	out = strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(out, "ended FAILED") || !strings.Contains(out, "The job's message: The import could not read the file.") {
		t.Errorf("FAILED: %v\n%s", err, out)
	}

	dev, prod = newTenant(t), newTenant(t)
	prod.ScriptConfigObject("Lowercase Department", faketenant.ConfigObjectOutcome{Warning: "A reference was resolved by name"})
	dir, env = promotionWorkspace(t, dev, prod, "v1", "")
	if out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("a warning without fail_on_warnings: %v\n%s", err, out)
	}
	dir, env = promotionWorkspace(t, dev, prod, "v1", "fail_on_warnings = true")
	out, err = cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	out = strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(out, "1 warning(s) (fail_on_warnings)") || !strings.Contains(out, "TRANSFORM WARNING FAKE_IMPORT_WARNING: A reference was resolved by name") {
		t.Errorf("fail_on_warnings: %v\n%s", err, out)
	}
}

// preview_on_plan: a plan that would import previews the import (one POST
// with preview=true, nothing else) and shows what would be imported; a
// preview with an error fails the plan; a plan that imports nothing
// previews nothing.
func TestAccConfigImport_previewOnPlan(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	prod := newTenant(t)
	doc := filepath.Join(t.TempDir(), "dev.json")
	export := fmt.Sprintf(`{"version":1,"timestamp":"2026-12-01T10:00:00.000Z","tenant":"dev","options":{},"objects":[`+
		`{"version":1,"self":{"type":"TRANSFORM","id":"%s","name":"Lowercase Department"},"object":{"name":"Lowercase Department","type":"lower"}},`+
		`{"version":1,"self":{"type":"RULE","id":"%s","name":"Correlate by Email"},"object":{"name":"Correlate by Email"}}]}`,
		faketenant.FixtureTransformID, faketenant.FixtureRuleID)
	if err := os.WriteFile(doc, []byte(export), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, env := cliWorkspace(t, prod, fmt.Sprintf(`
resource "sailpoint_config_import" "prod" {
  file            = %q
  preview_on_plan = true
  poll_interval   = "1s"
}
`, doc))
	out, err := cliRun(t, tf, dir, env, "plan", "-input=false", "-no-color")
	out = strings.Join(strings.Fields(out), " ")
	n, previews := imports(prod)
	if err != nil || n != 0 || previews != 1 || !strings.Contains(out, "SP-Config import preview") ||
		!strings.Contains(out, "TRANSFORM: 1 would be imported, 0 warnings, 0 errors") || posts(prod) != 1 {
		t.Fatalf("plan: %v, %d imports, %d previews, %d POSTs\n%s", err, n, previews, posts(prod), out)
	}
	prod.ScriptConfigObject("Correlate by Email", faketenant.ConfigObjectOutcome{Error: "The rule references a missing library"})
	out, err = cliRun(t, tf, dir, env, "plan", "-input=false", "-no-color")
	out = strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(out, "found 1 error(s)") || !strings.Contains(out, "RULE ERROR FAKE_IMPORT_ERROR: The rule references a missing library") {
		t.Fatalf("a preview with an error must fail the plan: %v\n%s", err, out)
	}
	prod.ScriptConfigObject("Correlate by Email", faketenant.ConfigObjectOutcome{})
	if out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	before := posts(prod)
	if out, err := cliRun(t, tf, dir, env, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil || posts(prod) != before {
		t.Fatalf("a plan that imports nothing previews nothing: %v, %d POSTs (was %d)\n%s", err, posts(prod), before, out)
	}
}

// What is not a valid import is refused at plan, naming what is wrong, and
// nothing is sent.
func TestAccConfigImport_refusedAtPlan(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notJSON := write("not.json", "id,name\n1,Ada\n")
	noObjects := write("none.json", `{"version":1,"objects":{}}`)
	transforms := write("transforms.json", `{"objects":[{"version":1,"self":{"type":"TRANSFORM","id":"t1","name":"T"},"object":{}}]}`)
	var steps []resource.TestStep
	for _, tc := range []struct{ args, want string }{
		{fmt.Sprintf("file = %q", notJSON), "Not an SP-Config document"},
		{fmt.Sprintf("file = %q", noObjects), "objects"},
		{fmt.Sprintf("file = %q\n  include_types = [\"WORKFLOW\"]", transforms), "TRANSFORM"},
		{fmt.Sprintf("file = %q\n  object_options = { RULE = { included_names = [\"x\"] } }", transforms), "RULE"},
		{fmt.Sprintf("file = %q\n  content = \"{}\"", transforms), "file"},
		{"poll_interval = \"1s\"", "file"},
	} {
		steps = append(steps, resource.TestStep{
			Config:      providerConfig(ft) + fmt.Sprintf("resource \"sailpoint_config_import\" \"prod\" {\n  %s\n}\n", tc.args),
			PlanOnly:    true,
			ExpectError: errorWith(tc.want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if n := posts(ft); n != 0 {
		t.Errorf("%d POSTs for configurations refused at plan", n)
	}
}

// Ctrl-C while the import job runs: the apply stops, the resource keeps
// the job untainted; the next apply imports nothing, waits for that job and
// gates it. terraform import of a job id: the next apply imports nothing
// and gates it.
func TestAccConfigImport_interruptAndImport(t *testing.T) {
	t.Parallel()
	tf := cliPath(t)
	prod := newTenant(t)
	doc := filepath.Join(t.TempDir(), "dev.json")
	if err := os.WriteFile(doc, []byte(`{"objects":[{"version":1,"self":{"type":"TRANSFORM","id":"t1","name":"Upper"},"object":{"name":"Upper"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	prod.ScriptConfigJobs(faketenant.ConfigJobScript{Reads: 6})
	dir, env := cliWorkspace(t, prod, fmt.Sprintf(`
resource "sailpoint_config_import" "prod" {
  file          = %q
  poll_interval = "1s"
}
`, doc))
	p := cliStart(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	p.stopWhen(t, func() bool {
		ims := prod.ConfigImports()
		return len(ims) == 1 && prod.ConfigJobReads(ims[0].JobID) >= 2
	}, syscall.SIGINT)
	state := cliState(t, tf, dir, env)[configImportAddr]
	if state.Status == "tainted" || state.Attributes["job_id"] == nil {
		t.Fatalf("after Ctrl-C: %+v", state)
	}
	out, err := cliRun(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	state = cliState(t, tf, dir, env)[configImportAddr]
	if n, _ := imports(prod); err != nil || n != 1 || state.Attributes["status"] != "COMPLETE" {
		t.Fatalf("resumed apply: %v, %d imports, status %v\n%s", err, n, state.Attributes["status"], out)
	}

	// Adopt the same job by id in a new workspace: nothing is imported.
	id := fmt.Sprint(state.Attributes["job_id"])
	dir2, env2 := cliWorkspace(t, prod, fmt.Sprintf(`
import {
  to = sailpoint_config_import.prod
  id = %q
}

resource "sailpoint_config_import" "prod" {
  file          = %q
  poll_interval = "1s"
}
`, id, doc))
	out, err = cliRun(t, tf, dir2, env2, "apply", "-auto-approve", "-input=false", "-no-color")
	state = cliState(t, tf, dir2, env2)[configImportAddr]
	if n, _ := imports(prod); err != nil || n != 1 || state.Attributes["status"] != "COMPLETE" || state.Attributes["results"] == nil {
		t.Fatalf("import by id: %v, %d imports, %+v\n%s", err, n, state.Attributes, out)
	}
}

// The action on a CLI with actions: one import each invocation, its
// progress and, at the end, per object type what was imported.
func TestAccConfigImportAction_invoke(t *testing.T) {
	t.Parallel()
	tf := actionsCLIPath(t)
	prod := newTenant(t)
	doc := filepath.Join(t.TempDir(), "dev.json")
	if err := os.WriteFile(doc, []byte(`{"objects":[{"version":1,"self":{"type":"TRANSFORM","id":"t1","name":"Upper"},"object":{"name":"Upper"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	prod.ScriptConfigJobs(faketenant.ConfigJobScript{Reads: 3})
	dir, env := cliWorkspace(t, prod, fmt.Sprintf(`
action "sailpoint_config_import" "prod" {
  config {
    file          = %q
    poll_interval = "1s"
  }
}
`, doc))
	progress, errs, err := invokeCLI(t, tf, dir, env, "sailpoint_config_import.prod")
	all := strings.Join(progress, "\n")
	if n, _ := imports(prod); err != nil || len(errs) > 0 || n != 1 || !strings.Contains(all, "Started the SP-Config import of 1 objects (dev.json): job ") ||
		!strings.Contains(all, "finished: COMPLETE; TRANSFORM: 1 imported, 0 warnings, 0 errors") {
		t.Fatalf("%v %v, %d imports\n%s", err, errs, n, all)
	}
	prod.ScriptConfigObject("Upper", faketenant.ConfigObjectOutcome{Error: "Bad transform"})
	_, errs, err = invokeCLI(t, tf, dir, env, "sailpoint_config_import.prod")
	if err == nil || !strings.Contains(strings.Join(strings.Fields(strings.Join(errs, " ")), " "), "TRANSFORM ERROR FAKE_IMPORT_ERROR: Bad transform") {
		t.Fatalf("an object error must fail the invocation: %v %v", err, errs)
	}
}
