package sailpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// Operation names, as messages call the launches (Launch.Operation).
const (
	OperationAccountAggregation     = "account aggregation"
	OperationEntitlementAggregation = "entitlement aggregation"
	OperationIdentityProcessing     = "identity processing"
	// OperationUncorrelatedAccountImport processes a CSV of uncorrelated
	// accounts (load-uncorrelated-accounts).
	OperationUncorrelatedAccountImport = "uncorrelated account import"
	// OperationAccountReset removes all accounts of a source
	// (remove-accounts), without provisioning changes to the source.
	OperationAccountReset = "account reset"
	// OperationEntitlementReset removes all entitlements of a source.
	OperationEntitlementReset = "entitlement reset"
	// OperationMachineIdentityAggregation aggregates machine identities
	// (AI agents) of a source's datasets (aggregate-agents).
	OperationMachineIdentityAggregation = "machine identity aggregation"
)

// Operations that start no task, named for OperationVersions and Needs.
const (
	OperationAccountAggregationStatus = "account aggregation status"
	OperationClearTask                = "clear task"
)

// MaxIdentityIDs is the most identities one identity-processing call takes.
const MaxIdentityIDs = 250

// LaunchFile is a CSV sent with an aggregation (delimited-file sources).
type LaunchFile struct {
	Name    string // file name of the multipart part (base name of the user's path)
	Content []byte
}

// AccountAggregation says which source to aggregate and how.
type AccountAggregation struct {
	SourceID            string
	DisableOptimization *bool       // nil: not sent; else sent as the string "true"/"false"
	File                *LaunchFile // nil: no file part
}

// EntitlementAggregation says which source's entitlements to aggregate.
type EntitlementAggregation struct {
	SourceID string
	File     *LaunchFile
}

// UncorrelatedAccountImport says which source's uncorrelated accounts to
// process, from which CSV.
type UncorrelatedAccountImport struct {
	SourceID string
	// File is the CSV. The spec's description says "File is required for
	// upload", but its schema makes the body optional, so nil sends an
	// empty form and the tenant decides.
	File *LaunchFile
}

// MachineIdentityAggregation says which datasets of a source to aggregate.
type MachineIdentityAggregation struct {
	SourceID   string
	DatasetIDs []string // 1 or more, none twice
	// DisableOptimization nil leaves the field out (the spec's default is
	// false).
	DisableOptimization *bool
}

// Launch is what the tenant answered to a launch: the id of the task it started.
type Launch struct {
	TaskID string
	// Operation names the launch for messages: one of the Operation
	// constants, such as "account aggregation".
	Operation string
	// Method and Path are the request, e.g. POST /v2026/sources/{id}/load-accounts
	// (escaped path, no host or query).
	Method, Path string
}

// ValidateSourceID refuses source ids that would change the request path,
// by the rules of ValidateTaskID.
func ValidateSourceID(id string) error { return validatePathID("source id", id) }

// ValidateIdentityIDs checks an identity-processing list: 1 to
// MaxIdentityIDs ids, each one non-empty and path-safe, none twice.
func ValidateIdentityIDs(ids []string) error {
	switch {
	case len(ids) == 0:
		return errors.New("no identity ids: identity processing takes 1 to 250")
	case len(ids) > MaxIdentityIDs:
		return fmt.Errorf("%d identity ids: identity processing takes at most %d per call", len(ids), MaxIdentityIDs)
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if err := validatePathID("identity id", id); err != nil {
			return err
		}
		if seen[id] {
			return fmt.Errorf("the identity id %q is listed twice", id)
		}
		seen[id] = true
	}
	return nil
}

// ValidateDatasetIDs checks a machine identity aggregation's datasets: at
// least one, none empty or blank or with surrounding white space, none
// twice. They travel in the JSON body, so they need not be path-safe.
func ValidateDatasetIDs(ids []string) error {
	if len(ids) == 0 {
		return errors.New("no dataset ids: machine identity aggregation takes at least one")
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		switch {
		case id == "":
			return errors.New("a dataset id is empty")
		case strings.TrimSpace(id) == "":
			return fmt.Errorf("the dataset id %q is blank", id)
		case strings.TrimSpace(id) != id:
			return fmt.Errorf("the dataset id %q has leading or trailing white space", id)
		case seen[id]:
			return fmt.Errorf("the dataset id %q is listed twice", id)
		}
		seen[id] = true
	}
	return nil
}

// sourcePath is a source's launch path: /sources/v1/{id}/{action} on v1,
// /{version}/sources/{id}/{action} on the others.
func sourcePath(version, sourceID, action string) string {
	if version == APIVersionV1 || version == "" {
		return "/sources/v1/" + url.PathEscape(sourceID) + "/" + action
	}
	return "/" + version + "/sources/" + url.PathEscape(sourceID) + "/" + action
}

func identityProcessingPath(version string) string {
	if version == APIVersionV1 || version == "" {
		return "/identities/v1/process"
	}
	return "/" + version + "/identities/process"
}

// StartAccountAggregation starts an account aggregation of a source
// (POST .../sources/{id}/load-accounts). The POST is not resent once it
// may have reached the tenant; see MayHaveStarted.
func (c *Client) StartAccountAggregation(ctx context.Context, a AccountAggregation) (*Launch, error) {
	if err := ValidateSourceID(a.SourceID); err != nil {
		return nil, err
	}
	var fields []formField
	if a.File != nil {
		fields = append(fields, fileField(a.File))
	}
	if a.DisableOptimization != nil {
		fields = append(fields, formField{name: "disableOptimization", value: []byte(strconv.FormatBool(*a.DisableOptimization))})
	}
	var answer struct {
		Task *struct {
			ID string `json:"id"`
		} `json:"task"`
	}
	l := &Launch{Operation: OperationAccountAggregation, Method: http.MethodPost, Path: sourcePath(c.apiVersion, a.SourceID, "load-accounts")}
	err := c.launchMultipart(ctx, l, fields, "LoadAccountsTask", &answer)
	if err != nil {
		return nil, err
	}
	if answer.Task != nil {
		l.TaskID = answer.Task.ID
	}
	return checkTaskID(l, "task.id")
}

// StartEntitlementAggregation starts an entitlement aggregation of a source
// (POST .../sources/{sourceId}/load-entitlements). The spec documents it for
// user tokens (a personal access token) only.
func (c *Client) StartEntitlementAggregation(ctx context.Context, e EntitlementAggregation) (*Launch, error) {
	if err := ValidateSourceID(e.SourceID); err != nil {
		return nil, err
	}
	var fields []formField
	if e.File != nil {
		fields = append(fields, fileField(e.File))
	}
	var answer struct {
		ID string `json:"id"`
	}
	l := &Launch{Operation: OperationEntitlementAggregation, Method: http.MethodPost, Path: sourcePath(c.apiVersion, e.SourceID, "load-entitlements")}
	if err := c.launchMultipart(ctx, l, fields, "LoadEntitlementTask", &answer); err != nil {
		return nil, err
	}
	l.TaskID = answer.ID
	return checkTaskID(l, "id")
}

// StartIdentityProcessing processes up to 250 identities
// (POST .../identities/process). Its task id may be a dashed UUID.
func (c *Client) StartIdentityProcessing(ctx context.Context, identityIDs []string) (*Launch, error) {
	if err := ValidateIdentityIDs(identityIDs); err != nil {
		return nil, err
	}
	body, err := json.Marshal(struct {
		IdentityIDs []string `json:"identityIds"`
	}{identityIDs})
	if err != nil {
		return nil, err
	}
	l := &Launch{Operation: OperationIdentityProcessing, Method: http.MethodPost, Path: identityProcessingPath(c.apiVersion)}
	var answer struct {
		ID string `json:"id"`
	}
	// The spec requires the experimental header on every version but beta.
	err = c.launch(ctx, l, apiRequest{body: body, contentType: "application/json", experimental: c.apiVersion != APIVersionBeta},
		"TaskResultResponse", &answer)
	if err != nil {
		return nil, err
	}
	l.TaskID = answer.ID
	return checkTaskID(l, "id")
}

// StartUncorrelatedAccountImport processes the uncorrelated accounts of a
// source from a CSV (POST .../sources/{id}/load-uncorrelated-accounts,
// multipart field file). The answer, LoadUncorrelatedAccountsTask, puts
// the id in task.id.
func (c *Client) StartUncorrelatedAccountImport(ctx context.Context, u UncorrelatedAccountImport) (*Launch, error) {
	if err := ValidateSourceID(u.SourceID); err != nil {
		return nil, err
	}
	var fields []formField
	if u.File != nil {
		fields = append(fields, fileField(u.File))
	}
	var answer struct {
		Task *struct {
			ID string `json:"id"`
		} `json:"task"`
	}
	l := &Launch{Operation: OperationUncorrelatedAccountImport, Method: http.MethodPost, Path: sourcePath(c.apiVersion, u.SourceID, "load-uncorrelated-accounts")}
	if err := c.launchMultipart(ctx, l, fields, "LoadUncorrelatedAccountsTask", &answer); err != nil {
		return nil, err
	}
	if answer.Task != nil {
		l.TaskID = answer.Task.ID
	}
	return checkTaskID(l, "task.id")
}

// StartSourceAccountReset removes all accounts of a source from ISC,
// without provisioning changes to the source (POST
// .../sources/{id}/remove-accounts, no body). The answer is a
// TaskResultDto; the id is in id.
func (c *Client) StartSourceAccountReset(ctx context.Context, sourceID string) (*Launch, error) {
	if err := ValidateSourceID(sourceID); err != nil {
		return nil, err
	}
	l := &Launch{Operation: OperationAccountReset, Method: http.MethodPost, Path: sourcePath(c.apiVersion, sourceID, "remove-accounts")}
	return c.launchWithoutBody(ctx, l, "TaskResultDto")
}

// StartSourceEntitlementReset removes all entitlements of a source (POST
// .../entitlements/reset/sources/{id}, no body). The answer is an
// EntitlementSourceResetBaseReferenceDto; the id is in id.
func (c *Client) StartSourceEntitlementReset(ctx context.Context, sourceID string) (*Launch, error) {
	if err := ValidateSourceID(sourceID); err != nil {
		return nil, err
	}
	l := &Launch{Operation: OperationEntitlementReset, Method: http.MethodPost, Path: entitlementResetPath(c.apiVersion, sourceID)}
	return c.launchWithoutBody(ctx, l, "EntitlementSourceResetBaseReferenceDto")
}

// StartMachineIdentityAggregation aggregates the machine identities of a
// source's datasets (POST .../sources/{sourceId}/aggregate-agents, JSON,
// with the experimental header the spec requires). Only v2025, v2026 and
// v1 have it; on other versions it returns an *UnsupportedOperationError
// and sends nothing. The answer is 200 with a task-shaped
// MachineIdentityAggregationResponse; the id is in id.
func (c *Client) StartMachineIdentityAggregation(ctx context.Context, m MachineIdentityAggregation) (*Launch, error) {
	if err := ValidateOperationVersion(OperationMachineIdentityAggregation, c.apiVersion); err != nil {
		return nil, err
	}
	if err := ValidateSourceID(m.SourceID); err != nil {
		return nil, err
	}
	if err := ValidateDatasetIDs(m.DatasetIDs); err != nil {
		return nil, err
	}
	body, err := json.Marshal(struct {
		DatasetIDs          []string `json:"datasetIds"`
		DisableOptimization *bool    `json:"disableOptimization,omitempty"`
	}{m.DatasetIDs, m.DisableOptimization})
	if err != nil {
		return nil, err
	}
	l := &Launch{Operation: OperationMachineIdentityAggregation, Method: http.MethodPost, Path: sourcePath(c.apiVersion, m.SourceID, "aggregate-agents")}
	var answer struct {
		ID string `json:"id"`
	}
	err = c.launch(ctx, l, apiRequest{body: body, contentType: "application/json", experimental: true},
		"MachineIdentityAggregationResponse", &answer)
	if err != nil {
		return nil, err
	}
	l.TaskID = answer.ID
	return checkTaskID(l, "id")
}

// launchWithoutBody sends a launch that takes no body (no Content-Type
// either) and whose answer carries the task id in id.
func (c *Client) launchWithoutBody(ctx context.Context, l *Launch, document string) (*Launch, error) {
	var answer struct {
		ID string `json:"id"`
	}
	if err := c.launch(ctx, l, apiRequest{}, document, &answer); err != nil {
		return nil, err
	}
	l.TaskID = answer.ID
	return checkTaskID(l, "id")
}

func entitlementResetPath(version, sourceID string) string {
	if version == APIVersionV1 || version == "" {
		return "/entitlements/v1/reset/sources/" + url.PathEscape(sourceID)
	}
	return "/" + version + "/entitlements/reset/sources/" + url.PathEscape(sourceID)
}

type formField struct {
	name, fileName string // fileName "" means a plain field
	value          []byte
}

func fileField(f *LaunchFile) formField {
	return formField{name: "file", fileName: f.Name, value: f.Content}
}

// launchMultipart sends fields as multipart/form-data; no fields make an
// empty multipart body, which the spec allows (the body is optional).
func (c *Client) launchMultipart(ctx context.Context, l *Launch, fields []formField, document string, out any) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		h := textproto.MIMEHeader{}
		if f.fileName != "" {
			h.Set("Content-Disposition", multipart.FileContentDisposition(f.name, f.fileName))
			h.Set("Content-Type", "text/csv")
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, f.name))
		}
		part, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := part.Write(f.value); err != nil {
			return err
		}
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return c.launch(ctx, l, apiRequest{body: buf.Bytes(), contentType: mw.FormDataContentType()}, document, out)
}

// launch sends the POST of l with the launch retry rule and decodes the
// answer into out.
func (c *Client) launch(ctx context.Context, l *Launch, r apiRequest, document string, out any) error {
	r.method, r.path, r.launch = l.Method, l.Path, true
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	return decodeJSON(resp, l.Path, body, out, answer{document: document, kind: '{', budget: newBudget()})
}

// missingTaskIDError means the tenant accepted a launch but its answer
// names no usable task: the task has probably started, and cannot be
// followed.
type missingTaskIDError struct {
	Launch
	Field string // where the spec puts the id: "task.id" or "id"
	Err   error  // why the id is not usable; nil when there is none
}

func (e *missingTaskIDError) Error() string {
	what := "no task id in " + e.Field
	if e.Err != nil {
		what = fmt.Sprintf("an unusable task id in %s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("%s %s: the tenant accepted the %s but its answer has %s; the task has probably started, so check the tenant's tasks before starting it again",
		e.Method, e.Path, e.Operation, what)
}

func (e *missingTaskIDError) Unwrap() error { return e.Err }

// checkTaskID returns l when its task id can be read back, else an error.
func checkTaskID(l *Launch, field string) (*Launch, error) {
	if l.TaskID == "" {
		return nil, &missingTaskIDError{Launch: *l, Field: field}
	}
	if err := ValidateTaskID(l.TaskID); err != nil {
		return nil, &missingTaskIDError{Launch: *l, Field: field, Err: err}
	}
	return l, nil
}

// RunningTasksForSource lists the tasks of a source that have not finished,
// so a caller can avoid starting a second aggregation of a source while one
// still runs.
//
// v1, v2026 and v2025 filter the task list with
// `sourceId eq "<id>" and completionStatus isnull`. The list of v2024 and
// beta holds completed tasks only and knows no isnull, so there the
// deprecated GET /{version}/task-status/pending-tasks is read (all pages)
// and the tasks whose target.id is the source are kept.
func (c *Client) RunningTasksForSource(ctx context.Context, sourceID string) ([]TaskStatus, error) {
	if err := ValidateSourceID(sourceID); err != nil {
		return nil, err
	}
	if c.apiVersion != APIVersionV2024 && c.apiVersion != APIVersionBeta {
		quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(sourceID)
		return c.ListTaskStatuses(ctx, ListOptions{
			Filters: `sourceId eq "` + quoted + `" and completionStatus isnull`,
			Limit:   maxRunningTasks,
		})
	}
	path := "/" + c.apiVersion + "/task-status/pending-tasks"
	ofSource := func(ts *TaskStatus) bool {
		return ts.Target != nil && ts.Target.ID != nil && *ts.Target.ID == sourceID && !ts.IsFinished()
	}
	return c.listPages(ctx, path, nil, maxRunningTasks, ofSource)
}

// maxRunningTasks bounds the pages read for one source's running tasks, so
// a tenant that keeps sending full pages cannot keep the caller forever.
const maxRunningTasks = 10 * MaxPageSize
