package provider

import (
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

const uncorrelatedAccountImportEndpoint = "`POST /sources/v1/{id}/load-uncorrelated-accounts`, or `/{version}/sources/{id}/load-uncorrelated-accounts`"

// uncorrelatedAccountImport loads accounts that did not correlate to an
// identity from a CSV.
var uncorrelatedAccountImport = define(operationSpec[struct{}]{
	operation: operation{
		typeName: "uncorrelated_account_import",
		declared: sailpoint.UncorrelatedAccountImportOp.Operation,
		resourceDescription: "Processes a CSV of uncorrelated accounts of a source when created (" + uncorrelatedAccountImportEndpoint + "): " +
			"accounts that did not correlate to an identity are loaded from the file. Waits for the task and fails the apply unless " +
			"it finished as expected. A change of `source_id`, `triggers` or the file's content starts a new task; a change of how " +
			"to wait updates in place. Ctrl-C keeps the task: the next apply resumes the wait. Destroying it calls nothing.",
		actionDescription: "Processes a CSV of uncorrelated accounts of a source each time it is invoked (" + uncorrelatedAccountImportEndpoint + "), " +
			"shows its progress while it runs, and fails unless it finished as expected.",
		source: true,
		file:   requiredFile,
	},
	start: func(in launchInput, _ struct{}) (sailpoint.Start, error) {
		return sailpoint.UncorrelatedAccountImportOp.Prepare(sailpoint.UncorrelatedAccountImport{SourceID: in.sourceID, File: in.file})
	},
})
