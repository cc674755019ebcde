package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// An import block with identity adopts a running task as an import by id
// does: no POST, and the apply waits for the task and gates it; the next
// plan is empty. An identity the tenant does not know fails the import.
func TestAccLaunchIdentity_importBlockAdoptsARunningTask(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	src := faketenant.ActiveDirectorySourceID
	const id = "2c91808a7813090a01781412a1110d77"
	ft.PutTaskSequence(id, sourceTask(t, id, src, ""), sourceTask(t, id, src, ""), finishedTask(t, id, src, "SUCCESS"))
	resourceBlock := providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
}
`, src)
	importBlock := func(id string) string {
		return fmt.Sprintf("import {\n  to = %s\n  identity = {\n    id = %q\n  }\n}\n", accountAddr, id)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   identityCLI,
		Steps: []resource.TestStep{
			{
				Config:      resourceBlock + importBlock("no-such-task"),
				ExpectError: errorWith(`Cannot import task "no-such-task": not found`),
			},
			{
				Config: resourceBlock + importBlock(id),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accountAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(accountAddr, map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}),
					expectState(accountAddr, "task_id", str(id)),
					expectState(accountAddr, "completion_status", str("SUCCESS")),
				},
				Check: resource.ComposeTestCheckFunc(wantPosts(ft, 0), func(*terraform.State) error {
					if n := ft.Reads(id); n < 3 {
						return fmt.Errorf("the adopted task was read %d times: the apply did not wait for it", n)
					}
					return nil
				}),
			},
			{
				Config:           resourceBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            wantPosts(ft, 0),
			},
		},
	})
}

// A resource that starts its task has the task's id as its identity, kept
// on refresh, and a new one when a trigger replaces it with a new task.
func TestAccLaunchIdentity_isTheTaskStarted(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.ScriptLaunches(faketenant.Script{RunningReads: 1})
	config := func(trigger string) string {
		return providerConfig(ft) + fmt.Sprintf(`
resource "sailpoint_account_aggregation" "test" {
  source_id     = %q
  poll_interval = "1s"
  triggers      = { run = %q }
}
`, faketenant.ActiveDirectorySourceID, trigger)
	}
	sameAsTask := statecheck.ExpectIdentityValueMatchesStateAtPath(accountAddr, tfjsonpath.New("id"), tfjsonpath.New("task_id"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   identityCLI,
		Steps: []resource.TestStep{
			{Config: config("1"), ConfigStateChecks: []statecheck.StateCheck{sameAsTask}, Check: wantPosts(ft, 1)},
			{Config: config("1"), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				Config:            config("2"),
				ConfigStateChecks: []statecheck.StateCheck{sameAsTask},
				Check: resource.ComposeTestCheckFunc(wantPosts(ft, 2), func(*terraform.State) error {
					if l := ft.Launches(); l[0].TaskID == l[1].TaskID {
						return fmt.Errorf("the replacement kept task %s", l[0].TaskID)
					}
					return nil
				}),
			},
		},
	})
}
