package sailpoint

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Every call this client makes to the tenant's API is an Operation,
// declared once below: its name, its path on each API version (so the
// versions that have it), what the spec says a caller needs, and, for an
// operation that starts a job, the answer that names the job and how the
// job is read. The task reads and the task launches come first, the
// SP-Config operations (export and import jobs, their status reads and
// downloads) last. The fake tenant routes from the same table, and
// operations_test.go checks every declaration against the spec files in
// testdata/spec: a declaration missing a part, or one the spec disagrees
// with, fails that test by name.

// An Operation is one API call as the spec declares it.
type Operation struct {
	// Name names it for people: "account aggregation".
	Name string
	// OperationID is the spec's operationId (v1's adds "V1").
	OperationID string
	Method      string
	// Paths are the request path on each API version that has it, as the
	// spec writes it with the version's prefix: "/sources/v1/{id}/load-accounts",
	// "/beta/sources/{sourceId}/load-accounts". At most one {parameter}.
	Paths map[string]string
	// Needs is what the spec asks of the caller on each version.
	Needs map[string]OperationNeeds
	// Experimental are the versions sent X-SailPoint-Experimental: true.
	Experimental []string
	// ScopesNote says how the spec's words about the scopes differ from
	// its security object, which Needs follows; "" when they agree. The
	// SP-Config export, its status and its download list sp:config:read
	// and sp:config:manage in one requirement (OpenAPI: both) while their
	// descriptions say "one of".
	ScopesNote string

	// What an operation that starts a job adds; zero for a read, but
	// where a read names its answer (Answer, and JobID if it carries the
	// job's id), the spec test checks those too.
	//
	// Answer is the spec's schema of its 2xx answer, named in messages.
	Answer string
	// JobID is where that answer puts the job's id: "task.id", "id" or
	// "jobId".
	JobID string
	// Job says how the job is read and when it has ended.
	Job JobKind
	// Body is what the request carries.
	Body BodyKind
	// TaskName is the name (uniqueName) of the tasks a TaskJob launch
	// starts, as the spec's examples show it; "" where they show none.
	// TaskOf tells the launches' tasks apart by it.
	TaskName string
}

// JobKind says how a started job is read and when it has ended.
type JobKind int

const (
	// NoJob: the operation starts nothing (a read, a PATCH).
	NoJob JobKind = iota
	// TaskJob: a task, read at GET /task-status/{id} (GetTaskStatus), ended
	// when both completed and completionStatus are set.
	TaskJob
	// ConfigExportJob: an SP-Config export, not a task: read at its own
	// status endpoint, GET .../sp-config/export/{id} (ConfigExportStatusOp,
	// GetConfigExportStatus, WaitForConfigJob), ended when
	// ConfigJob.Finished() (a status of ConfigJobFinalStatuses); its
	// document is downloaded with DownloadConfigExport.
	ConfigExportJob
	// ConfigImportJob: an SP-Config import, read at GET
	// .../sp-config/import/{id} (ConfigImportStatusOp,
	// GetConfigImportStatus), ended when ConfigJob.Finished(); its results
	// are downloaded with DownloadConfigImportResults.
	ConfigImportJob
)

// noun is what the job is called in messages: "task" or "job".
func (k JobKind) noun() string {
	if k == ConfigExportJob || k == ConfigImportJob {
		return "job"
	}
	return "task"
}

func (k JobKind) idName() string { return k.noun() + " id" }

// BodyKind is what a request carries.
type BodyKind int

const (
	NoBody BodyKind = iota
	// FormBody: multipart/form-data, the parts the operation's Body says.
	FormBody
	// JSONBody: application/json.
	JSONBody
)

// StartsJob reports whether the operation starts a job.
func (o *Operation) StartsJob() bool { return o.Job != NoJob }

// Versions are the API versions that have the operation, in the order of
// APIVersions. The slice is the caller's.
func (o *Operation) Versions() []string {
	var out []string
	for _, v := range APIVersions {
		if _, ok := o.Paths[v]; ok {
			out = append(out, v)
		}
	}
	return out
}

// Supports returns an *UnsupportedOperationError when the API version ("" is
// v1) has no such operation, so a plan can refuse it before anything is sent.
func (o *Operation) Supports(version string) error {
	version = orV1(version)
	if _, ok := o.Paths[version]; ok {
		return nil
	}
	return &UnsupportedOperationError{Operation: o.Name, Method: o.Method, Version: version, Versions: o.Versions()}
}

// NeedsOn is what the operation needs on an API version ("" is v1); the zero
// value on a version without it. The slices are the caller's.
func (o *Operation) NeedsOn(version string) OperationNeeds {
	n := o.Needs[orV1(version)]
	return OperationNeeds{Scopes: slices.Clone(n.Scopes), UserLevels: slices.Clone(n.UserLevels), UserTokenOnly: n.UserTokenOnly}
}

// Path is the request path on a version, with param (escaped) in place of
// the path's parameter; "" when the version has no such operation.
func (o *Operation) Path(version, param string) string {
	p, ok := o.Paths[orV1(version)]
	if !ok {
		return ""
	}
	open, end := strings.IndexByte(p, '{'), strings.IndexByte(p, '}')
	if open < 0 || end < open {
		return p
	}
	return p[:open] + url.PathEscape(param) + p[end+1:]
}

func (o *Operation) experimental(version string) bool {
	return slices.Contains(o.Experimental, orV1(version))
}

func orV1(version string) string {
	if version == "" {
		return APIVersionV1
	}
	return version
}

// UnsupportedOperationError means the client's API version has no such
// operation. Nothing was sent.
type UnsupportedOperationError struct {
	Operation string
	Method    string // of the request, which was not sent
	Version   string
	// Versions are the API versions that have it.
	Versions []string
}

func (e *UnsupportedOperationError) Error() string {
	return fmt.Sprintf("API version %s has no %s: the spec has it in %s only", e.Version, e.Operation, strings.Join(e.Versions, ", "))
}

// OperationNeeds is what the spec says a caller needs for an operation.
type OperationNeeds struct {
	// Scopes the token must all hold (one security requirement lists them
	// together). Empty when the spec asks for none in particular.
	Scopes []string
	// UserLevels are the spec's x-sailpoint-userLevels, any one of which
	// may call the operation; nil where the version lists none.
	UserLevels []string
	// UserTokenOnly: the spec lists userAuth only, so a token from a
	// client-credentials (API) client is not documented to work; a personal
	// access token is.
	UserTokenOnly bool
}

// everyVersion is a path on every version: v1's own, and the others' with
// {version} replaced; overrides (version, path pairs) replace a version's.
func everyVersion(v1, others string, overrides ...string) map[string]string {
	out := map[string]string{APIVersionV1: v1}
	for _, v := range APIVersions[1:] {
		out[v] = strings.ReplaceAll(others, "{version}", v)
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		out[overrides[i]] = overrides[i+1]
	}
	return out
}

// only keeps the paths of the versions listed.
func only(paths map[string]string, versions ...string) map[string]string {
	out := map[string]string{}
	for _, v := range versions {
		out[v] = paths[v]
	}
	return out
}

// needsOn is n on each version of paths, but where an override names the
// version.
func needsOn(paths map[string]string, n OperationNeeds, overrides ...map[string]OperationNeeds) map[string]OperationNeeds {
	out := map[string]OperationNeeds{}
	for v := range paths {
		out[v] = n
	}
	for _, o := range overrides {
		for v, on := range o {
			out[v] = on
		}
	}
	return out
}

// The user levels the spec lists most often.
var (
	orgAdmin    = []string{"ORG_ADMIN"}
	sourceAdmin = []string{"ORG_ADMIN", "SOURCE_ADMIN", "SOURCE_SUBADMIN"}
)

// Reads of task statuses. Their v2024, v2025 and v2026 files required
// X-SailPoint-Experimental when they were new; it is harmless once an API
// is public, so it is still sent there.
var (
	readExperimental = []string{APIVersionV2026, APIVersionV2025, APIVersionV2024}
	taskStatusNeeds  = OperationNeeds{Scopes: []string{"idn:task-management:read", "idn:task-management:write"},
		UserLevels: []string{"ORG_ADMIN", "HELPDESK", "CERT_ADMIN", "REPORT_ADMIN", "ROLE_ADMIN", "ROLE_SUBADMIN", "SOURCE_ADMIN", "SOURCE_SUBADMIN"}}

	taskStatusPaths = everyVersion("/task-status/v1/{id}", "/{version}/task-status/{id}")
	// GetTaskStatusOp reads one task.
	GetTaskStatusOp = &Operation{Name: "task status read", OperationID: "getTaskStatus", Method: http.MethodGet,
		Paths: taskStatusPaths, Needs: needsOn(taskStatusPaths, taskStatusNeeds), Experimental: readExperimental}
	// ClearTaskOp clears a pending task: PATCH /task-status/{id}, userAuth
	// only, with idn:task-management:write, for these user levels (the GET
	// also lists HELPDESK; the PATCH does not).
	ClearTaskOp = &Operation{Name: "clear task", OperationID: "updateTaskStatus", Method: http.MethodPatch,
		Paths: taskStatusPaths, Experimental: readExperimental,
		Needs: needsOn(taskStatusPaths, OperationNeeds{Scopes: []string{"idn:task-management:write"},
			UserLevels: []string{"ORG_ADMIN", "CERT_ADMIN", "REPORT_ADMIN", "ROLE_ADMIN", "ROLE_SUBADMIN", "SOURCE_ADMIN", "SOURCE_SUBADMIN"}, UserTokenOnly: true})}

	taskListPaths = everyVersion("/task-status/v1", "/{version}/task-status")
	// ListTaskStatusesOp lists tasks. v2024's and beta's list holds
	// finished tasks only.
	ListTaskStatusesOp = &Operation{Name: "task status list", OperationID: "getTaskStatusList", Method: http.MethodGet,
		Paths: taskListPaths, Needs: needsOn(taskListPaths, taskStatusNeeds), Experimental: readExperimental}
	// PendingTasksOp is the deprecated list of unfinished tasks, which
	// v2026 and v1 no longer have.
	pendingPaths   = only(everyVersion("", "/{version}/task-status/pending-tasks"), APIVersionV2025, APIVersionV2024, APIVersionBeta)
	PendingTasksOp = &Operation{Name: "pending task list", OperationID: "getPendingTasks", Method: http.MethodGet,
		Paths: pendingPaths, Needs: needsOn(pendingPaths, taskStatusNeeds), Experimental: readExperimental}

	// AccountAggregationStatusOp reads the progress of a running account
	// aggregation: userAuth with no scope; beta has no operation security,
	// so the document's userAuth [sp:scopes:all] applies, and names the
	// levels (with DASHBOARD) in its description only.
	aggregationStatusPaths     = everyVersion("/account-aggregations/v1/{id}/status", "/{version}/account-aggregations/{id}/status")
	AccountAggregationStatusOp = &Operation{Name: "account aggregation status", OperationID: "getAccountAggregationStatus",
		Method: http.MethodGet, Paths: aggregationStatusPaths, Experimental: readExperimental,
		Needs: needsOn(aggregationStatusPaths, OperationNeeds{UserLevels: sourceAdmin, UserTokenOnly: true},
			map[string]OperationNeeds{APIVersionBeta: {Scopes: []string{"sp:scopes:all"}, UserTokenOnly: true}})}
)

// Operations are every operation the client makes: the fake tenant routes
// from this list, and the tests check each against the spec.
func Operations() []*Operation {
	out := append([]*Operation{GetTaskStatusOp, ClearTaskOp, ListTaskStatusesOp, PendingTasksOp, AccountAggregationStatusOp}, Launches()...)
	out = append(out, ConfigLaunches()...)
	return append(out, ConfigExportStatusOp, ConfigImportStatusOp, ConfigExportDownloadOp, ConfigImportDownloadOp)
}

// launchers are the operations that start a task (TaskJob), in the order
// the provider lists its resources: one resource and one action each.
var launchers = []launcher{
	AccountAggregationOp,
	EntitlementAggregationOp,
	IdentityProcessingOp,
	UncorrelatedAccountImportOp,
	SourceAccountResetOp,
	SourceEntitlementResetOp,
	MachineIdentityAggregationOp,
}

// configLaunchers are the operations that start an SP-Config job
// (ConfigExportJob, ConfigImportJob). They are not in Launches: the
// provider makes a task resource of every launch there.
var configLaunchers = []launcher{
	ConfigExportOp,
	ConfigImportOp,
}

// Launches are the operations that start a task (Job TaskJob), in the
// order the provider lists its resources. The SP-Config jobs are started
// by ConfigLaunches.
func Launches() []*Operation { return operationsOf(launchers) }

// ConfigLaunches are the operations that start an SP-Config job: the
// export and the import.
func ConfigLaunches() []*Operation { return operationsOf(configLaunchers) }

func operationsOf(ls []launcher) []*Operation {
	out := make([]*Operation, len(ls))
	for i, l := range ls {
		out[i], _, _ = l.parts()
	}
	return out
}

// TaskOf says which launch started a task, by the task's name (uniqueName,
// else its task definition's): the launch whose TaskName the name is, or
// begins with and goes on after " - "; nil when it is no launch's (the
// spec shows no name for identity processing and the resets, so their
// tasks are nil too).
func TaskOf(ts *TaskStatus) *Operation {
	name := ts.KindName()
	if name == "" {
		return nil
	}
	for _, o := range Launches() {
		if o.TaskName != "" && (name == o.TaskName || strings.HasPrefix(name, o.TaskName+" - ")) {
			return o
		}
	}
	return nil
}

// KindName is the name of the task's kind: its uniqueName, else its task
// definition's; "" when it has neither.
func (ts *TaskStatus) KindName() string {
	switch {
	case ts == nil:
		return ""
	case ts.UniqueName != nil && *ts.UniqueName != "":
		return *ts.UniqueName
	case ts.TaskDefinitionSummary != nil && ts.TaskDefinitionSummary.UniqueName != nil:
		return *ts.TaskDefinitionSummary.UniqueName
	}
	return ""
}

// OperationNamed finds an operation of Operations by Name; nil when none.
func OperationNamed(name string) *Operation {
	for _, o := range Operations() {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// The launches: each starts a task, read at task status.
var (
	// AccountAggregationOp loads a source's accounts: from the connector,
	// or from an uploaded CSV for a delimited-file source. beta documents
	// the levels in its description only, and userAuth only.
	accountAggregationPaths = everyVersion("/sources/v1/{id}/load-accounts", "/{version}/sources/{id}/load-accounts",
		APIVersionBeta, "/beta/sources/{sourceId}/load-accounts")
	AccountAggregationOp = &Launcher[AccountAggregation]{
		Operation: &Operation{Name: "account aggregation", OperationID: "importAccounts", Method: http.MethodPost,
			Paths: accountAggregationPaths,
			Needs: needsOn(accountAggregationPaths, OperationNeeds{Scopes: []string{"idn:sources:manage"}, UserLevels: sourceAdmin},
				map[string]OperationNeeds{APIVersionBeta: {Scopes: []string{"idn:sources:manage"}, UserTokenOnly: true}}),
			Answer: "LoadAccountsTask", JobID: "task.id", Job: TaskJob, Body: FormBody, TaskName: "Cloud Account Aggregation"},
		Check:  func(a AccountAggregation) error { return ValidateSourceID(a.SourceID) },
		Target: func(a AccountAggregation) string { return a.SourceID },
		Build: func(a AccountAggregation) (Body, error) {
			// disableOptimization is a form field: the string "true" or "false".
			return Form(FilePart(a.File), BoolPart("disableOptimization", a.DisableOptimization)), nil
		},
	}

	// EntitlementAggregationOp loads a source's entitlements. The spec
	// documents it for user tokens only; its description also names
	// SOURCE_ADMIN and SOURCE_SUBADMIN, x-sailpoint-userLevels ORG_ADMIN only.
	entitlementAggregationPaths = everyVersion("/sources/v1/{sourceId}/load-entitlements", "/{version}/sources/{sourceId}/load-entitlements")
	EntitlementAggregationOp    = &Launcher[EntitlementAggregation]{
		Operation: &Operation{Name: "entitlement aggregation", OperationID: "importEntitlements", Method: http.MethodPost,
			Paths:  entitlementAggregationPaths,
			Needs:  needsOn(entitlementAggregationPaths, OperationNeeds{Scopes: []string{"idn:entitlement:manage"}, UserLevels: orgAdmin, UserTokenOnly: true}),
			Answer: "LoadEntitlementTask", JobID: "id", Job: TaskJob, Body: FormBody, TaskName: "Cloud Group Aggregation"},
		Check:  func(e EntitlementAggregation) error { return ValidateSourceID(e.SourceID) },
		Target: func(e EntitlementAggregation) string { return e.SourceID },
		Build:  func(e EntitlementAggregation) (Body, error) { return Form(FilePart(e.File)), nil },
	}

	// IdentityProcessingOp processes up to 250 identities. The spec
	// requires the experimental header on every version but beta; its task
	// id may be a dashed UUID.
	identityProcessingPaths = everyVersion("/identities/v1/process", "/{version}/identities/process")
	IdentityProcessingOp    = &Launcher[IdentityProcessing]{
		Operation: &Operation{Name: "identity processing", OperationID: "startIdentityProcessing", Method: http.MethodPost,
			Paths: identityProcessingPaths,
			Needs: needsOn(identityProcessingPaths, OperationNeeds{Scopes: []string{"idn:identity:process", "idn:identity:manage"},
				UserLevels: []string{"ORG_ADMIN", "HELPDESK"}}),
			Experimental: []string{APIVersionV1, APIVersionV2026, APIVersionV2025, APIVersionV2024},
			Answer:       "TaskResultResponse", JobID: "id", Job: TaskJob, Body: JSONBody},
		Check: func(p IdentityProcessing) error { return ValidateIdentityIDs(p.IdentityIDs) },
		Build: func(p IdentityProcessing) (Body, error) {
			return JSON(struct {
				IdentityIDs []string `json:"identityIds"`
			}{p.IdentityIDs})
		},
	}

	// UncorrelatedAccountImportOp processes a CSV of uncorrelated accounts
	// of a source (multipart field file).
	uncorrelatedPaths = everyVersion("/sources/v1/{id}/load-uncorrelated-accounts", "/{version}/sources/{id}/load-uncorrelated-accounts",
		APIVersionBeta, "/beta/sources/{sourceId}/load-uncorrelated-accounts")
	UncorrelatedAccountImportOp = &Launcher[UncorrelatedAccountImport]{
		Operation: &Operation{Name: "uncorrelated account import", OperationID: "importUncorrelatedAccounts", Method: http.MethodPost,
			Paths: uncorrelatedPaths,
			Needs: needsOn(uncorrelatedPaths, OperationNeeds{Scopes: []string{"idn:sources:manage"}, UserLevels: orgAdmin},
				map[string]OperationNeeds{APIVersionBeta: {Scopes: []string{"idn:sources:manage"}, UserTokenOnly: true}}),
			Answer: "LoadUncorrelatedAccountsTask", JobID: "task.id", Job: TaskJob, Body: FormBody,
			TaskName: "Cloud Process Uncorrelated Accounts"},
		Check:  func(u UncorrelatedAccountImport) error { return ValidateSourceID(u.SourceID) },
		Target: func(u UncorrelatedAccountImport) string { return u.SourceID },
		Build:  func(u UncorrelatedAccountImport) (Body, error) { return Form(FilePart(u.File)), nil },
	}

	// SourceAccountResetOp removes all accounts of a source from ISC,
	// without provisioning changes to the source (no body). Not
	// idn:sources:manage: removing accounts has its own scope.
	accountResetPaths = everyVersion("/sources/v1/{id}/remove-accounts", "/{version}/sources/{id}/remove-accounts",
		APIVersionBeta, "/beta/sources/{sourceId}/remove-accounts")
	SourceAccountResetOp = &Launcher[SourceReset]{
		Operation: &Operation{Name: "account reset", OperationID: "deleteAccountsAsync", Method: http.MethodPost,
			Paths: accountResetPaths,
			Needs: needsOn(accountResetPaths, OperationNeeds{Scopes: []string{"idn:accounts:manage"}, UserLevels: orgAdmin, UserTokenOnly: true},
				map[string]OperationNeeds{APIVersionBeta: {Scopes: []string{"idn:accounts:manage"}, UserTokenOnly: true}}),
			Answer: "TaskResultDto", JobID: "id", Job: TaskJob},
		Check:  func(r SourceReset) error { return ValidateSourceID(r.SourceID) },
		Target: func(r SourceReset) string { return r.SourceID },
	}

	// SourceEntitlementResetOp removes all entitlements of a source (no body).
	entitlementResetPaths = everyVersion("/entitlements/v1/reset/sources/{id}", "/{version}/entitlements/reset/sources/{id}",
		APIVersionBeta, "/beta/entitlements/reset/sources/{sourceId}")
	SourceEntitlementResetOp = &Launcher[SourceReset]{
		Operation: &Operation{Name: "entitlement reset", OperationID: "resetSourceEntitlements", Method: http.MethodPost,
			Paths: entitlementResetPaths,
			Needs: needsOn(entitlementResetPaths, OperationNeeds{Scopes: []string{"idn:entitlement:manage"}, UserLevels: orgAdmin, UserTokenOnly: true},
				map[string]OperationNeeds{APIVersionBeta: {Scopes: []string{"idn:entitlement:update"}, UserLevels: orgAdmin, UserTokenOnly: true}}),
			Answer: "EntitlementSourceResetBaseReferenceDto", JobID: "id", Job: TaskJob},
		Check:  func(r SourceReset) error { return ValidateSourceID(r.SourceID) },
		Target: func(r SourceReset) string { return r.SourceID },
	}

	// MachineIdentityAggregationOp aggregates the machine identities (AI
	// agents) of a source's datasets: v1, v2026 and v2025 only, JSON, with
	// the experimental header the spec requires. It answers 200 with a
	// task-shaped MachineIdentityAggregationResponse.
	machineIdentityPaths = only(everyVersion("/sources/v1/{sourceId}/aggregate-agents", "/{version}/sources/{sourceId}/aggregate-agents"),
		APIVersionV1, APIVersionV2026, APIVersionV2025)
	MachineIdentityAggregationOp = &Launcher[MachineIdentityAggregation]{
		Operation: &Operation{Name: "machine identity aggregation", OperationID: "startMachineIdentityAggregation", Method: http.MethodPost,
			Paths: machineIdentityPaths,
			Needs: needsOn(machineIdentityPaths, OperationNeeds{Scopes: []string{"idn:mis-agents:aggregate"},
				UserLevels: []string{"ORG_ADMIN", "SOURCE_ADMIN", "SOURCE_SUBADMIN", "HELPDESK"}, UserTokenOnly: true}),
			Experimental: []string{APIVersionV1, APIVersionV2026, APIVersionV2025},
			Answer:       "MachineIdentityAggregationResponse", JobID: "id", Job: TaskJob, Body: JSONBody,
			// "AI Agent Aggregation - ID123": the name goes on with the source.
			TaskName: "AI Agent Aggregation"},
		Check: func(m MachineIdentityAggregation) error {
			if err := ValidateSourceID(m.SourceID); err != nil {
				return err
			}
			return ValidateDatasetIDs(m.DatasetIDs)
		},
		Target: func(m MachineIdentityAggregation) string { return m.SourceID },
		Build: func(m MachineIdentityAggregation) (Body, error) {
			return JSON(struct {
				DatasetIDs          []string `json:"datasetIds"`
				DisableOptimization *bool    `json:"disableOptimization,omitempty"`
			}{m.DatasetIDs, m.DisableOptimization})
		},
	}
)

const configEitherScope = "the spec lists sp:config:read and sp:config:manage together, which OpenAPI reads as both, while its description says one of them"

// SP-Config: export a tenant's configuration objects to a document,
// import one, each a job of its own (ConfigExportJob, ConfigImportJob),
// read at its own status endpoint, never at /task-status. All five
// versions have every operation (v3 has none), at /sp-config/v1/... on v1
// and /{version}/sp-config/... on the others. No operation lists
// applicationAuth, so each needs a user token; the config-object list (GET
// .../sp-config/config-objects) is not called.
var (
	// configExperimental: the seven v2024 files required
	// X-SailPoint-Experimental from 2024-08-06 to 2025-02-26; it is
	// harmless once an API is public, so it is still sent there. The other
	// versions' files never had it.
	configExperimental = []string{APIVersionV2024}
	// Both read scopes are in one requirement object, which OpenAPI reads
	// as "both", while the descriptions say "one of the following security
	// scopes".
	configReadNeeds   = OperationNeeds{Scopes: []string{"sp:config:read", "sp:config:manage"}, UserLevels: orgAdmin, UserTokenOnly: true}
	configManageNeeds = OperationNeeds{Scopes: []string{"sp:config:manage"}, UserLevels: orgAdmin, UserTokenOnly: true}
	// The beta downloads have no operation security, so the document's
	// userAuth [sp:scopes:all] applies; their descriptions name
	// sp:config:read, sp:config:manage (export) and sp:config:manage
	// (import). Beta lists no user levels there, nor on the export status.
	configBetaDocumentNeeds = map[string]OperationNeeds{APIVersionBeta: {Scopes: []string{"sp:scopes:all"}, UserTokenOnly: true}}

	configExportPaths         = everyVersion("/sp-config/v1/export", "/{version}/sp-config/export")
	configImportPaths         = everyVersion("/sp-config/v1/import", "/{version}/sp-config/import")
	configExportStatusPaths   = everyVersion("/sp-config/v1/export/{id}", "/{version}/sp-config/export/{id}")
	configImportStatusPaths   = everyVersion("/sp-config/v1/import/{id}", "/{version}/sp-config/import/{id}")
	configExportDownloadPaths = everyVersion("/sp-config/v1/export/{id}/download", "/{version}/sp-config/export/{id}/download")
	configImportDownloadPaths = everyVersion("/sp-config/v1/import/{id}/download", "/{version}/sp-config/import/{id}/download")

	// ConfigExportOp starts an export: JSON ExportPayload, answered 202
	// with the SpConfigExportJob, its id in jobId. The request is checked
	// first (ValidateConfigExportRequest).
	ConfigExportOp = &Launcher[ConfigExportRequest]{
		Operation: &Operation{Name: "SP-Config export", OperationID: "exportSpConfig", Method: http.MethodPost,
			Paths: configExportPaths, Needs: needsOn(configExportPaths, configReadNeeds), Experimental: configExperimental,
			ScopesNote: configEitherScope,
			Answer:     "SpConfigExportJob", JobID: "jobId", Job: ConfigExportJob, Body: JSONBody},
		Check: ValidateConfigExportRequest,
		Build: func(r ConfigExportRequest) (Body, error) { return JSON(r) },
	}

	// ConfigImportOp starts an import: multipart/form-data, the part data
	// the document (a file part, application/octet-stream, streamed from
	// its path or held in memory), the part options the ImportOptions
	// (application/json); the query preview=true only when previewing.
	// It answers 202 with the SpConfigJob, its id in jobId. The options
	// are checked first (ValidateConfigImportOptions, without the
	// document).
	ConfigImportOp = &Launcher[ConfigImportRequest]{
		Operation: &Operation{Name: "SP-Config import", OperationID: "importSpConfig", Method: http.MethodPost,
			Paths: configImportPaths, Needs: needsOn(configImportPaths, configManageNeeds), Experimental: configExperimental,
			Answer: "SpConfigJob", JobID: "jobId", Job: ConfigImportJob, Body: FormBody},
		Check: func(r ConfigImportRequest) error {
			if err := ValidateConfigImportOptions(r.Options, nil); err != nil {
				return err
			}
			if r.Document == nil {
				return errors.New("an SP-Config import needs a document")
			}
			return nil
		},
		Build: func(r ConfigImportRequest) (Body, error) {
			doc := *r.Document
			if doc.Name == "" {
				doc.Name = "sp-config.json"
			}
			options, err := JSONPart("options", r.Options)
			if err != nil {
				return Body{}, err
			}
			b := Form(FileAs("data", "application/octet-stream", &doc), options)
			if r.Preview {
				b = b.WithQuery("preview", "true")
			}
			return b, nil
		},
	}

	// ConfigExportStatusOp reads an export job (SpConfigExportJobStatus).
	ConfigExportStatusOp = &Operation{Name: "SP-Config export status", OperationID: "getSpConfigExportStatus", Method: http.MethodGet,
		Paths: configExportStatusPaths, Experimental: configExperimental, ScopesNote: configEitherScope,
		Needs:  needsOn(configExportStatusPaths, configReadNeeds, map[string]OperationNeeds{APIVersionBeta: {Scopes: configReadNeeds.Scopes, UserTokenOnly: true}}),
		Answer: "SpConfigExportJobStatus", JobID: "jobId"}
	// ConfigImportStatusOp reads an import job (SpConfigImportJobStatus).
	ConfigImportStatusOp = &Operation{Name: "SP-Config import status", OperationID: "getSpConfigImportStatus", Method: http.MethodGet,
		Paths: configImportStatusPaths, Needs: needsOn(configImportStatusPaths, configManageNeeds), Experimental: configExperimental,
		Answer: "SpConfigImportJobStatus", JobID: "jobId"}
	// ConfigExportDownloadOp downloads an export's document
	// (SpConfigExportResults): an export's jobId, or an import's
	// exportJobId (its backup).
	ConfigExportDownloadOp = &Operation{Name: "SP-Config export download", OperationID: "getSpConfigExport", Method: http.MethodGet,
		Paths: configExportDownloadPaths, Needs: needsOn(configExportDownloadPaths, configReadNeeds, configBetaDocumentNeeds),
		Experimental: configExperimental, ScopesNote: configEitherScope, Answer: "SpConfigExportResults"}
	// ConfigImportDownloadOp downloads an import's results
	// (SpConfigImportResults).
	ConfigImportDownloadOp = &Operation{Name: "SP-Config import download", OperationID: "getSpConfigImport", Method: http.MethodGet,
		Paths: configImportDownloadPaths, Needs: needsOn(configImportDownloadPaths, configManageNeeds, configBetaDocumentNeeds),
		Experimental: configExperimental, Answer: "SpConfigImportResults"}
)

// What each launch takes.

// MaxIdentityIDs is the most identities one identity-processing call takes.
const MaxIdentityIDs = 250

// LaunchFile is a file sent with a launch: a CSV (delimited-file sources)
// or an SP-Config document to import. It is held in Content, or streamed
// from Path, Size bytes, each time the launch is sent; a file at Path
// whose size is no longer Size is refused before anything is sent.
type LaunchFile struct {
	Name    string // file name of the multipart part (base name of the user's path)
	Content []byte
	Path    string
	Size    int64
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

// IdentityProcessing says which identities to process: 1 to MaxIdentityIDs.
type IdentityProcessing struct {
	IdentityIDs []string
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

// SourceReset says which source to reset.
type SourceReset struct {
	SourceID string
}

// MachineIdentityAggregation says which datasets of a source to aggregate.
type MachineIdentityAggregation struct {
	SourceID   string
	DatasetIDs []string // 1 or more, none twice
	// DisableOptimization nil leaves the field out (the spec's default is
	// false).
	DisableOptimization *bool
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
