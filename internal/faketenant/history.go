package faketenant

import (
	"fmt"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// Earlier runs: finished tasks of one kind on a source, as a tenant keeps
// them for 90 days, for a wait to learn how long such a task takes.

// TaskName is the uniqueName this tenant gives the task a launch of op on
// sourceID starts: the name serveLaunch writes, from the same launchKinds
// answer (op's Name for an operation launchKinds has no answer of).
func TaskName(op *sailpoint.Operation, sourceID string) string {
	run := launchedRun{uniqueName: op.Name}
	if kind := launchKinds[op]; kind.answer != nil {
		kind.answer(&Launch{Operation: op.Name, SourceID: sourceID, TaskID: hexID()}, &run)
	}
	return run.uniqueName
}

// historySpacing is the time between the ends of two earlier runs.
const historySpacing = time.Hour

// PutRunHistory stores earlier runs of op on the source, which took
// durations (the latest first), each ended SUCCESS, an hour apart, the
// latest an hour before the tenant's Now. It returns their ids, in the
// same order.
func (t *Tenant) PutRunHistory(sourceID string, op *sailpoint.Operation, durations ...time.Duration) []string {
	t.mu.Lock()
	name := t.sources[sourceID]
	now := t.Now()
	t.mu.Unlock()
	ids := make([]string, len(durations))
	// Oldest first, so the tenant's own order is by creation too.
	for i := len(durations) - 1; i >= 0; i-- {
		completed := now.Add(-time.Duration(i+1) * historySpacing)
		launched := completed.Add(-durations[i])
		ids[i] = hexID()
		t.PutTask(mustJSON(map[string]any{
			"id": ids[i], "type": "QUARTZ", "uniqueName": TaskName(op, sourceID),
			"description": fmt.Sprintf("An earlier %s", op.Name), "parentName": nil, "launcher": "scheduler",
			"target":  map[string]any{"id": sourceID, "type": "APPLICATION", "name": name + " [source]"},
			"created": timestamp(launched), "modified": timestamp(completed), "launched": timestamp(launched),
			"completed": timestamp(completed), "completionStatus": "SUCCESS", "messages": []any{}, "returns": []any{},
			"attributes": map[string]any{"appId": sourceID}, "progress": "Completed", "percentComplete": 100,
		}))
	}
	return ids
}
