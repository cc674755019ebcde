// Command sailpoint-bench is the plan-level benchmark behind `make bench`.
// It runs `terraform plan` with N sailpoint_task_status reads against the
// fake tenant, and the same N reads through a plain Go HTTP client (the
// floor), in the same run, and prints a table: wall time, requests by kind,
// 429s, the provider process's peak memory, and the overhead as a ratio.
// A second table runs the plan against a tenant that enforces ISC's limit of
// 100 requests per 10 s and compares the wall time with the floor that limit
// sets, (ceil(N/100) - 1) x 10 s. A third table applies M
// sailpoint_account_aggregation resources, one source each, against that
// rate-limited tenant: every aggregation is started and waited for in one
// apply, and the table counts the requests by kind. A fourth table runs two
// plans of N reads against one rate-limited tenant with the same client,
// back to back and at once, with the provider's shared rate-limit ledger
// on and off, and compares each run with the floor the shared budget sets.
// A fifth table runs K plans of N reads at once, each with its own ledger
// folder as K machines would have, through one client against a tenant
// enforcing 100 requests per 10 s, once with a truthful Retry-After (the
// time until the window admits again) and once with one that always says
// 1 s.
// A sixth, opt-in (-poll), measures how soon a wait sees a task's end and
// how many reads it takes, the default settings beside a fixed 5 s poll
// (poll.go says how).
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/devcli"
	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

const config = `terraform {
  required_providers {
    sailpoint = {
      source = "isc-community/sailpoint"
    }
  }
}

provider "sailpoint" {
  rate_limit = var.rate_limit
}

variable "n" {
  type = number
}

# The first task read; two runs of the shared-budget scenario read
# different tasks, as two workspaces would.
variable "offset" {
  type    = number
  default = 0
}

# null: the provider's default, ISC's 100 requests per 10 s.
variable "rate_limit" {
  type    = number
  default = null
}

data "sailpoint_task_status" "t" {
  count = var.n
  id    = format("bench-%04d", var.offset + count.index)
}

# The CLI's own cost per object, without the provider: as many built-in
# terraform_data resources as reads, planned in the baseline run.
variable "builtin" {
  type    = number
  default = 0
}

resource "terraform_data" "t" {
  count = var.builtin
  input = format("bench-%04d", count.index)
}
`

// launchConfig starts one account aggregation per source and waits for
// each; its own directory, so its state never meets the plan benchmark's.
const launchConfig = `terraform {
  required_providers {
    sailpoint = {
      source = "isc-community/sailpoint"
    }
  }
}

provider "sailpoint" {}

variable "sources" {
  type = list(string)
}

resource "sailpoint_account_aggregation" "a" {
  count     = length(var.sources)
  source_id = var.sources[count.index]
}
`

type options struct {
	terraform   string
	providerDir string
	cliConfig   string // the CLI configuration file; "" means work/terraformrc
	work        string
	parallelism int
}

func main() {
	var o options
	ns := flag.String("n", "10,100,1000", "numbers of task reads for the unlimited runs")
	limited := flag.String("limited-n", "100,1000", "numbers of task reads against a tenant enforcing 100 requests per 10 s (empty: skip)")
	launches := flag.Int("launches", 50, "account aggregations to start and wait for in one apply against a rate-limited tenant, each on its own source (0: skip)")
	sharedLaunches := flag.String("shared-launches", "10/5", "more launch scenarios as aggregations/sources, several aggregations per source (they take turns); empty: none")
	launchParallelism := flag.String("launch-parallelism", "10,50", "terraform -parallelism values for the launch apply")
	shared := flag.Int("shared", 150, "reads per run of the two runs sharing one rate-limited tenant, back to back and at once (0: skip)")
	machines := flag.String("machines", "1,4", "numbers of processes with separate ledgers (as separate machines) reading at once through one client from a rate-limited tenant (empty: skip)")
	machineReads := flag.Int("machine-reads", 100, "reads per process of the -machines scenario")
	configImport := flag.String("config-import", "5000/20", "the SP-Config row: objects/megabytes of the document imported (empty: skip)")
	poll := flag.String("poll", "", "nominal task durations in seconds for the poll benchmark, such as 4,8,15,30,60,120,180 (empty: skip; each scenario runs as long as the longest)")
	pollRepeat := flag.Int("poll-repeat", 2, "tasks drawn per nominal duration in the poll benchmark")
	pollBaseline := flag.String("poll-baseline", "", "directory holding another terraform-provider-sailpoint build (today's, say) to run the poll benchmark's scenario (c) with too")
	pollSpread := flag.Float64("poll-spread", 0.05, "how far either way of its nominal duration a task of the poll benchmark (and each earlier run) may run, as a fraction")
	flag.StringVar(&o.terraform, "terraform", "terraform", "the Terraform CLI")
	flag.StringVar(&o.providerDir, "provider-dir", "", "directory holding the built terraform-provider-sailpoint")
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "sailpoint-bench"), "scratch directory")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism (10 is Terraform's default)")
	flag.Parse()
	if o.providerDir == "" {
		log.Fatal("-provider-dir is required (make bench builds the provider and sets it)")
	}
	if err := prepare(o); err != nil {
		log.Fatal(err)
	}

	version, _ := exec.Command(o.terraform, "version").Output()
	fmt.Printf("Plan-level benchmark: %s, -parallelism=%d, %s\n\n", strings.SplitN(string(version), "\n", 2)[0], o.parallelism, time.Now().UTC().Format(time.RFC3339))

	baseline, err := runPlan(o, newTenant(0), 0, unpaced)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("terraform plan with no reads (the CLI's own cost): %s\n\n", baseline.wall.Round(time.Millisecond))
	if ns := parseInts(*ns); len(ns) > 0 {
		unlimitedRuns(o, baseline, ns)
	}
	if strings.TrimSpace(*limited) != "" {
		limitedRuns(o, baseline, parseInts(*limited))
	}
	if *launches > 0 {
		fmt.Printf("\nAccount aggregations started and waited for in one terraform apply, against a tenant enforcing 100 requests per 10 s (each task runs for one read, then ends in SUCCESS); launches on one source take turns:\n\n")
		fmt.Println("| aggregations | sources | -parallelism | apply wall | limit's floor | POSTs | task GETs | lists | tokens | 429s | failures | provider CPU | provider peak RSS |")
		fmt.Println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		launchRuns(o, *launches, *launches, parseInts(*launchParallelism))
		for _, set := range strings.Split(*sharedLaunches, ",") {
			var m, k int
			if _, err := fmt.Sscanf(set, "%d/%d", &m, &k); err == nil && m > 0 && k > 0 {
				launchRuns(o, m, k, []int{10})
			}
		}
	}
	var cn, cmb int
	if _, err := fmt.Sscanf(*configImport, "%d/%d", &cn, &cmb); err == nil && cn > 0 && cmb > 0 {
		configImportRuns(o, cn, cmb<<20)
	}
	if *shared > 0 {
		sharedRuns(o, baseline, *shared)
	}
	if ks := parseInts(*machines); len(ks) > 0 && *machineReads > 0 {
		machineRuns(o, baseline, ks, *machineReads)
	}
	if durations := parseInts(*poll); len(durations) > 0 {
		pollRuns(o, durations, *pollRepeat, *pollSpread, *pollBaseline)
	}
}

// unlimitedRuns plans n reads against a tenant with no rate limit, beside
// the plain Go client's floor and the CLI's own cost for n objects.
func unlimitedRuns(o options, baseline result, ns []int) {
	fmt.Printf("Against a tenant with no rate limit (the provider's rate_limit set to %d, so its pacing stays out of the way):\n\n", unpaced)
	fmt.Println("| N | plan wall | plan less CLI cost | floor: plain Go client | overhead ratio | the CLI with N terraform_data | provider CPU | token requests | GETs | retries | 429s | provider peak RSS |")
	fmt.Println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, n := range ns {
		ft := newTenant(n)
		r, err := runPlan(o, ft, n, unpaced)
		if err != nil {
			log.Fatal(err)
		}
		floor, err := plainClient(newTenant(n), n, o.parallelism)
		if err != nil {
			log.Fatal(err)
		}
		builtin, err := runPlan(o, newTenant(0), 0, unpaced, "-var", fmt.Sprintf("builtin=%d", n))
		if err != nil {
			log.Fatal(err)
		}
		net := r.wall - baseline.wall
		fmt.Printf("| %d | %s | %s | %s | %.2fx | %s | %s | %d | %d | %d | %d | %.1f MiB |\n", n, r.wall.Round(time.Millisecond),
			net.Round(time.Millisecond), floor.Round(time.Millisecond), float64(net)/float64(floor), builtin.wall.Round(time.Millisecond),
			r.cpu, r.tokens, r.gets, r.gets-n, r.limited, float64(r.peakRSSKiB)/1024)
	}
}

// limitedRuns plans n reads against a tenant enforcing ISC's rate limit.
func limitedRuns(o options, baseline result, ns []int) {
	fmt.Println("\nAgainst a tenant enforcing 100 requests per 10 s per client and API version (the provider's default rate_limit):")
	fmt.Println()
	fmt.Println("| N | plan wall | plan less CLI cost | limit's floor | ratio to floor | GETs | 429s | failures |")
	fmt.Println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, n := range ns {
		ft := newTenant(n)
		ft.EnforceRateLimit(100, 10*time.Second)
		r, err := runPlan(o, ft, n, 0)
		failures := 0
		if err != nil {
			failures = 1
			log.Printf("N=%d failed: %v", n, err)
		}
		floor := time.Duration(math.Ceil(float64(n)/100)-1) * 10 * time.Second
		net := r.wall - baseline.wall
		ratio := "n/a (floor 0)"
		if floor > 0 {
			ratio = fmt.Sprintf("%.3fx", float64(net)/float64(floor))
		}
		fmt.Printf("| %d | %s | %s | %s | %s | %d | %d | %d |\n", n, r.wall.Round(time.Millisecond), net.Round(time.Millisecond),
			floor, ratio, r.gets, r.limited, failures)
	}
}

func parseInts(s string) []int {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			log.Fatalf("%q is not a number", f)
		}
		out = append(out, n)
	}
	return out
}

func prepare(o options) error {
	// The providers' rate-limit ledgers: the bench's own, never the user's.
	if err := os.RemoveAll(filepath.Join(o.work, "cache")); err != nil {
		return err
	}
	for _, dir := range []string{"config", "launch", "cache", "poll"} {
		if err := os.MkdirAll(filepath.Join(o.work, dir), 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(o.work, "config", "main.tf"), []byte(config), 0o644); err != nil {
		return err
	}
	return devcli.WriteConfig(filepath.Join(o.work, "terraformrc"), o.providerDir)
}

// newTenant holds n spec-valid copies of the complete fixture.
func newTenant(n int) *faketenant.Tenant {
	ft := faketenant.New()
	var doc map[string]any
	if err := json.Unmarshal(faketenant.FixtureJSON(faketenant.CompleteTaskID), &doc); err != nil {
		log.Fatal(err)
	}
	for i := range n {
		doc["id"] = fmt.Sprintf("bench-%04d", i)
		b, _ := json.Marshal(doc)
		ft.PutTask(b)
	}
	return ft.Start()
}

type result struct {
	wall       time.Duration
	tokens     int
	gets       int
	posts      int // launches
	lists      int
	limited    int
	peakRSSKiB int64
	cpu        time.Duration // the provider process's user + system time
}

// unpaced is a rate_limit high enough that the provider never waits.
const unpaced = 100000

// runPlan runs terraform plan with n reads and counts what the tenant saw.
// rateLimit 0 leaves the provider's default.
func runPlan(o options, ft *faketenant.Tenant, n, rateLimit int, extra ...string) (result, error) {
	defer ft.Close()
	return planReads(o, ft, n, rateLimit, nil, extra...)
}

// planReads is runPlan on a tenant it leaves open, with more environment.
func planReads(o options, ft *faketenant.Tenant, n, rateLimit int, env []string, extra ...string) (result, error) {
	args := []string{"-chdir=" + filepath.Join(o.work, "config"), "plan", "-input=false", "-lock=false",
		"-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism), "-var", fmt.Sprintf("n=%d", n)}
	if rateLimit > 0 {
		args = append(args, "-var", fmt.Sprintf("rate_limit=%d", rateLimit))
	}
	args = append(args, extra...)
	r, err := runTerraform(o, ft, args, env...)
	if err != nil {
		return r, fmt.Errorf("terraform plan with %d reads: %w", n, err)
	}
	return r, nil
}

// runTerraform runs the CLI against the tenant, watching the provider
// process, and counts what the tenant saw.
func runTerraform(o options, ft *faketenant.Tenant, args []string, env ...string) (result, error) {
	cmd := exec.Command(o.terraform, args...)
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cmp.Or(o.cliConfig, filepath.Join(o.work, "terraformrc")), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"XDG_CACHE_HOME="+filepath.Join(o.work, "cache"),
		"SAIL_BASE_URL="+ft.URL(), "SAIL_CLIENT_ID="+faketenant.DefaultClientID, "SAIL_CLIENT_SECRET="+faketenant.DefaultClientSecret)
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	ctx, stop := context.WithCancel(context.Background())
	peak := watchProvider(ctx, filepath.Join(o.providerDir, "terraform-provider-sailpoint"))
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	stop()
	seen := <-peak
	r := result{
		wall:       wall,
		tokens:     ft.Count(faketenant.IsToken),
		gets:       ft.Count(faketenant.IsTaskGet),
		posts:      ft.Count(faketenant.IsLaunch),
		lists:      ft.Count(isList),
		limited:    ft.Limited(),
		peakRSSKiB: seen.peakRSSKiB,
		cpu:        seen.cpu,
	}
	if err != nil {
		tail := out.String()
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return r, fmt.Errorf("%w\n%s", err, tail)
	}
	return r, nil
}

// isList matches the task lists a launch reads to see whether its source
// is busy: the filtered list, or pending-tasks on v2024 and beta.
func isList(r faketenant.Request) bool {
	return r.Method == http.MethodGet && r.TaskID == "" && !faketenant.IsToken(r)
}

// launchRuns applies m account aggregations on k sources (m/k each; those
// of one source take turns), against a tenant that enforces 100 requests
// per 10 s, once per -parallelism value.
func launchRuns(o options, m, k int, parallelisms []int) {
	dir := filepath.Join(o.work, "launch")
	sources := make([]string, m)
	for i := range sources {
		sources[i] = fmt.Sprintf("be0c%028x", i%k)
	}
	vars, _ := json.Marshal(map[string]any{"sources": sources})
	for name, content := range map[string][]byte{"main.tf": []byte(launchConfig), "sources.auto.tfvars.json": vars} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	for _, p := range parallelisms {
		_ = os.Remove(filepath.Join(dir, "terraform.tfstate"))
		ft := newTenant(0)
		for i, id := range sources {
			ft.AddSource(id, fmt.Sprintf("Bench source %d", i))
		}
		ft.EnforceRateLimit(100, 10*time.Second)
		r, err := runTerraform(o, ft, []string{"-chdir=" + dir, "apply", "-auto-approve", "-input=false", "-lock=false",
			"-no-color", fmt.Sprintf("-parallelism=%d", p)})
		failures := 0
		if err != nil {
			failures = 1
			log.Printf("the apply of %d aggregations at -parallelism=%d failed: %v", m, p, err)
		}
		if r.posts != m {
			failures++
			log.Printf("%d launches for %d aggregations", r.posts, m)
		}
		apiRequests := r.posts + r.gets + r.lists
		floor := time.Duration(math.Ceil(float64(apiRequests)/100)-1) * 10 * time.Second
		ft.Close()
		fmt.Printf("| %d | %d | %d | %s | %s | %d | %d | %d | %d | %d | %d | %s | %.1f MiB |\n", m, k, p, r.wall.Round(time.Millisecond), floor,
			r.posts, r.gets, r.lists, r.tokens, r.limited, failures, r.cpu, float64(r.peakRSSKiB)/1024)
	}
}

type usage struct {
	peakRSSKiB int64
	cpu        time.Duration
}

// watchProvider polls /proc for processes running the provider binary and
// returns the largest VmHWM (peak resident set) and CPU time seen.
func watchProvider(ctx context.Context, binary string) <-chan usage {
	out := make(chan usage, 1)
	go func() {
		var u usage
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			entries, _ := os.ReadDir("/proc")
			for _, e := range entries {
				if _, err := strconv.Atoi(e.Name()); err != nil {
					continue
				}
				if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err != nil || exe != binary {
					continue
				}
				if status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status")); err == nil {
					for line := range strings.SplitSeq(string(status), "\n") {
						if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
							kib, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
							u.peakRSSKiB = max(u.peakRSSKiB, kib)
						}
					}
				}
				// Fields 14 and 15 of stat, after the command in parentheses,
				// are user and system time in clock ticks (100 a second).
				if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
					if i := strings.LastIndexByte(string(stat), ')'); i > 0 {
						f := strings.Fields(string(stat)[i+1:])
						if len(f) > 13 {
							ut, _ := strconv.ParseInt(f[11], 10, 64)
							st, _ := strconv.ParseInt(f[12], 10, 64)
							u.cpu = max(u.cpu, time.Duration(ut+st)*10*time.Millisecond)
						}
					}
				}
			}
			select {
			case <-ctx.Done():
				out <- u
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// plainClient makes the same calls with net/http and no Terraform: one
// token, then n GETs, parallelism at a time. Its wall time is the floor.
func plainClient(ft *faketenant.Tenant, n, parallelism int) (time.Duration, error) {
	defer ft.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: parallelism}}
	start := time.Now()
	resp, err := client.PostForm(ft.URL()+faketenant.TokenPath, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {faketenant.DefaultClientID}, "client_secret": {faketenant.DefaultClientSecret},
	})
	if err != nil {
		return 0, err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, parallelism)
	for range parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/task-status/v1/bench-%04d", ft.URL(), i), nil)
				req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				var v map[string]any
				err = json.NewDecoder(resp.Body).Decode(&v)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("GET %d: HTTP %d: %w", i, resp.StatusCode, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// sharedRuns plans two runs of n reads each (different tasks, as two
// workspaces would read) against one tenant enforcing 100 requests per
// 10 s, with one client: back to back, then at once in two processes, each
// with the provider's shared ledger on and off. A new tenant per pair, so
// every pair starts with an empty window.
func sharedRuns(o options, baseline result, n int) {
	fmt.Printf("\nTwo runs of %d reads each against one tenant enforcing 100 requests per 10 s, with the same client: back to back, and at once in two processes; share_rate_limit on (the default) and off. The floor is what the shared budget allows: each run's reads ready at its first request, the window already holding what the tenant accepted before (back to back), or both runs' reads in turn (at once):\n\n", n)
	fmt.Println("| runs | ledger | run | plan wall | plan less CLI cost | budget's floor | ratio to floor | GETs | 429s | failures |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, together := range []bool{false, true} {
		for _, share := range []bool{true, false} {
			ft := newTenant(2 * n)
			ft.EnforceRateLimit(100, 10*time.Second)
			env := []string{"SAIL_SHARE_RATE_LIMIT=" + strconv.FormatBool(share)}
			var runs [2]result
			var errs [2]error
			plan := func(i int) {
				runs[i], errs[i] = planReads(o, ft, n, 0, env, "-var", fmt.Sprintf("offset=%d", i*n))
			}
			if together {
				var wg sync.WaitGroup
				for i := range 2 {
					wg.Go(func() { plan(i) })
				}
				wg.Wait()
			} else {
				plan(0)
				plan(1)
			}
			reqs := ft.Requests()
			ft.Close()
			floors := sharedFloors(reqs, n, together)
			name, ledger := "back to back", "off"
			if together {
				name = "at once"
			}
			if share {
				ledger = "on"
			}
			for i, r := range runs {
				failures := 0
				if errs[i] != nil {
					failures = 1
					log.Printf("%s, ledger %s, run %d failed: %v", name, ledger, i+1, errs[i])
				}
				gets, limited := runRequests(reqs, n, i)
				net := r.wall - baseline.wall
				ratio := "n/a (floor 0)"
				if floors[i] > 0 {
					ratio = fmt.Sprintf("%.3fx", float64(net)/float64(floors[i]))
				}
				fmt.Printf("| %s | %s | %d | %s | %s | %s | %s | %d | %d | %d |\n", name, ledger, i+1, r.wall.Round(time.Millisecond),
					net.Round(time.Millisecond), floors[i].Round(time.Millisecond), ratio, gets, limited, failures)
			}
		}
	}
}

// runOf is the run (0 or 1) whose task a GET read, or -1.
func runOf(r faketenant.Request, n int) int {
	if !faketenant.IsTaskGet(r) {
		return -1
	}
	i, err := strconv.Atoi(strings.TrimPrefix(r.TaskID, "bench-"))
	if err != nil {
		return -1
	}
	return i / n
}

// runRequests counts the GETs of run i, and those answered 429.
func runRequests(log []faketenant.Request, n, i int) (gets, limited int) {
	for _, r := range log {
		if runOf(r, n) == i {
			gets++
			if r.Status == http.StatusTooManyRequests {
				limited++
			}
		}
	}
	return gets, limited
}

// sharedFloors is the shortest time each run's reads could take under the
// tenant's rule of 100 accepted requests in any 10 s, from the run's first
// request. Back to back, the second run's window already holds what the
// tenant accepted of the first; at once, the two runs' reads take turns
// from the first request of either.
func sharedFloors(log []faketenant.Request, n int, together bool) [2]time.Duration {
	var first [2]time.Time
	for _, r := range log {
		if i := runOf(r, n); i >= 0 && (first[i].IsZero() || r.At.Before(first[i])) {
			first[i] = r.At
		}
	}
	if together {
		start := first[0]
		if first[1].Before(start) {
			start = first[1]
		}
		starts := schedule(nil, start, 2*n)
		// Reads taken in turn: run 1 has the even places, run 2 the odd.
		return [2]time.Duration{starts[2*n-2].Sub(start), starts[2*n-1].Sub(start)}
	}
	var before []time.Time
	for _, r := range log {
		if r.Status != http.StatusTooManyRequests && faketenant.IsTaskGet(r) && r.At.Before(first[1]) {
			before = append(before, r.At)
		}
	}
	slices.SortFunc(before, time.Time.Compare)
	return [2]time.Duration{
		schedule(nil, first[0], n)[n-1].Sub(first[0]),
		schedule(before, first[1], n)[n-1].Sub(first[1]),
	}
}

// schedule starts n requests, all ready at ready, as early as a window of
// 100 per 10 s allows after the accepted requests of history (in order).
func schedule(history []time.Time, ready time.Time, n int) []time.Time {
	all := slices.Clone(history)
	out := make([]time.Time, 0, n)
	for range n {
		at := ready
		if k := len(all); k >= 100 && all[k-100].Add(10*time.Second).After(at) {
			at = all[k-100].Add(10 * time.Second)
		}
		all = append(all, at)
		out = append(out, at)
	}
	return out
}

// machineRuns plans n reads in each of k processes at once, each with its
// own cache folder and so its own ledger, as k machines (CI runners, HCP
// Terraform agents) using one API client would, against a tenant enforcing
// 100 requests per 10 s: once whose Retry-After is the time until its
// window admits a request again, once whose Retry-After always says 1 s.
// The floor is what the tenant's rule allows for all k x n reads from the
// first request: (ceil(k x n / 100) - 1) x 10 s.
func machineRuns(o options, baseline result, ks []int, n int) {
	fmt.Printf("\n%d reads in each of K processes at once, each with its own ledger (as K machines), through one client, against a tenant enforcing 100 requests per 10 s. The floor is (ceil(K x %d / 100) - 1) x 10 s from the first request; \"span\" is the first GET to the last answered one; the 429 share is 429s over all GETs:\n\n", n, n)
	fmt.Println("| Retry-After | K | run | plan wall | plan less CLI cost | floor | ratio to floor | GETs | 429s | failures |")
	fmt.Println("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, fixed := range []int{0, 1} {
		for _, k := range ks {
			machineRun(o, baseline, k, n, fixed)
		}
	}
}

// machineRun is one row set of machineRuns: k processes of n reads; fixed
// is the tenant's Retry-After in seconds, 0 for the truthful one.
func machineRun(o options, baseline result, k, n, fixed int) {
	ft := newTenant(k * n)
	ft.EnforceRateLimit(100, 10*time.Second)
	ft.FixRetryAfter(fixed)
	runs := make([]result, k)
	errs := make([]error, k)
	var wg sync.WaitGroup
	for i := range k {
		cache := filepath.Join(o.work, "cache", fmt.Sprintf("machine-%d", i))
		if err := os.RemoveAll(cache); err != nil {
			log.Fatal(err)
		}
		wg.Go(func() {
			runs[i], errs[i] = planReads(o, ft, n, 0, []string{"XDG_CACHE_HOME=" + cache}, "-var", fmt.Sprintf("offset=%d", i*n))
		})
	}
	wg.Wait()
	reqs := ft.Requests()
	ft.Close()
	kind := "truthful"
	if fixed > 0 {
		kind = fmt.Sprintf("always %d s", fixed)
	}
	floor := time.Duration(math.Ceil(float64(k*n)/100)-1) * 10 * time.Second
	ratio := func(d time.Duration) string {
		if floor <= 0 {
			return "n/a (floor 0)"
		}
		return fmt.Sprintf("%.3fx", float64(d)/float64(floor))
	}
	var first, last time.Time
	allGets, allLimited, allFailures := 0, 0, 0
	for i, r := range runs {
		failures := 0
		if errs[i] != nil {
			failures = 1
			log.Printf("Retry-After %s, K=%d, run %d failed: %v", kind, k, i+1, errs[i])
		}
		gets, limited := runRequests(reqs, n, i)
		allGets, allLimited, allFailures = allGets+gets, allLimited+limited, allFailures+failures
		net := r.wall - baseline.wall
		fmt.Printf("| %s | %d | %d | %s | %s | %s | %s | %d | %d | %d |\n", kind, k, i+1, r.wall.Round(time.Millisecond),
			net.Round(time.Millisecond), floor, ratio(net), gets, limited, failures)
	}
	for _, r := range reqs {
		if !faketenant.IsTaskGet(r) {
			continue
		}
		if first.IsZero() || r.At.Before(first) {
			first = r.At
		}
		if r.Status != http.StatusTooManyRequests && r.At.After(last) {
			last = r.At
		}
	}
	span := last.Sub(first)
	fmt.Printf("| %s | %d | all: span %s | | | %s | %s | %d | %d (%.1f%%) | %d |\n", kind, k, span.Round(time.Millisecond), floor, ratio(span),
		allGets, allLimited, 100*float64(allLimited)/float64(max(allGets, 1)), allFailures)
}
