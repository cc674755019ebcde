package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// readTaskUserLevels are the user levels the spec allows to read a task
// status (x-sailpoint-userLevels of getTaskStatus, the same on every
// version).
var readTaskUserLevels = orList(sailpoint.GetTaskStatusOp.NeedsOn(sailpoint.APIVersionV1).UserLevels)

// apiErrorDiagnostic turns a client error into a diagnostic that says what
// failed, for which task, what the tenant answered, and what to do next.
// what names the thing read, such as `task "2c91..."`.
func apiErrorDiagnostic(err error, what string) diag.Diagnostic {
	summary, detail := explain(err, what)
	return diag.NewErrorDiagnostic(summary, detail)
}

// explain words err for a user. The method and verb come from the error,
// so a launch (POST) is not called a read.
func explain(err error, what string) (summary, detail string) {
	var (
		apiErr    *sailpoint.APIError
		tokenErr  *sailpoint.TokenError
		transErr  *sailpoint.TransportError
		decodeErr *sailpoint.DecodeError
		bigErr    *sailpoint.BodyTooLargeError
		limitErr  *sailpoint.LimitError
	)
	doing := verb(sailpoint.RequestMethod(err))
	switch {
	case errors.Is(err, context.Canceled):
		return "Request cancelled", fmt.Sprintf("%s %s was cancelled before it finished.", doing, what)
	case errors.As(err, new(*sailpoint.ThrottledError)) || errors.As(err, new(*sailpoint.BudgetWaitError)):
		return explainPacing(err, doing, what)
	case errors.As(err, &apiErr):
		return explainAPIError(apiErr, what)
	case errors.As(err, &tokenErr):
		return explainTokenError(tokenErr)
	case errors.As(err, &transErr):
		var netErr net.Error
		if errors.Is(transErr, context.DeadlineExceeded) || errors.As(transErr, &netErr) && netErr.Timeout() {
			return "SailPoint request timed out", fmt.Sprintf("%s %s: %s.\n\nThe tenant did not answer in full within request_timeout, "+
				"on any attempt. Try again; if it persists, check the tenant's status and the network path to it, or raise request_timeout.", doing, what, transErr)
		}
		return "Could not reach SailPoint", fmt.Sprintf("%s %s: %s.\n\nCheck base_url, DNS and any proxy between Terraform and the tenant, then try again.", doing, what, transErr)
	case errors.As(err, &limitErr):
		return "Answer from SailPoint too large", fmt.Sprintf("%s %s: %s.\n\nThe provider bounds what it accepts (nesting, "+
			"number of values, size of numbers) so that no answer can exhaust memory or time. A list can be narrowed with "+
			"filters or a lower limit; otherwise report it, with the trackingId of the request if you have one.", doing, what, err)
	case errors.Is(err, sailpoint.ErrWrongTask):
		return "SailPoint answered about another task", fmt.Sprintf("%s %s: %s.\n\nA proxy or cache between Terraform and the tenant "+
			"may be mixing up answers. The answer was not used. Try again; if it persists, check that path.", doing, what, err)
	case errors.As(err, &decodeErr):
		return "Unreadable answer from SailPoint", fmt.Sprintf("%s %s: %s.\n\nA proxy or gateway may have answered instead of the tenant, or the answer was cut short. Try again; run with TF_LOG=debug to see each exchange.", doing, what, decodeErr)
	case errors.As(err, &bigErr):
		return "Answer from SailPoint too large", fmt.Sprintf("%s %s: %s.", doing, what, bigErr)
	}
	return "Request to SailPoint failed", fmt.Sprintf("%s %s: %s.", doing, what, err)
}

// verb says what a request of method does: reading for GET, launching
// for POST (a launch starts a task).
func verb(method string) string {
	switch method {
	case http.MethodPost:
		return "Launching"
	case http.MethodGet, "":
		return "Reading"
	}
	return "Sending " + method + " for"
}

func tenantSaid(e *sailpoint.APIError) string {
	var parts []string
	if msg := e.Message(); msg != "" {
		parts = append(parts, fmt.Sprintf("The tenant said: %s", msg))
	}
	if e.DetailCode != "" {
		parts = append(parts, "detailCode: "+e.DetailCode)
	}
	if e.TrackingID != "" {
		parts = append(parts, "trackingId: "+e.TrackingID+" (give it to SailPoint support if you open a case)")
	}
	if len(parts) == 0 {
		return ""
	}
	return "\n\n" + strings.Join(parts, "\n")
}

func explainAPIError(e *sailpoint.APIError, what string) (string, string) {
	exchange := fmt.Sprintf("%s %s answered HTTP %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Attempts > 1 {
		exchange += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	doing := verb(e.Method)
	said := tenantSaid(e)
	if r := e.RetryAfterRefused; r != nil {
		return "SailPoint asked to wait too long", fmt.Sprintf("%s %s: %s.%s\n\n"+
			"The tenant asked to wait %s before trying again (Retry-After %q), longer than the provider waits for one "+
			"request (%s), so it gave up at once rather than hold the run. Try again later.", doing, what, exchange, said, r.AskedText(), e.RetryAfter, r.Limit)
	}
	if e.StatusCode >= 500 {
		return "SailPoint API error", fmt.Sprintf("%s %s: %s.%s\n\n"+
			"The tenant failed to answer, and retrying did not help. Try again later; if it persists, give the trackingId to SailPoint support.", doing, what, exchange, said)
	}
	switch e.StatusCode {
	case http.StatusNotFound:
		return "Task status not found", fmt.Sprintf("The tenant has no %s: %s.%s\n\n"+
			"ISC does not return tasks older than 90 days. Check the id, and that it belongs to the tenant in base_url.", what, exchange, said)
	case http.StatusUnauthorized:
		return "SailPoint refused the credentials", fmt.Sprintf("%s %s: %s.%s\n\n"+
			"The access token was refused, and a fresh one did not help. Check that the client id and secret (or the access "+
			"token) are current and belong to the tenant in base_url.", doing, what, exchange, said)
	case http.StatusForbidden:
		return "Not allowed to read task statuses", fmt.Sprintf("%s %s: %s.%s\n\n"+
			"The credentials lack what reading a task status needs: an API client needs the scope idn:task-management:read, "+
			"and a personal access token's user needs one of the user levels %s.", doing, what, exchange, said, readTaskUserLevels)
	case http.StatusTooManyRequests:
		return "SailPoint rate limit exceeded", fmt.Sprintf("%s %s: %s.%s\n\n"+
			"%s, and the tenant kept refusing after the provider waited as its Retry-After asked. Run fewer reads at once "+
			"(terraform -parallelism), lower rate_limit if this API client is shared with other jobs, or use another API client for them.",
			doing, what, exchange, said, pacing(e))
	case http.StatusBadRequest:
		return "SailPoint refused the request", fmt.Sprintf("%s %s: %s.%s", doing, what, exchange, said)
	}
	return "Unexpected answer from SailPoint", fmt.Sprintf("%s %s: %s.%s", doing, what, exchange, said)
}

// pacing says how the provider paced its requests when the tenant answered 429.
func pacing(e *sailpoint.APIError) string {
	if e.RequestsPerWindow <= 0 {
		return "The provider did not pace its requests"
	}
	return fmt.Sprintf("The provider kept to %d requests per %s (rate_limit)", e.RequestsPerWindow, e.RateWindow)
}

func explainTokenError(e *sailpoint.TokenError) (string, string) {
	if r := e.RetryAfterRefused; r != nil {
		return "SailPoint asked to wait too long", fmt.Sprintf("%s.\n\nThe token endpoint asked to wait %s before trying again, "+
			"longer than the provider waits for one request (%s), so it gave up at once. Try again later.", e, r.AskedText(), r.Limit)
	}
	switch e.StatusCode {
	case 0:
		if errors.Is(e, context.Canceled) {
			return "Request cancelled", "Requesting an access token was cancelled."
		}
		return "Could not get a SailPoint access token", fmt.Sprintf("%s.\n\nCheck base_url and the network path to the tenant's %s endpoint.", e, sailpoint.TokenPath)
	case http.StatusNotFound:
		return "SailPoint token endpoint not found", fmt.Sprintf("%s.\n\nThere is no token endpoint at that URL: check base_url. It must be the "+
			"tenant's API base URL, such as https://acme.api.identitynow.com, without a path such as /v3 (the provider adds "+
			"%s for tokens and the API version to each request).", e, sailpoint.TokenPath)
	case http.StatusUnauthorized, http.StatusBadRequest:
		return "SailPoint refused the client credentials", fmt.Sprintf("%s.\n\n"+
			"Check client_id and client_secret (or %s and %s): the pair must be a current API client or personal access "+
			"token of the tenant in base_url. The provider asks for a token once per run with them, and not again.", e, EnvClientID, EnvClientSecret)
	}
	return "Could not get a SailPoint access token", fmt.Sprintf("%s.\n\nThe token endpoint failed; try again later.", e)
}

// explainPacing words a request the time ran out for while it was paced:
// throttled by the tenant (a *sailpoint.ThrottledError), or never sent,
// waiting for the provider's own budget (a *sailpoint.BudgetWaitError).
func explainPacing(err error, doing, what string) (string, string) {
	const timeLimit = "the time allowed (timeouts.read, a resource's timeouts.create or an action's timeout)"
	var throttled *sailpoint.ThrottledError
	if errors.As(err, &throttled) {
		last := throttled.Last
		slowed := "The provider slowed down after the first 429s and waited as the tenant asked."
		if b := throttled.Budget; b != nil && b.LoweredTo > 0 {
			slowed = fmt.Sprintf("The provider slowed down after the first 429s, from rate_limit's %d to %d requests per %s, and waited as the tenant asked.", b.RequestsPerWindow, b.LoweredTo, b.RateWindow)
		}
		return "SailPoint kept throttling the request until the time ran out", fmt.Sprintf("%s %s: %d of %d answers to %s %s were HTTP 429 Too Many Requests "+
			"over %s, and the next attempt could not come within %s.%s\n\n"+
			"ISC allows 100 requests per 10 s per API client and API version, and more than this run is using this client: "+
			"other pipelines, CI runners or HCP Terraform agents with the same client, the SailPoint UI, or scripts. %s "+
			"Give each pipeline its own API client; when several runners must share one, set rate_limit on each to its share "+
			"(100 divided by the runners that run at once); or allow more time.",
			doing, what, throttled.Throttled, throttled.Attempts, last.Method, last.Path, throttled.Elapsed.Round(time.Second), timeLimit, tenantSaid(last), slowed)
	}
	var budget *sailpoint.BudgetWaitError
	errors.As(err, &budget)
	shared := ""
	if budget.Shared {
		shared = ", shared by every provider process on this machine that calls this tenant with this client and API version (share_rate_limit)"
	}
	lowered := ""
	if budget.LoweredTo > 0 {
		lowered = fmt.Sprintf(" The tenant's 429s had lowered the pace to %d requests per %s: other users of this API client "+
			"(other pipelines or runners, the UI, scripts) take the rest; give each pipeline its own API client.", budget.LoweredTo, budget.RateWindow)
	}
	sent := "Nothing was sent to the tenant: the request"
	if budget.Attempts > 0 {
		sent = "An earlier attempt failed and was to be retried, but the retry was not sent: it"
	}
	return "Timed out waiting for the provider's own rate limit", fmt.Sprintf("%s %s: %s.\n\n"+
		"%s waited for the provider's own pacing, rate_limit (%d requests per %s)%s, "+
		"and its turn could not come within %s.%s Run fewer requests at once (terraform -parallelism, fewer runs at once with this client), "+
		"allow more time, or raise rate_limit if the tenant allows this client more.",
		doing, what, budget, sent, budget.RequestsPerWindow, budget.RateWindow, shared, timeLimit, lowered)
}
