package sailpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// SP-Config: export a tenant's configuration objects to a document, import
// a document into a tenant. Each is a job: one POST starts it
// (ConfigExportOp.Start, ConfigImportOp.Start, or Prepare and Client.Start:
// never resent once it may have reached the tenant), GETs read its status
// until it has ended (ConfigJob.Finished), and one GET downloads what it
// made. The operations are declared with the others in operations.go, the
// document and its hash in spconfig_document.go, the checks of the options
// in spconfig_options.go.

// SP-Config job statuses (SpConfigJob.status). The spec says only "Status
// of the job." and not which of them are final. By their words COMPLETE,
// CANCELLED and FAILED name how a job ended and NOT_STARTED and
// IN_PROGRESS a job that has not, so the first three are final. The API
// may send others: a status the spec does not list is not final, so a
// wait goes on until its timeout, which names the status, rather than
// gate on a status it cannot read. COMPLETE is not COMPLETED (which
// AccountAggregationStatus uses), and CANCELLED has two L.
const (
	ConfigJobNotStarted = "NOT_STARTED"
	ConfigJobInProgress = "IN_PROGRESS"
	ConfigJobComplete   = "COMPLETE"
	ConfigJobCancelled  = "CANCELLED"
	ConfigJobFailed     = "FAILED"
)

// ConfigJobStatuses are the statuses the spec lists.
var ConfigJobStatuses = []string{ConfigJobNotStarted, ConfigJobInProgress, ConfigJobComplete, ConfigJobCancelled, ConfigJobFailed}

// ConfigJobFinalStatuses are the statuses a job ends with (see above).
var ConfigJobFinalStatuses = []string{ConfigJobComplete, ConfigJobCancelled, ConfigJobFailed}

// SP-Config job types (SpConfigJob.type), as WaitForConfigJob takes them.
const (
	ConfigJobTypeExport = "EXPORT"
	ConfigJobTypeImport = "IMPORT"
)

// Bounds on the SP-Config downloads, which are larger than other answers.
const (
	// MaxConfigDocumentBytes is the largest export document (or import
	// results) downloaded, unless the client's MaxBodyBytes is larger.
	MaxConfigDocumentBytes = 128 << 20
	// MaxImportResultsValues and MaxImportResultsArrayElements bound the
	// import results before they are decoded: an import of 5,000 objects
	// answers 20,000 to 50,000 values (each object imported, or a
	// preview's message about it, and its warnings and errors). The worst
	// results accepted cost under a second and about 50 MB of heap to
	// decode (BenchmarkWorstAcceptedImportResults), before a caller maps
	// them.
	MaxImportResultsValues        = 200_000
	MaxImportResultsArrayElements = 20_000
)

// ConfigJob is what the tenant says about an SP-Config job: SpConfigJob
// (the import POST's answer), SpConfigExportJob (the export POST's; adds
// description), SpConfigExportJobStatus (adds completed) and
// SpConfigImportJobStatus (adds message and completed). Timestamps keep the
// API's text. Fields the spec requires but a tenant may leave out, and the
// ones its allOf branches make optional, are nil when absent or null.
type ConfigJob struct {
	JobID string `json:"jobId"`
	// Status is one of ConfigJobStatuses, or a value the spec does not
	// list yet, as sent.
	Status     string  `json:"status"`
	Type       *string `json:"type"` // EXPORT or IMPORT
	Expiration *string `json:"expiration"`
	Created    *string `json:"created"`
	Modified   *string `json:"modified"`
	// Completed is nil while the job runs; the spec does not say whether a
	// running job leaves it out or sends null.
	Completed   *string `json:"completed"`
	Description *string `json:"description"`
	// Message is "additional information about the overall status of the
	// job" (import status; the export status example has one too).
	Message *string `json:"message"`
}

// Finished reports whether the job has ended: its status is one of
// ConfigJobFinalStatuses (compared in upper case). See ConfigJobFinalStatuses
// for why others are not.
func (j *ConfigJob) Finished() bool {
	return j != nil && slices.Contains(ConfigJobFinalStatuses, strings.ToUpper(j.Status))
}

// ExpiredAt reports whether the job's expiration ("the time until which
// the artifacts will be available for download") is before now; false when
// it has none, or one that is no date-time (ParseTime).
func (j *ConfigJob) ExpiredAt(now time.Time) bool {
	if j == nil || j.Expiration == nil {
		return false
	}
	exp, _, ok := ParseTime(*j.Expiration)
	return ok && exp.Before(now)
}

// ConfigObjectOptions picks objects of one type by id or name
// (ObjectExportImportOptions). Both lists are always sent, empty as [], as
// the spec's examples do.
type ConfigObjectOptions struct {
	IncludedIDs   []string `json:"includedIds"`
	IncludedNames []string `json:"includedNames"`
}

// MarshalJSON sends nil lists as [].
func (o ConfigObjectOptions) MarshalJSON() ([]byte, error) {
	type plain ConfigObjectOptions
	if o.IncludedIDs == nil {
		o.IncludedIDs = []string{}
	}
	if o.IncludedNames == nil {
		o.IncludedNames = []string{}
	}
	return json.Marshal(plain(o))
}

// ConfigExportRequest is an export's ExportPayload. Empty fields are not
// sent: the spec does not say what an empty includeTypes does.
type ConfigExportRequest struct {
	Description   string                         `json:"description,omitempty"`
	IncludeTypes  []string                       `json:"includeTypes,omitempty"`
	ExcludeTypes  []string                       `json:"excludeTypes,omitempty"`
	ObjectOptions map[string]ConfigObjectOptions `json:"objectOptions,omitempty"`
}

// ConfigImportOptions is an import's ImportOptions, sent as the options
// part. Empty lists are not sent; ExcludeBackup always is, so the backup
// never depends on the tenant's default.
type ConfigImportOptions struct {
	IncludeTypes  []string                       `json:"includeTypes,omitempty"`
	ExcludeTypes  []string                       `json:"excludeTypes,omitempty"`
	ObjectOptions map[string]ConfigObjectOptions `json:"objectOptions,omitempty"`
	// DefaultReferences are type names, as the schema says (its examples
	// send {type, id, name} objects instead).
	DefaultReferences []string `json:"defaultReferences,omitempty"`
	// ExcludeBackup skips the export of every object the import makes
	// first, by default, as a backup.
	ExcludeBackup bool `json:"excludeBackup"`
}

// ConfigImportRequest is an import: the document, its options, and whether
// it only previews ("no objects will be imported").
type ConfigImportRequest struct {
	// Document is uploaded as the data part: held in Content, or streamed
	// from Path (Size bytes) at each attempt, never held whole by the
	// client (ConfigDocumentFile). Its Name is the part's file name,
	// "sp-config.json" when empty. nil is refused before anything is sent.
	Document *LaunchFile
	Options  ConfigImportOptions
	Preview  bool
}

// ConfigDocumentFile is a document in a file, to import: read from disk
// at each attempt, as a stream. It must be a regular file; one whose size
// changes after this call is refused before anything is sent.
func ConfigDocumentFile(path string) (*LaunchFile, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return &LaunchFile{Name: filepath.Base(path), Path: path, Size: info.Size()}, nil
}

// ConfigImportResults is an import's SpConfigImportResults.
type ConfigImportResults struct {
	// Results maps an object type name to what the import did with the
	// objects of that type.
	Results map[string]ConfigObjectImportResult `json:"results"`
	// ExportJobID is the jobId of the backup export made before the
	// import, nil when none was made; its document is read with
	// DownloadConfigExport.
	ExportJobID *string `json:"exportJobId"`
}

// ConfigObjectImportResult is ObjectImportResult: the messages of one
// object type, and the objects created or updated. A preview's infos say
// which objects would be imported (key IMPORT_PREVIEW). The four arrays
// are required; nil means the tenant left one out.
type ConfigObjectImportResult struct {
	Infos           []ConfigMessage        `json:"infos"`
	Warnings        []ConfigMessage        `json:"warnings"`
	Errors          []ConfigMessage        `json:"errors"`
	ImportedObjects []ConfigImportedObject `json:"importedObjects"`
}

// ConfigMessage is SpConfigMessage.
type ConfigMessage struct {
	Key  *string `json:"key"`
	Text *string `json:"text"`
	// Details is the message's details as JSON text, as sent; nil when
	// absent or null. The schema makes it an object of objects; its example
	// has string values, and the results example sends "detail": null
	// instead, so whatever JSON came is kept, and "detail" is read when
	// "details" is absent.
	Details json.RawMessage `json:"details"`
}

// UnmarshalJSON reads details, or detail when details is absent or null.
func (m *ConfigMessage) UnmarshalJSON(data []byte) error {
	var raw struct {
		Key     *string         `json:"key"`
		Text    *string         `json:"text"`
		Details json.RawMessage `json:"details"`
		Detail  json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	m.Key, m.Text, m.Details = raw.Key, raw.Text, nonNull(raw.Details)
	if m.Details == nil {
		m.Details = nonNull(raw.Detail)
	}
	return nil
}

func nonNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// ConfigImportedObject is ImportObject: an object the import created or
// updated.
type ConfigImportedObject struct {
	Type *string `json:"type"`
	ID   *string `json:"id"`
	Name *string `json:"name"`
}

// Types lists the object types of the results, sorted.
func (r *ConfigImportResults) Types() []string {
	out := make([]string, 0, len(r.Results))
	for t := range r.Results {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Counts totals the results over every type: objects imported, warnings,
// errors.
func (r *ConfigImportResults) Counts() (imported, warnings, errs int) {
	for _, res := range r.Results {
		imported += len(res.ImportedObjects)
		warnings += len(res.Warnings)
		errs += len(res.Errors)
	}
	return imported, warnings, errs
}

// ConfigExport is a downloaded export document: its bytes exactly as the
// tenant sent them, and what they hold.
type ConfigExport struct {
	JobID   string
	Content []byte
	ConfigDocument
}

// ErrWrongJob marks an answer about another SP-Config job than the one
// asked for. errors.Is also matches it with ErrWrongTask, so it is
// permanent, as an answer about another task is.
var ErrWrongJob error = &aliasError{msg: "the answer is about another SP-Config job", alias: ErrWrongTask}

type aliasError struct {
	msg   string
	alias error
}

func (e *aliasError) Error() string        { return e.msg }
func (e *aliasError) Is(target error) bool { return target == e.alias }

// GetConfigExportStatus reads an export job's status (GET
// .../sp-config/export/{id}). A 404 is an *APIError for which IsNotFound
// is true. It is an ordinary read: retried as reads are.
func (c *Client) GetConfigExportStatus(ctx context.Context, id string) (*ConfigJob, error) {
	return c.getConfigJob(ctx, ConfigExportStatusOp, id)
}

// GetConfigImportStatus reads an import job's status (GET
// .../sp-config/import/{id}). COMPLETE does not say whether each object was
// imported: the results do (DownloadConfigImportResults).
func (c *Client) GetConfigImportStatus(ctx context.Context, id string) (*ConfigJob, error) {
	return c.getConfigJob(ctx, ConfigImportStatusOp, id)
}

func (c *Client) getConfigJob(ctx context.Context, op *Operation, id string) (*ConfigJob, error) {
	if err := op.Supports(c.apiVersion); err != nil {
		return nil, err
	}
	if err := validatePathID("job id", id); err != nil {
		return nil, err
	}
	path := op.Path(c.apiVersion, id)
	r := apiRequest{method: op.Method, path: path, experimental: op.experimental(c.apiVersion)}
	resp, body, err := c.sendIdempotent(ctx, func() (*http.Response, []byte, error) { return c.send(ctx, r) }, r.method, path)
	if err != nil {
		return nil, err
	}
	var job ConfigJob
	if err := decodeJSON(resp, path, body, &job, answer{document: op.Answer, kind: '{', budget: newBudget()}); err != nil {
		return nil, err
	}
	switch {
	case !strings.EqualFold(job.JobID, id):
		return nil, decodeError(resp, path, body, op.Answer, fmt.Errorf("%w: it is about job %q, not %q", ErrWrongJob, CleanText(job.JobID), id))
	case job.Status == "":
		return nil, decodeError(resp, path, body, op.Answer, errors.New("it has no status"))
	}
	return &job, nil
}

// DownloadConfigExport downloads an export job's document (GET
// .../sp-config/export/{id}/download): an export's jobId, or an import's
// ExportJobID (its backup). The document is returned exactly as sent, with
// its objects and their hash (ParseConfigDocument); a document that is not
// one is a *DecodeError wrapping a *ConfigDocumentError.
func (c *Client) DownloadConfigExport(ctx context.Context, id string) (*ConfigExport, error) {
	body, resp, path, err := c.download(ctx, ConfigExportDownloadOp, id)
	if err != nil {
		return nil, err
	}
	doc, err := ParseConfigDocument(bytes.NewReader(body))
	if err != nil {
		return nil, decodeError(resp, path, body, ConfigExportDownloadOp.Answer, err)
	}
	return &ConfigExport{JobID: id, Content: body, ConfigDocument: *doc}, nil
}

// DownloadConfigImportResults downloads an import job's results (GET
// .../sp-config/import/{id}/download), checked against
// MaxImportResultsValues and MaxImportResultsArrayElements before they are
// decoded.
func (c *Client) DownloadConfigImportResults(ctx context.Context, id string) (*ConfigImportResults, error) {
	body, resp, path, err := c.download(ctx, ConfigImportDownloadOp, id)
	if err != nil {
		return nil, err
	}
	budget := MaxImportResultsValues
	var results ConfigImportResults
	a := answer{document: ConfigImportDownloadOp.Answer, kind: '{', budget: &budget, elements: MaxImportResultsArrayElements, values: MaxImportResultsValues}
	if err := decodeJSON(resp, path, body, &results, a); err != nil {
		return nil, err
	}
	return &results, nil
}

// download GETs a download, bounded by MaxConfigDocumentBytes, retried as
// reads are.
func (c *Client) download(ctx context.Context, op *Operation, id string) ([]byte, *http.Response, string, error) {
	if err := op.Supports(c.apiVersion); err != nil {
		return nil, nil, "", err
	}
	if err := validatePathID("job id", id); err != nil {
		return nil, nil, "", err
	}
	path := op.Path(c.apiVersion, id)
	r := apiRequest{method: op.Method, path: path, maxBody: max(c.maxBody, MaxConfigDocumentBytes),
		experimental: op.experimental(c.apiVersion)}
	resp, body, err := c.sendIdempotent(ctx, func() (*http.Response, []byte, error) { return c.send(ctx, r) }, r.method, path)
	if err != nil {
		return nil, nil, "", err
	}
	return body, resp, path, nil
}

// ConfigJobWaitError ends a wait for an SP-Config job that ran out of time
// or was cancelled before the job ended. Last is the last status read (nil
// if none was).
type ConfigJobWaitError struct {
	JobType string // EXPORT or IMPORT
	JobID   string
	Last    *ConfigJob
	Polls   int
	Waited  time.Duration
	Err     error // context.DeadlineExceeded or context.Canceled
	// LastErr is the transient error of the last read, when it failed.
	LastErr error
}

func (e *ConfigJobWaitError) Error() string {
	verb := "was cancelled"
	if errors.Is(e.Err, context.DeadlineExceeded) {
		verb = "timed out"
	}
	msg := fmt.Sprintf("waiting for the SP-Config %s job %q %s after %s and %d reads", strings.ToLower(e.JobType), e.JobID, verb, e.Waited.Round(time.Second), e.Polls)
	if e.Last != nil {
		msg += fmt.Sprintf("; its status was %s", CleanText(e.Last.Status))
	}
	if e.LastErr != nil {
		msg += fmt.Sprintf("; the last read failed: %v", e.LastErr)
	}
	return msg
}

func (e *ConfigJobWaitError) Unwrap() error { return e.Err }

// WaitForConfigJob reads an export (jobType EXPORT) or import (IMPORT) job
// until it has finished (ConfigJob.Finished), polling as w says: backed
// off, transient errors told to w.OnError, permanent ones returned as is.
// onPoll, when set, hears each read that found the job running. When the
// context ends, the result is a *ConfigJobWaitError.
func (c *Client) WaitForConfigJob(ctx context.Context, jobType, id string, w Waiter,
	onPoll func(ctx context.Context, poll int, job *ConfigJob, next time.Duration)) (*ConfigJob, error) {
	var read func(context.Context) (*ConfigJob, error)
	switch jobType {
	case ConfigJobTypeExport:
		read = func(ctx context.Context) (*ConfigJob, error) { return c.GetConfigExportStatus(ctx, id) }
	case ConfigJobTypeImport:
		read = func(ctx context.Context) (*ConfigJob, error) { return c.GetConfigImportStatus(ctx, id) }
	default:
		return nil, fmt.Errorf("%q is not an SP-Config job type; use %s or %s", jobType, ConfigJobTypeExport, ConfigJobTypeImport)
	}
	if err := validatePathID("job id", id); err != nil {
		return nil, err
	}
	start := time.Now()
	r := poll(ctx, w, read, (*ConfigJob).Finished, onPoll, nil)
	if r.stopped != nil {
		return nil, &ConfigJobWaitError{JobType: jobType, JobID: id, Last: r.last, Polls: r.polls, Waited: time.Since(start), Err: r.stopped, LastErr: r.lastErr}
	}
	return r.value, r.err
}
