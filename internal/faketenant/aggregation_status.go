package faketenant

import (
	"encoding/json"
	"net/http"
)

// aggregation is an account aggregation the status GET knows.
type aggregation struct {
	// docs are scripted AccountAggregationStatus answers, one per read, the
	// last repeating; none means an answer derived from the task's state.
	docs  []json.RawMessage
	reads int
}

// PutAccountAggregationStatus scripts the answers of GET
// .../account-aggregations/{id}/status: each read answers the next doc,
// the last one repeating. The id need not be a task's.
func (t *Tenant) PutAccountAggregationStatus(id string, docs ...json.RawMessage) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.aggregations[id] = &aggregation{docs: docs}
}

// AggregationStatusReads is how many times the status of an account
// aggregation was answered with 200.
func (t *Tenant) AggregationStatusReads(id string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a, ok := t.aggregations[id]; ok {
		return a.reads
	}
	return 0
}

// serveAggregationStatus answers the in-progress account aggregation
// status of an account aggregation launched here, or one scripted with
// PutAccountAggregationStatus; any other id is 404 (which the spec
// documents, for one, an hour after the aggregation completes).
func (t *Tenant) serveAggregationStatus(w *recorder, rt route) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.aggregations[rt.param]
	var doc json.RawMessage
	switch {
	case ok && len(a.docs) > 0:
		doc = a.docs[min(a.reads, len(a.docs)-1)]
	case ok:
		doc = t.derivedAggregationStatus(rt)
	}
	if doc == nil {
		writeJSON(w, http.StatusNotFound, errorDto("404 Not found", "No account aggregation with the given id was found."))
		return
	}
	a.reads++
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
}

// derivedAggregationStatus is a plausible status of an unscripted
// aggregation, from its task's answer now (not counted as a read of the
// task): STARTED while it runs, COMPLETED with zero counts once it has
// ended. beta's schema has start, status, totalAccounts and
// processedAccounts only. t.mu must be held.
func (t *Tenant) derivedAggregationStatus(rt route) json.RawMessage {
	tk, ok := t.tasks[rt.param]
	if !ok {
		return nil
	}
	doc := t.currentDoc(tk)
	var f struct {
		Created          string  `json:"created"`
		Launched         *string `json:"launched"`
		CompletionStatus *string `json:"completionStatus"`
	}
	if doc == nil || json.Unmarshal(doc, &f) != nil {
		return nil
	}
	start := f.Created
	if f.Launched != nil {
		start = *f.Launched
	}
	status := map[string]any{"start": start, "status": "STARTED"}
	if f.CompletionStatus != nil {
		status["status"] = "COMPLETED"
		status["totalAccounts"], status["processedAccounts"] = 0, 0
		if rt.version != "beta" {
			status["totalAccountsMarkedForDeletion"], status["deletedAccounts"] = 0, 0
			status["totalIdentities"], status["processedIdentities"] = 0, 0
		}
	}
	return mustJSON(status)
}
