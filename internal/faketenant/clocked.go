package faketenant

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"time"
)

// Tasks that run by the clock: launched on a source set with RunByClock,
// a task runs for its Duration of real time (RunClock), whatever reads it,
// and ends then. Its answers are spec-valid TaskStatus documents whose
// times are the tenant's own (Now at the launch, plus the time run), so
// modified less launched is how long it has run.

// ClockedRun says how the tasks launched on a source run by the clock.
type ClockedRun struct {
	Duration time.Duration
	// Progress makes percentComplete rise evenly from 0 to 100 over the
	// run; without it percentComplete stays 0 until the end (the
	// schema requires the field, so "not shown" is a value that never
	// moves).
	Progress bool
	Status   string // the completion status at the end; "" means SUCCESS
}

// ClockedResult is what a clocked task did.
type ClockedResult struct {
	TaskID, SourceID string
	Duration         time.Duration
	Started, Ended   time.Time // by RunClock
	// Seen is when a GET first answered it finished (zero: never), and
	// GETs how many GETs of the task were answered.
	Seen time.Time
	GETs int
}

// Lag is how late the end was seen: Seen less Ended.
func (r ClockedResult) Lag() time.Duration { return r.Seen.Sub(r.Ended) }

// clocked is a launched task running by the clock.
type clocked struct {
	ClockedResult
	run      ClockedRun
	launched time.Time      // the tenant's clock at the launch
	fields   map[string]any // the TaskStatus fields that do not move
}

// RunByClock makes every later launch on the source run by the clock as r
// says, instead of by the scripts of ScriptLaunches.
func (t *Tenant) RunByClock(sourceID string, r ClockedRun) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.clockedSources == nil {
		t.clockedSources = map[string]ClockedRun{}
	}
	t.clockedSources[sourceID] = r
}

// ClockedResults are the clocked tasks launched so far, in launch order.
func (t *Tenant) ClockedResults() []ClockedResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []ClockedResult
	for _, id := range t.order {
		if c := t.tasks[id].clocked; c != nil {
			out = append(out, c.ClockedResult)
		}
	}
	return out
}

// runNow is the clock clocked tasks run by. t.mu must be held.
func (t *Tenant) runNow() time.Time {
	if t.RunClock != nil {
		return t.RunClock()
	}
	return time.Now()
}

// clockLaunch makes the task just launched on sourceID run by the clock,
// when RunByClock asked for it. t.mu must be held.
func (t *Tenant) clockLaunch(sourceID, taskID string, run launchedRun) {
	r, ok := t.clockedSources[sourceID]
	tk := t.tasks[taskID]
	if !ok || tk == nil {
		return
	}
	launched, err := time.Parse(time.RFC3339, run.now)
	if err != nil {
		panic(err) // the tenant's own format
	}
	started := t.runNow()
	tk.clocked = &clocked{
		ClockedResult: ClockedResult{TaskID: taskID, SourceID: sourceID, Duration: r.Duration, Started: started, Ended: started.Add(r.Duration)},
		run:           r,
		launched:      launched,
		fields: map[string]any{
			"id": taskID, "type": "QUARTZ", "uniqueName": run.uniqueName, "description": run.description,
			"parentName": nil, "launcher": run.launcher, "target": run.target, "created": run.now, "launched": run.now,
			"returns": []any{}, "attributes": run.attributes,
		},
	}
	tk.beyond = tk.beyond || r.Status != "" && !slices.Contains([]string{"SUCCESS", "WARNING", "ERROR", "TERMINATED", "TEMPERROR"}, r.Status)
}

// answer is the task's answer now: its clocked state, or its next
// scripted document. get says a GET of the task asks (a clocked task
// counts it, and notes the first that finds it ended). t.mu must be held.
func (t *Tenant) answer(tk *task, get bool) json.RawMessage {
	if tk.clocked == nil {
		return tk.docs[min(tk.reads, len(tk.docs)-1)]
	}
	return tk.clocked.doc(t.runNow(), get)
}

// doc is the clocked task's TaskStatus at now.
func (c *clocked) doc(now time.Time, get bool) json.RawMessage {
	ran := min(max(now.Sub(c.Started), 0), c.Duration)
	ended := now.Sub(c.Started) >= c.Duration
	if get {
		c.GETs++
		if ended && c.Seen.IsZero() {
			c.Seen = now
		}
	}
	d := maps.Clone(c.fields)
	d["modified"] = timestamp(c.launched.Add(ran))
	d["completed"], d["completionStatus"], d["messages"] = nil, nil, []any{}
	d["progress"], d["percentComplete"] = "Running", 0
	if c.run.Progress && c.Duration > 0 {
		d["percentComplete"] = int(math.Floor(100 * float64(ran) / float64(c.Duration)))
	}
	if ended {
		status := c.run.Status
		if status == "" {
			status = "SUCCESS"
		}
		d["completed"], d["completionStatus"] = timestamp(c.launched.Add(c.Duration)), status
		d["progress"], d["percentComplete"] = "Completed", 100
	}
	return mustJSON(d)
}
