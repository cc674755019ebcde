package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// The wiring of the schedule into every form that waits; the schedule
// itself is tested pure, on a fake clock (internal/sailpoint).

// isHistoryRead matches the list a wait reads earlier runs from.
func isHistoryRead(r faketenant.Request) bool {
	return r.Endpoint == sailpoint.ListTaskStatusesOp.Name && strings.Contains(r.Query.Get("filters"), "completionStatus in")
}

// historyReads counts the history reads of a source.
func historyReads(ft *faketenant.Tenant, sourceID string) int {
	return ft.Count(func(r faketenant.Request) bool {
		return isHistoryRead(r) && strings.Contains(r.Query.Get("filters"), `sourceId eq "`+sourceID+`"`)
	})
}

// A launch with the default settings reads its source's earlier runs once,
// and then polls little; one with a fixed interval reads none.
func TestAccPoll_launchReadsItsHistoryOnce(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	for _, source := range []string{faketenant.ActiveDirectorySourceID, faketenant.WorkdaySourceID} {
		ft.PutRunHistory(source, sailpoint.AccountAggregationOp.Operation, 6*time.Second, 6*time.Second, 6*time.Second)
		// Long enough that the second read, a second in, finds it running.
		ft.RunByClock(source, faketenant.ClockedRun{Duration: 6 * time.Second})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id = %q
}

resource "sailpoint_account_aggregation" "fixed" {
  source_id         = %q
  poll_interval     = "1s"
  min_poll_interval = "1s"
}
`, faketenant.ActiveDirectorySourceID, faketenant.WorkdaySourceID),
			ConfigStateChecks: []statecheck.StateCheck{expectState(accountAddr, "completion_status", str("SUCCESS"))},
			Check: func(*terraform.State) error {
				if n := historyReads(ft, faketenant.ActiveDirectorySourceID); n != 1 {
					return fmt.Errorf("%d history reads by the default wait, want 1", n)
				}
				if n := historyReads(ft, faketenant.WorkdaySourceID); n != 0 {
					return fmt.Errorf("%d history reads by the fixed interval, want none", n)
				}
				for _, r := range ft.ClockedResults() {
					// Default: reads at 0 and 1 s, then about the 6 s the history
					// says (jitter may bring it early: one more). Fixed: about 7.
					if r.SourceID == faketenant.ActiveDirectorySourceID && r.GETs > 5 || r.SourceID == faketenant.WorkdaySourceID && r.GETs < 6 {
						return fmt.Errorf("%s: %d GETs", r.SourceID, r.GETs)
					}
				}
				return nil
			},
		}},
	})
}

// sailpoint_task_status's wait learns from the earlier runs on its task's
// target, when that is a source.
func TestAccPoll_dataSourceReadsItsHistory(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.PutRunHistory(faketenant.ActiveDirectorySourceID, sailpoint.AccountAggregationOp.Operation, 6*time.Second)
	ft.RunByClock(faketenant.ActiveDirectorySourceID, faketenant.ClockedRun{Duration: 6 * time.Second, Progress: true})
	c, err := sailpoint.New(sailpoint.Config{BaseURL: ft.URL(), ClientID: faketenant.DefaultClientID, ClientSecret: faketenant.DefaultClientSecret,
		LedgerDir: testLedgerDir})
	if err != nil {
		t.Fatal(err)
	}
	l, err := sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{SourceID: faketenant.ActiveDirectorySourceID})
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            providerConfig(ft) + taskStatusBlock(l.TaskID, "wait_for_completion = true", `expected_completion_statuses = ["SUCCESS"]`),
			ConfigStateChecks: []statecheck.StateCheck{expectState(taskAddr, "completion_status", str("SUCCESS"))},
			Check: func(*terraform.State) error {
				if n := historyReads(ft, faketenant.ActiveDirectorySourceID); n != 1 {
					return fmt.Errorf("%d history reads, want 1", n)
				}
				return nil
			},
		}},
	})
}

// A minimum above the cap is refused before anything is sent.
func TestAccPoll_minimumAboveTheCap(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(ft) + taskStatusBlock(faketenant.CompleteTaskID, `min_poll_interval = "10s"`, `poll_interval = "5s"`),
				ExpectError: errorWith("Minimum poll interval above poll_interval", "min_poll_interval is 10s, and poll_interval is 5s"),
			},
			{
				Config: providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id         = %q
  min_poll_interval = "1m"
}
`, faketenant.ActiveDirectorySourceID),
				ExpectError: errorWith("min_poll_interval is 1m0s, and poll_interval is its default, 30s"),
			},
			{
				Config: providerConfig(ft) + `
resource "sailpoint_config_import" "test" {
  content           = "{\"objects\":[]}"
  poll_interval     = "5s"
  min_poll_interval = "6s"
}
`,
				ExpectError: errorWith("Minimum poll interval above poll_interval", "min_poll_interval is 6s, and poll_interval is 5s"),
			},
			{
				Config: providerConfig(ft) + `
data "sailpoint_config_export" "test" {
  min_poll_interval = "31s"
}
`,
				ExpectError: errorWith("min_poll_interval is 31s, and poll_interval is its default, 30s"),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(ft.Requests()); n != 0 {
				return fmt.Errorf("%d requests", n)
			}
			return nil
		},
	})
}

// An SP-Config job shows no progress and has no earlier runs, so its wait
// backs off between the same two bounds: min_poll_interval is the first
// pause of the import's wait and of the export data source's, and set to
// poll_interval it is every pause.
func TestAccPoll_configJobsKeepTheMinimum(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptConfigJobs(faketenant.ConfigJobScript{Reads: 2})
	doc := filepath.Join(t.TempDir(), "transforms.json")
	if err := os.WriteFile(doc, []byte(`{"objects":[{"version":1,"self":{"type":"TRANSFORM","id":"t1","name":"T"},"object":{"name":"T","type":"lower","attributes":{}}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + fmt.Sprintf(`
data "sailpoint_config_export" "test" {
  include_types     = ["TRANSFORM"]
  poll_interval     = "2s"
  min_poll_interval = "2s"
}

resource "sailpoint_config_import" "test" {
  file              = %q
  exclude_backup    = true
  min_poll_interval = "2s"
}
`, doc),
			Check: func(*terraform.State) error {
				// Status reads of each job, in order.
				reads := map[string][]time.Time{}
				for _, r := range ft.Requests() {
					if faketenant.IsConfigStatusGet(r) {
						reads[r.Path] = append(reads[r.Path], r.At)
					}
				}
				jobs := 0
				for path, at := range reads {
					jobs++
					for i := 1; i < len(at); i++ {
						// 2 s, less the scheduling of the fake tenant's clock.
						if gap := at[i].Sub(at[i-1]); gap < 1900*time.Millisecond {
							return fmt.Errorf("%s: read %d came %v after the one before, want at least 2s", path, i, gap)
						}
					}
				}
				if jobs < 2 {
					return fmt.Errorf("status reads of %d jobs, want the import's and at least one export's", jobs)
				}
				return nil
			},
		}},
	})
}
