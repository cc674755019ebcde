package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// A task the tenant no longer returns stays in state with a warning, and
// nothing is started again.
func TestAccIdentityProcessing_forgottenTaskKeepsState(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	config := providerConfig(ft) + `
resource "sailpoint_identity_processing" "test" {
  identity_ids = ["2c9180835d2e5168015d32f890ca1581"]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: wantPosts(ft, 1)},
			{
				PreConfig: func() {
					id := ft.Launches()[0].TaskID
					ft.Inject(faketenant.Fault{Path: "/task-status/v1/" + id, Times: -1, Status: http.StatusNotFound,
						Body: `{"detailCode":"404 Not found","trackingId":"6b1a2c","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"TaskStatus with the given id was not found."}],"causes":[]}`})
				},
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expectState(processingAddr, "completion_status", str("SUCCESS"))},
				Check:             wantPosts(ft, 1),
			},
		},
	})
}

// A task just started may not be readable at once (the spec does not
// promise the identity-processing id is a task-status id right away): a
// 404 shortly after the launch is waited out, not taken as the end.
func TestAccIdentityProcessing_taskNotReadableAtFirst(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.Inject(faketenant.Fault{Path: "/task-status/v1/", Times: 2, Status: http.StatusNotFound,
		Body: `{"detailCode":"404 Not found","trackingId":"6b1a2d","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"TaskStatus with the given id was not found."}],"causes":[]}`})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + `
resource "sailpoint_identity_processing" "test" {
  identity_ids  = ["2c9180835d2e5168015d32f890ca1581"]
  poll_interval = "1s"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{expectState(processingAddr, "completion_status", str("SUCCESS"))},
			Check: resource.ComposeTestCheckFunc(wantPosts(ft, 1), func(*terraform.State) error {
				if n := ft.Count(func(r faketenant.Request) bool { return r.Status == http.StatusNotFound }); n != 2 {
					return fmt.Errorf("%d answers were 404, want the 2 injected", n)
				}
				return nil
			}),
		}},
	})
}

// A 404 to identity processing is the launch's, not a task older than 90
// days.
func TestAccIdentityProcessing_refusedLaunchNotFound(t *testing.T) {
	t.Parallel()
	ft := newTenant(t)
	ft.Inject(faketenant.Fault{Path: "/identities/v1/process", Status: http.StatusNotFound,
		Body: `{"detailCode":"404 Not found","trackingId":"process-404","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"The server did not find a current representation for the target resource."}],"causes":[]}`})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(ft) + `
resource "sailpoint_identity_processing" "test" {
  identity_ids = ["2c9180835d2e5168015d32f890ca1581"]
}
`,
			ExpectError: errorWith("Could not start the identity processing of 1 identities: not found", "POST /identities/v1/process answered HTTP 404",
				"trackingId: process-404", "check the ids in the configuration"),
		}},
	})
}
