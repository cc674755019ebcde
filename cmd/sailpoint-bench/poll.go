package main

// The poll benchmark: how soon a wait sees a task's end, and at what cost
// in reads, with the default settings beside a fixed 5 s poll, in one
// terraform apply per scenario.
//
// Method. Each scenario applies, at once (-parallelism as many as there
// are resources), one sailpoint_account_aggregation per task and waiter,
// each on a source of its own, against the fake tenant. A task runs by the
// real clock (faketenant.RunByClock) for its duration, whatever reads it,
// then ends in SUCCESS. The durations are the -poll list (seconds, from a
// few seconds to a few minutes), each drawn -poll-repeat times, and each
// drawn task runs -poll-spread either way of its nominal duration
// (uniform, seeded, so every run of the bench draws the same tasks). The
// default waiter and the fixed one (poll_interval = min_poll_interval =
// "5s") get the same tasks. Scenarios:
//
//	(a) history: five earlier runs on the source, each drawn as the task
//	    is (about the same length), and percentComplete held at 0 until
//	    the end (no progress shown);
//	(b) progress: percentComplete rising evenly from 0 to 100, no earlier
//	    runs;
//	(c) neither: no earlier runs, percentComplete held at 0.
//
// Lag is the time the tenant answered the first GET that showed the task
// ended, less the time it ended, both on the tenant's clock (the
// provider has the answer a network round trip later, the same for both
// waiters). Reads are the task's GETs. Every other request to the task's
// source is counted: the idle check before the launch and the POST, as
// every launch makes, and for the default waiter at most one list of the
// earlier runs; "other requests" must stay 0. The provider's rate_limit is
// raised so its pacing stays out of the way (the launch rows measure
// pacing); the tenant enforces no limit. Real time: each apply lasts the
// longest task plus its lag, about 3.5 minutes for the default list, so
// the row is opt-in (make bench BENCH_POLL=...).

import (
	"encoding/json"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/devcli"
	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// pollConfig applies one account aggregation per task, with the default
// waiter or a fixed 5 s poll.
const pollConfig = `terraform {
  required_providers {
    sailpoint = {
      source = "isc-community/sailpoint"
    }
  }
}

provider "sailpoint" {
  rate_limit = 100000
}

variable "tasks" {
  type = list(object({ source = string, fixed = bool }))
}

resource "sailpoint_account_aggregation" "t" {
  count             = length(var.tasks)
  source_id         = var.tasks[count.index].source
  poll_interval     = var.tasks[count.index].fixed ? "5s" : null
  min_poll_interval = var.tasks[count.index].fixed ? "5s" : null
}
`

// pollBaselineConfig is pollConfig for a provider that predates
// min_poll_interval: the default waiter only.
const pollBaselineConfig = `terraform {
  required_providers {
    sailpoint = {
      source = "isc-community/sailpoint"
    }
  }
}

provider "sailpoint" {
  rate_limit = 100000
}

variable "tasks" {
  type = list(object({ source = string, fixed = bool }))
}

resource "sailpoint_account_aggregation" "t" {
  count     = length(var.tasks)
  source_id = var.tasks[count.index].source
}
`

// pollTask is one task of a scenario, for one waiter.
type pollTask struct {
	source   string
	fixed    bool
	nominal  time.Duration
	duration time.Duration
	history  []time.Duration
}

type pollScenario struct {
	name           string
	history, rises bool
	// baseline runs another provider (-poll-baseline), default waiter only.
	baseline bool
}

var pollScenarios = []pollScenario{
	{name: "(a) history, no progress", history: true},
	{name: "(b) progress, no history", rises: true},
	{name: "(c) neither"},
}

// pollOutcome is what the tenant saw of one task.
type pollOutcome struct {
	pollTask
	lag                                time.Duration
	reads, historyReads, otherRequests int
}

// pollRuns runs every scenario and prints the tables. baselineDir, when
// set, holds another provider build (today's, say) that runs scenario (c)
// again with its default settings, on the same tasks.
func pollRuns(o options, nominal []int, repeat int, spread float64, baselineDir string) {
	fmt.Printf("\nHow soon a wait sees the end, default settings beside a fixed 5 s poll (poll_interval = min_poll_interval = \"5s\"), in one apply per scenario; tasks of %v s, %d of each, each %.0f%% either way of it; lag = the first GET answered ended, less the end:\n\n",
		nominal, repeat, 100*spread)
	scenarios := slices.Clone(pollScenarios)
	if baselineDir != "" {
		neither := pollScenarios[len(pollScenarios)-1]
		neither.name, neither.baseline = neither.name+", the -poll-baseline provider", true
		scenarios = append(scenarios, neither)
	}
	var all [][]pollOutcome
	for i, sc := range scenarios {
		run, config := o, pollConfig
		if sc.baseline {
			run.providerDir, config = baselineDir, pollBaselineConfig
			if err := devcli.WriteConfig(filepath.Join(o.work, "terraformrc-baseline"), baselineDir); err != nil {
				log.Fatal(err)
			}
			run.cliConfig = filepath.Join(o.work, "terraformrc-baseline")
		}
		dir := filepath.Join(o.work, "poll")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
			log.Fatal(err)
		}
		// The same seed for a scenario and its baseline: the same tasks.
		all = append(all, pollScenarioRun(run, dir, sc, nominal, repeat, spread, uint64(min(i, len(pollScenarios)-1)+1)))
	}
	fmt.Println("| scenario | waiter | tasks | mean lag | max lag | reads | reads, share of fixed 5 s | history reads | other requests | failures |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for i, outs := range all {
		// The baseline ran the tasks of (c): its share is of (c)'s fixed poll.
		var fixedReads int
		for _, out := range all[min(i, len(pollScenarios)-1)] {
			if out.fixed {
				fixedReads += out.reads
			}
		}
		for _, fixed := range []bool{false, true} {
			var lag, worst time.Duration
			var n, reads, history, other, failures int
			for _, out := range outs {
				if out.fixed != fixed {
					continue
				}
				n++
				if out.lag < 0 {
					failures++
					continue
				}
				lag += out.lag
				worst = max(worst, out.lag)
				reads += out.reads
				history += out.historyReads
				other += out.otherRequests
			}
			name := "default"
			if fixed {
				name = "fixed 5 s"
			}
			if n == 0 {
				continue
			}
			fmt.Printf("| %s | %s | %d | %.2f s | %.2f s | %d | %.2f | %d | %d | %d |\n", scenarios[i].name, name, n,
				(lag / time.Duration(max(n-failures, 1))).Seconds(), worst.Seconds(), reads, float64(reads)/float64(max(fixedReads, 1)), history, other, failures)
		}
	}
	fmt.Println("\nBy nominal duration (mean lag, reads per task), default | fixed 5 s:")
	fmt.Println()
	header := "| scenario |"
	for _, d := range nominal {
		header += fmt.Sprintf(" %d s |", d)
	}
	fmt.Println(header)
	fmt.Println("| --- |" + strings.Repeat(" ---: |", len(nominal)))
	for i, outs := range all {
		line := "| " + scenarios[i].name + " |"
		for _, d := range nominal {
			var cell [2]string
			for j, fixed := range []bool{false, true} {
				var lag time.Duration
				var n, reads int
				for _, out := range outs {
					if out.fixed == fixed && out.nominal == time.Duration(d)*time.Second && out.lag >= 0 {
						n++
						lag += out.lag
						reads += out.reads
					}
				}
				cell[j] = "-"
				if n > 0 {
					cell[j] = fmt.Sprintf("%.1f s, %.1f", (lag / time.Duration(n)).Seconds(), float64(reads)/float64(n))
				}
			}
			line += " " + cell[0] + " \\| " + cell[1] + " |"
		}
		fmt.Println(line)
	}
}

// pollScenarioRun applies one scenario's tasks and returns what the
// tenant saw of each; a task whose end was never seen has lag -1.
func pollScenarioRun(o options, dir string, sc pollScenario, nominal []int, repeat int, spread float64, seed uint64) []pollOutcome {
	rng := rand.New(rand.NewPCG(seed, 42))
	draw := func(d time.Duration) time.Duration {
		return time.Duration(float64(d) * (1 + spread*(2*rng.Float64()-1))).Round(time.Millisecond)
	}
	var tasks []pollTask
	for _, secs := range nominal {
		d := time.Duration(secs) * time.Second
		for range repeat {
			t := pollTask{nominal: d, duration: draw(d)}
			if sc.history {
				for range 5 {
					t.history = append(t.history, draw(d))
				}
			}
			for _, fixed := range []bool{false, true} {
				if fixed && sc.baseline {
					continue
				}
				t.fixed = fixed
				t.source = fmt.Sprintf("b011%028x", len(tasks))
				tasks = append(tasks, t)
			}
		}
	}
	ft := newTenant(0)
	defer ft.Close()
	type row struct {
		Source string `json:"source"`
		Fixed  bool   `json:"fixed"`
	}
	rows := make([]row, len(tasks))
	for i, t := range tasks {
		ft.AddSource(t.source, fmt.Sprintf("Poll source %d", i))
		if len(t.history) > 0 {
			ft.PutRunHistory(t.source, sailpoint.AccountAggregationOp.Operation, t.history...)
		}
		ft.RunByClock(t.source, faketenant.ClockedRun{Duration: t.duration, Progress: sc.rises})
		rows[i] = row{t.source, t.fixed}
	}
	vars, _ := json.Marshal(map[string]any{"tasks": rows})
	if err := os.WriteFile(filepath.Join(dir, "tasks.auto.tfvars.json"), vars, 0o644); err != nil {
		log.Fatal(err)
	}
	_ = os.Remove(filepath.Join(dir, "terraform.tfstate"))
	ft.ResetLog()
	_, err := runTerraform(o, ft, []string{"-chdir=" + dir, "apply", "-auto-approve", "-input=false", "-lock=false",
		"-no-color", fmt.Sprintf("-parallelism=%d", len(tasks))})
	if err != nil {
		log.Printf("%s: the apply failed: %v", sc.name, err)
	}
	results := map[string]faketenant.ClockedResult{}
	for _, r := range ft.ClockedResults() {
		results[r.SourceID] = r
	}
	// Every request, by the source it concerns.
	taskSource := map[string]string{}
	for _, r := range ft.ClockedResults() {
		taskSource[r.TaskID] = r.SourceID
	}
	type counts struct{ history, other int }
	bySource := map[string]*counts{}
	for _, t := range tasks {
		bySource[t.source] = &counts{}
	}
	for _, r := range ft.Requests() {
		switch {
		case faketenant.IsToken(r), faketenant.IsLaunch(r):
		case r.TaskID != "" && r.Method == http.MethodGet:
			if _, ok := taskSource[r.TaskID]; !ok {
				log.Printf("%s: a GET of an unknown task %s", sc.name, r.TaskID)
			}
		case r.Method == http.MethodGet && r.TaskID == "":
			filters := r.Query.Get("filters")
			source := ""
			for s := range bySource {
				if strings.Contains(filters, `"`+s+`"`) {
					source = s
				}
			}
			switch {
			case source == "":
				log.Printf("%s: a list of no task's source: %s %v", sc.name, r.Path, r.Query)
			case strings.Contains(filters, "isnull"): // the idle check
			case strings.Contains(filters, "completionStatus in"):
				bySource[source].history++
			default:
				bySource[source].other++
			}
		default:
			log.Printf("%s: an unexpected request %s %s", sc.name, r.Method, r.Path)
		}
	}
	out := make([]pollOutcome, len(tasks))
	for i, t := range tasks {
		r, ok := results[t.source]
		out[i] = pollOutcome{pollTask: t, lag: -1, historyReads: bySource[t.source].history, otherRequests: bySource[t.source].other}
		if ok && !r.Seen.IsZero() {
			out[i].lag, out[i].reads = r.Lag(), r.GETs
		}
	}
	slices.SortStableFunc(out, func(a, b pollOutcome) int { return int(a.nominal - b.nominal) })
	return out
}
