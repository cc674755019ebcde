package sailpoint

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The SP-Config operations, each declared once as data: its name, method,
// the spec's operationId, its path on each API version, what it needs
// there, what it sends and answers, and where the answer carries the job
// id. The calls in spconfig.go read their paths and documents from here;
// TestConfigOperationsMatchSpec checks every field against the spec files
// in testdata/spec.
//
// An SP-Config job is not a task: its status is read at its own endpoint
// (GET .../sp-config/export/{id} or .../import/{id}), never at
// /task-status, and it ends with one of ConfigJobFinalStatuses.

// SP-Config operation names, as messages call them (ConfigOperation.Name).
const (
	OperationConfigExport         = "SP-Config export"
	OperationConfigExportStatus   = "SP-Config export status"
	OperationConfigExportDownload = "SP-Config export download"
	OperationConfigImport         = "SP-Config import"
	OperationConfigImportStatus   = "SP-Config import status"
	OperationConfigImportDownload = "SP-Config import download"
)

// configVersions are the API versions that have SP-Config, in the order of
// APIVersions: all five. v3 (not a version this client speaks) has none.
var configVersions = []string{APIVersionV1, APIVersionV2026, APIVersionV2025, APIVersionV2024, APIVersionBeta}

// ConfigVersions returns the API versions that have SP-Config, in the
// order of APIVersions; the slice is the caller's to keep.
func ConfigVersions() []string { return slices.Clone(configVersions) }

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

// SP-Config job types (SpConfigJob.type).
const (
	ConfigJobTypeExport = "EXPORT"
	ConfigJobTypeImport = "IMPORT"
)

// ConfigOperation is one SP-Config operation as the spec declares it.
type ConfigOperation struct {
	Name   string
	Method string
	// OperationID is the spec's operationId; v1 adds "V1".
	OperationID string
	// Paths maps each API version to the request path template, with the
	// version's prefix: "/beta/sp-config/export/{id}",
	// "/sp-config/v1/export/{id}".
	Paths map[string]string
	// Needs maps each API version to what a caller needs there.
	Needs map[string]OperationNeeds
	// Experimental are the versions sent X-SailPoint-Experimental: true.
	Experimental []string
	// ScopesNote says how the spec's words differ from its security
	// object, for messages; "" when they agree.
	ScopesNote string
	// Request is what the request carries, in the spec's words.
	Request string
	// Query lists the query parameters the spec names.
	Query []string
	// Success is the status of the answer the spec documents, Answer its
	// schema.
	Success int
	Answer  string
	// JobIDField is where the answer carries a job id: "jobId" in both
	// POST answers, "exportJobId" (the backup's) in the import results,
	// "" in the export download.
	JobIDField string
	// JobType is the job the operation starts or reads (ConfigJobTypeExport
	// or ConfigJobTypeImport).
	JobType string
	// Launch marks the POSTs: each starts a job, and is never resent once
	// it may have reached the tenant.
	Launch bool
}

// The security the spec lists. Both export scopes are in one requirement
// object, which OpenAPI reads as "both", while the descriptions say "one of
// the following security scopes".
var (
	configReadScopes   = []string{"sp:config:read", "sp:config:manage"}
	configManageScopes = []string{"sp:config:manage"}
	configAdmin        = []string{"ORG_ADMIN"}
	// The beta downloads have no operation security, so the document's
	// userAuth [sp:scopes:all] applies; their descriptions name
	// sp:config:read, sp:config:manage (export) and sp:config:manage
	// (import).
	configDocumentScopes = []string{"sp:scopes:all"}
)

// configExperimental: the seven v2024 files required
// X-SailPoint-Experimental from 2024-08-06 to 2025-02-26; it is harmless
// once an API is public, so it is still sent there. The other versions'
// files never had it.
var configExperimental = []string{APIVersionV2024}

const eitherScopeNote = "the spec lists sp:config:read and sp:config:manage together, which OpenAPI reads as both, while its description says one of them"

// configOperations is every SP-Config operation this client calls. The
// config-object list (GET .../sp-config/config-objects) is not called.
var configOperations = []ConfigOperation{
	{
		Name: OperationConfigExport, Method: http.MethodPost, OperationID: "exportSpConfig",
		Paths:        configPaths("/export"),
		Experimental: configExperimental,
		Needs:        configNeeds(configReadScopes, configReadScopes, true),
		ScopesNote:   eitherScopeNote,
		Request:      "application/json ExportPayload: description, includeTypes, excludeTypes, objectOptions (none required)",
		Success:      http.StatusAccepted, Answer: "SpConfigExportJob", JobIDField: "jobId", JobType: ConfigJobTypeExport, Launch: true,
	},
	{
		Name: OperationConfigExportStatus, Method: http.MethodGet, OperationID: "getSpConfigExportStatus",
		Paths:        configPaths("/export/{id}"),
		Experimental: configExperimental,
		// beta lists no x-sailpoint-userLevels here.
		Needs:      configNeeds(configReadScopes, configReadScopes, false),
		ScopesNote: eitherScopeNote,
		Request:    "path id: the export's jobId",
		Success:    http.StatusOK, Answer: "SpConfigExportJobStatus", JobIDField: "jobId", JobType: ConfigJobTypeExport,
	},
	{
		Name: OperationConfigExportDownload, Method: http.MethodGet, OperationID: "getSpConfigExport",
		Paths:        configPaths("/export/{id}/download"),
		Experimental: configExperimental,
		Needs:        configNeeds(configReadScopes, configDocumentScopes, false),
		ScopesNote:   eitherScopeNote,
		Request:      "path id: the export's jobId, or an import's exportJobId (its backup)",
		Success:      http.StatusOK, Answer: "SpConfigExportResults", JobType: ConfigJobTypeExport,
	},
	{
		Name: OperationConfigImport, Method: http.MethodPost, OperationID: "importSpConfig",
		Paths:        configPaths("/import"),
		Experimental: configExperimental,
		Needs:        configNeeds(configManageScopes, configManageScopes, true),
		Request:      "multipart/form-data: part data (required; the JSON file, application/octet-stream) and part options (application/json ImportOptions)",
		Query:        []string{"preview"},
		Success:      http.StatusAccepted, Answer: "SpConfigJob", JobIDField: "jobId", JobType: ConfigJobTypeImport, Launch: true,
	},
	{
		Name: OperationConfigImportStatus, Method: http.MethodGet, OperationID: "getSpConfigImportStatus",
		Paths:        configPaths("/import/{id}"),
		Experimental: configExperimental,
		Needs:        configNeeds(configManageScopes, configManageScopes, true),
		Request:      "path id: the import's jobId",
		Success:      http.StatusOK, Answer: "SpConfigImportJobStatus", JobIDField: "jobId", JobType: ConfigJobTypeImport,
	},
	{
		Name: OperationConfigImportDownload, Method: http.MethodGet, OperationID: "getSpConfigImport",
		Paths:        configPaths("/import/{id}/download"),
		Experimental: configExperimental,
		Needs:        configNeeds(configManageScopes, configDocumentScopes, false),
		Request:      "path id: the import's jobId",
		Success:      http.StatusOK, Answer: "SpConfigImportResults", JobIDField: "exportJobId", JobType: ConfigJobTypeImport,
	},
}

// configPaths is an operation's path on every version: /{version}/sp-config
// + rest on the collection versions, /sp-config/v1 + rest on v1.
func configPaths(rest string) map[string]string {
	paths := map[string]string{APIVersionV1: "/sp-config/v1" + rest}
	for _, v := range configVersions {
		if v != APIVersionV1 {
			paths[v] = "/" + v + "/sp-config" + rest
		}
	}
	return paths
}

// configNeeds is what an operation needs on every version: scopes (beta:
// betaScopes), a user token (no operation lists applicationAuth), and
// ORG_ADMIN, which beta lists only where betaLevels says.
func configNeeds(scopes, betaScopes []string, betaLevels bool) map[string]OperationNeeds {
	needs := map[string]OperationNeeds{}
	for _, v := range configVersions {
		n := OperationNeeds{Scopes: scopes, UserLevels: configAdmin, UserTokenOnly: true}
		if v == APIVersionBeta {
			n.Scopes = betaScopes
			if !betaLevels {
				n.UserLevels = nil
			}
		}
		needs[v] = n
	}
	return needs
}

// ConfigOperations returns the SP-Config operations, declared as above.
// The values are the caller's to keep.
func ConfigOperations() []ConfigOperation {
	out := make([]ConfigOperation, 0, len(configOperations))
	for _, op := range configOperations {
		out = append(out, op.clone())
	}
	return out
}

func (op ConfigOperation) clone() ConfigOperation {
	op.Paths = maps.Clone(op.Paths)
	needs := make(map[string]OperationNeeds, len(op.Needs))
	for v, n := range op.Needs {
		needs[v] = OperationNeeds{Scopes: slices.Clone(n.Scopes), UserLevels: slices.Clone(n.UserLevels), UserTokenOnly: n.UserTokenOnly}
	}
	op.Needs = needs
	op.Query = slices.Clone(op.Query)
	op.Experimental = slices.Clone(op.Experimental)
	return op
}

// configOperation returns the declaration of an SP-Config operation.
func configOperation(name string) (ConfigOperation, bool) {
	for _, op := range configOperations {
		if op.Name == name {
			return op, true
		}
	}
	return ConfigOperation{}, false
}

// ConfigOperationVersions lists the API versions that have an SP-Config
// operation, in the order of APIVersions; nil for a name this package does
// not know.
func ConfigOperationVersions(operation string) []string {
	op, ok := configOperation(operation)
	if !ok {
		return nil
	}
	var out []string
	for _, v := range APIVersions {
		if _, has := op.Paths[v]; has {
			out = append(out, v)
		}
	}
	return out
}

// ValidateConfigVersion returns an *UnsupportedOperationError when the API
// version ("" means v1) has no such SP-Config operation, so a plan can
// refuse it before anything is sent.
func ValidateConfigVersion(operation, version string) error {
	if version == "" {
		version = APIVersionV1
	}
	versions := ConfigOperationVersions(operation)
	if slices.Contains(versions, version) {
		return nil
	}
	op, _ := configOperation(operation)
	return &UnsupportedOperationError{Operation: operation, Method: op.Method, Version: version, Versions: versions}
}

// ConfigNeeds returns what an SP-Config operation needs on an API version
// ("" means v1), per the spec; the zero value for an operation or version
// without it. The slices are the caller's to keep.
func ConfigNeeds(operation, version string) OperationNeeds {
	if version == "" {
		version = APIVersionV1
	}
	op, ok := configOperation(operation)
	if !ok {
		return OperationNeeds{}
	}
	n := op.Needs[version]
	return OperationNeeds{Scopes: slices.Clone(n.Scopes), UserLevels: slices.Clone(n.UserLevels), UserTokenOnly: n.UserTokenOnly}
}

// configExperimentalOn reports whether an operation is sent
// X-SailPoint-Experimental on a version.
func configExperimentalOn(operation, version string) bool {
	op, _ := configOperation(operation)
	return slices.Contains(op.Experimental, orV1(version))
}

// configPath is the request path of an operation on a version, its {id}
// (if any) escaped.
func configPath(operation, version, id string) string {
	if version == "" {
		version = APIVersionV1
	}
	op, _ := configOperation(operation)
	return strings.Replace(op.Paths[version], "{id}", url.PathEscape(id), 1)
}
