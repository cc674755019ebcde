package sailpoint

import (
	"context"
)

// Account aggregation statuses the spec lists (AccountAggregationStatus.status;
// beta has no NOT_FOUND). The API may add others; callers must accept any
// string. COMPLETED is "possibly with errors": it does not tell success
// from failure, the task's completionStatus does.
const (
	AggregationStatusStarted           = "STARTED"
	AggregationStatusAccountsCollected = "ACCOUNTS_COLLECTED"
	AggregationStatusCompleted         = "COMPLETED"
	AggregationStatusCancelled         = "CANCELLED"
	AggregationStatusRetried           = "RETRIED"
	AggregationStatusTerminated        = "TERMINATED"
	AggregationStatusNotFound          = "NOT_FOUND"
)

// AccountAggregationStatus is the spec's AccountAggregationStatus: the
// progress of a running account aggregation. No field is required, so every
// one is a pointer; the counts are "only available when status is
// ACCOUNTS_COLLECTED or COMPLETED", and totalAccounts and processedAccounts
// count new, changed and deleted accounts only. Beta has only Start,
// Status, TotalAccounts and ProcessedAccounts.
type AccountAggregationStatus struct {
	Start                          *string `json:"start"` // the API's text
	Status                         *string `json:"status"`
	TotalAccounts                  *int64  `json:"totalAccounts"`
	ProcessedAccounts              *int64  `json:"processedAccounts"`
	TotalAccountsMarkedForDeletion *int64  `json:"totalAccountsMarkedForDeletion"`
	DeletedAccounts                *int64  `json:"deletedAccounts"`
	TotalIdentities                *int64  `json:"totalIdentities"`
	ProcessedIdentities            *int64  `json:"processedIdentities"`
}

// GetAccountAggregationStatus reads the progress of an account aggregation
// (GET .../account-aggregations/{id}/status). The spec calls id "the
// account aggregation id" and does not say which launch answer field holds
// it. It is "only available up to an hour after the aggregation
// completes", so a 404 (an *APIError for which IsNotFound is true) is to
// be expected after that. It is an ordinary read: retried as reads are.
func (c *Client) GetAccountAggregationStatus(ctx context.Context, id string) (*AccountAggregationStatus, error) {
	if err := validatePathID("account aggregation id", id); err != nil {
		return nil, err
	}
	path := AccountAggregationStatusOp.Path(c.apiVersion, id)
	resp, body, err := c.getIdempotent(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	var s AccountAggregationStatus
	if err := decodeJSON(resp, path, body, &s, answer{document: "AccountAggregationStatus", kind: '{', budget: newBudget()}); err != nil {
		return nil, err
	}
	return &s, nil
}
