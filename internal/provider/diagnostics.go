package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// readTaskUserLevels are the user levels the spec allows to read a task
// status (x-sailpoint-userLevels of getTaskStatus).
const readTaskUserLevels = "ORG_ADMIN, HELPDESK, CERT_ADMIN, REPORT_ADMIN, ROLE_ADMIN, ROLE_SUBADMIN, SOURCE_ADMIN or SOURCE_SUBADMIN"

// apiErrorDiagnostic turns a client error into a diagnostic that says what
// failed, for which task, what the tenant answered, and what to do next.
// what names the thing read, such as `task "2c91..."`.
func apiErrorDiagnostic(err error, what string) diag.Diagnostic {
	summary, detail := explain(err, what)
	return diag.NewErrorDiagnostic(summary, detail)
}

func explain(err error, what string) (summary, detail string) {
	var (
		apiErr    *sailpoint.APIError
		tokenErr  *sailpoint.TokenError
		transErr  *sailpoint.TransportError
		decodeErr *sailpoint.DecodeError
		bigErr    *sailpoint.BodyTooLargeError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return "Read cancelled", fmt.Sprintf("Reading %s was cancelled before it finished.", what)
	case errors.As(err, &apiErr):
		return explainAPIError(apiErr, what)
	case errors.As(err, &tokenErr):
		return explainTokenError(tokenErr)
	case errors.As(err, &transErr):
		var netErr net.Error
		if errors.Is(transErr, context.DeadlineExceeded) || errors.As(transErr, &netErr) && netErr.Timeout() {
			return "SailPoint request timed out", fmt.Sprintf("Reading %s: %s.\n\nThe tenant did not answer within request_timeout, "+
				"on any attempt. Try again; if it persists, check the tenant's status and the network path to it, or raise request_timeout.", what, transErr)
		}
		return "Could not reach SailPoint", fmt.Sprintf("Reading %s: %s.\n\nCheck base_url, DNS and any proxy between Terraform and the tenant, then try again.", what, transErr)
	case errors.As(err, &decodeErr):
		return "Unreadable answer from SailPoint", fmt.Sprintf("Reading %s: %s.\n\nA proxy or gateway may have answered instead of the tenant, or the answer was cut short. Try again; run with TF_LOG=debug to see each exchange.", what, decodeErr)
	case errors.As(err, &bigErr):
		return "Answer from SailPoint too large", fmt.Sprintf("Reading %s: %s.", what, bigErr)
	}
	return "Reading from SailPoint failed", fmt.Sprintf("Reading %s: %s.", what, err)
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
	exchange := fmt.Sprintf("GET %s answered HTTP %d %s", e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Attempts > 1 {
		exchange += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	said := tenantSaid(e)
	if e.StatusCode >= 500 {
		return "SailPoint API error", fmt.Sprintf("Reading %s: %s.%s\n\n"+
			"The tenant failed to answer, and retrying did not help. Try again later; if it persists, give the trackingId to SailPoint support.", what, exchange, said)
	}
	switch e.StatusCode {
	case http.StatusNotFound:
		return "Task status not found", fmt.Sprintf("The tenant has no %s: %s.%s\n\n"+
			"ISC does not return tasks older than 90 days. Check the id, and that it belongs to the tenant in base_url.", what, exchange, said)
	case http.StatusUnauthorized:
		return "SailPoint refused the credentials", fmt.Sprintf("Reading %s: %s.%s\n\n"+
			"The access token was refused, and a fresh one did not help. Check that the client id and secret (or the access "+
			"token) are current and belong to the tenant in base_url.", what, exchange, said)
	case http.StatusForbidden:
		return "Not allowed to read task statuses", fmt.Sprintf("Reading %s: %s.%s\n\n"+
			"The credentials lack what reading a task status needs: an API client needs the scope idn:task-management:read, "+
			"and a personal access token's user needs one of the user levels %s.", what, exchange, said, readTaskUserLevels)
	case http.StatusTooManyRequests:
		return "SailPoint rate limit exceeded", fmt.Sprintf("Reading %s: %s.%s\n\n"+
			"The tenant allows 100 requests per 10 seconds per client and API version, and kept refusing after the "+
			"provider waited as its Retry-After asked. Run fewer reads at once (terraform -parallelism) or use another API client for other jobs.", what, exchange, said)
	case http.StatusBadRequest:
		return "SailPoint refused the request", fmt.Sprintf("Reading %s: %s.%s", what, exchange, said)
	}
	return "Unexpected answer from SailPoint", fmt.Sprintf("Reading %s: %s.%s", what, exchange, said)
}

func explainTokenError(e *sailpoint.TokenError) (string, string) {
	switch e.StatusCode {
	case 0:
		if errors.Is(e, context.Canceled) {
			return "Read cancelled", "Requesting an access token was cancelled."
		}
		return "Could not get a SailPoint access token", fmt.Sprintf("%s.\n\nCheck base_url and the network path to the tenant's %s endpoint.", e, sailpoint.TokenPath)
	case http.StatusUnauthorized, http.StatusBadRequest:
		return "SailPoint refused the client credentials", fmt.Sprintf("%s.\n\n"+
			"Check client_id and client_secret (or %s and %s): the pair must be a current API client or personal access "+
			"token of the tenant in base_url.", e, EnvClientID, EnvClientSecret)
	}
	return "Could not get a SailPoint access token", fmt.Sprintf("%s.\n\nThe token endpoint failed; try again later.", e)
}
