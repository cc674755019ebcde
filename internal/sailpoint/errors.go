package sailpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// APIError is a non-2xx answer from the tenant. It carries what the spec's
// error bodies hold, so callers can tell the user what the tenant said:
//   - ErrorResponseDto (400, 403, 404, 500): detailCode, trackingId, messages, causes
//   - {"error": "..."} (401)
//   - {"message": "..."} (429)
type APIError struct {
	Method     string
	Path       string // the request path, never the query or host
	StatusCode int
	DetailCode string
	TrackingID string
	// Messages are the texts of the tenant's messages, causes and
	// error/message fields, in that order, without duplicates.
	Messages []string
	// RetryAfter is the tenant's Retry-After header on a 429 or 503, as sent.
	RetryAfter string
	// Attempts is how many times the request was sent before giving up.
	Attempts int
	// RetryAfterRefused is set when the tenant asked for a longer wait than
	// the client honours, so it gave up at once.
	RetryAfterRefused *RetryAfterRefusal
	// RequestsPerWindow and RateWindow are the pacing the client kept to
	// (RequestsPerWindow 0: none), for explaining a 429.
	RequestsPerWindow int
	RateWindow        time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.DetailCode != "" {
		fmt.Fprintf(&b, " (%s)", e.DetailCode)
	}
	if len(e.Messages) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(e.Messages, "; "))
	}
	if e.TrackingID != "" {
		fmt.Fprintf(&b, " [trackingId %s]", e.TrackingID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if r := e.RetryAfterRefused; r != nil {
		fmt.Fprintf(&b, "; it asked to wait %s (Retry-After %q), longer than the %s this client waits", r.AskedText(), e.RetryAfter, r.Limit)
	}
	return b.String()
}

// Message is the tenant's own text, or "" when it sent none.
func (e *APIError) Message() string { return strings.Join(e.Messages, "; ") }

// ErrorResponse is the spec's ErrorResponseDto, plus the single-field bodies
// the spec documents for 401 ("error") and 429 ("message").
type ErrorResponse struct {
	DetailCode string            `json:"detailCode"`
	TrackingID string            `json:"trackingId"`
	Messages   []ErrorMessageDto `json:"messages"`
	Causes     []ErrorMessageDto `json:"causes"`
	Error      string            `json:"error"`
	Message    string            `json:"message"`
}

// ErrorMessageDto is one localized error text.
type ErrorMessageDto struct {
	Locale       *string `json:"locale"`
	LocaleOrigin *string `json:"localeOrigin"`
	Text         string  `json:"text"`
}

// decodeErrorBody fills what it can from an error body. Bodies that are not
// JSON, or JSON of another shape, leave the fields empty: the status alone
// still makes a useful error.
func decodeErrorBody(body []byte) ErrorResponse {
	var er ErrorResponse
	if err := json.Unmarshal(body, &er); err != nil {
		return ErrorResponse{}
	}
	return er
}

func newAPIError(method, path string, status int, header http.Header, body []byte, attempts int) *APIError {
	er := decodeErrorBody(body)
	e := &APIError{
		Method:     method,
		Path:       path,
		StatusCode: status,
		DetailCode: CleanText(er.DetailCode),
		TrackingID: CleanText(er.TrackingID),
		Attempts:   attempts,
	}
	if header != nil {
		e.RetryAfter = CleanText(header.Get("Retry-After"))
	}
	seen := map[string]bool{}
	add := func(s string) {
		s = CleanText(s)
		if s != "" && !seen[s] {
			seen[s] = true
			e.Messages = append(e.Messages, s)
		}
	}
	for _, m := range er.Messages {
		add(m.Text)
	}
	for _, m := range er.Causes {
		add(m.Text)
	}
	add(er.Error)
	add(er.Message)
	return e
}

// apiError is newAPIError with what the client knows besides the answer:
// a refused Retry-After and its own pacing.
func (c *Client) apiError(method, path string, resp *http.Response, body []byte, attempts int) *APIError {
	e := newAPIError(method, path, resp.StatusCode, resp.Header, body, attempts)
	e.RetryAfterRefused = retryAfterRefusal(resp, c.maxRetryAfter)
	e.RequestsPerWindow, e.RateWindow = c.requestsPerWindow, c.rateWindow
	return e
}

// IsNotFound reports whether err is the tenant's 404.
func IsNotFound(err error) bool { return HasStatus(err, http.StatusNotFound) }

// HasStatus reports whether err is an *APIError with that HTTP status.
func HasStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// DecodeError means the tenant answered 2xx with a body that is not the
// JSON the spec describes.
type DecodeError struct {
	Method      string
	Path        string
	StatusCode  int
	ContentType string
	// Document is the spec's name of the body expected ("" means
	// TaskStatus), such as "list of TaskStatus" or "LoadAccountsTask".
	Document string
	Err      error
	// Snippet is the start of the body, to help tell an HTML error page or a
	// proxy's answer from a truncated response.
	Snippet string
}

func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	doc := e.Document
	if doc == "" {
		doc = "TaskStatus"
	}
	msg := fmt.Sprintf("%s %s: HTTP %d with a body that is not a valid %s (%s): %v", e.Method, e.Path, e.StatusCode, doc, ct, e.Err)
	if e.Snippet != "" {
		msg += fmt.Sprintf("; the body starts with %q", e.Snippet)
	}
	return msg
}

func (e *DecodeError) Unwrap() error { return e.Err }

// BodyTooLargeError means a response body was larger than the client accepts.
type BodyTooLargeError struct {
	Method string
	Path   string
	Limit  int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("%s %s: the response body is larger than the %d bytes this client accepts", e.Method, e.Path, e.Limit)
}

// TransportError means no HTTP answer arrived: the connection failed, timed
// out, or the context was cancelled. Err is the last cause.
type TransportError struct {
	Method   string
	Path     string
	Attempts int
	Elapsed  time.Duration
	Err      error
	// Last is the last answer the tenant gave before the call's time ran
	// out or it was cancelled between retries (a 503, say); nil when none.
	Last *APIError
}

func (e *TransportError) Error() string {
	if e.Last != nil {
		return fmt.Sprintf("%s %s: stopped after %d attempt(s) in %s (%v); the last answer was %v", e.Method, e.Path, e.Attempts,
			e.Elapsed.Round(time.Millisecond), e.Err, e.Last)
	}
	return fmt.Sprintf("%s %s: no answer from the tenant after %d attempt(s) in %s: %v", e.Method, e.Path, e.Attempts, e.Elapsed.Round(time.Millisecond), e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// TokenError means the token endpoint refused or failed the client
// credentials exchange. It never carries the credentials.
type TokenError struct {
	// URL is the token endpoint asked: base_url and TokenPath (base_url
	// never holds userinfo, and it would be masked).
	URL        string
	StatusCode int    // 0 when no HTTP answer arrived
	Code       string // the OAuth error code, such as invalid_client
	Detail     string // the endpoint's description or error text, cleaned, the secret masked
	// RetryAfter is the endpoint's Retry-After on a 429 or 503, as sent;
	// RetryAfterRefused is set when it asked for a longer wait than the
	// client honours.
	RetryAfter        string
	RetryAfterRefused *RetryAfterRefusal
	Err               error
}

func (e *TokenError) Error() string {
	asking := "requesting an access token"
	if e.URL != "" {
		asking += " from " + e.URL
	}
	if e.StatusCode == 0 {
		return fmt.Sprintf("%s: %v", asking, e.Err)
	}
	msg := fmt.Sprintf("%s: HTTP %d %s", asking, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if r := e.RetryAfterRefused; r != nil {
		msg += fmt.Sprintf("; it asked to wait %s (Retry-After %q), longer than the %s this client waits", r.AskedText(), e.RetryAfter, r.Limit)
	}
	return msg
}

func (e *TokenError) Unwrap() error { return e.Err }

// BudgetWaitError means a request, or its next attempt, was never sent: it
// waited for the provider's own rate budget (rate_limit, shared through the ledger with
// the other processes of the machine) and the operation's deadline came
// first, or would have before its start. The tenant had no part in it.
//
// It is not context.DeadlineExceeded, although a deadline ended it: that
// would be read as the tenant not answering in time.
type BudgetWaitError struct {
	Method string
	Path   string
	// Attempts is how many attempts were sent before the one that waited
	// (a retry after a 5xx, say); 0 when nothing was sent at all.
	Attempts int
	// Waited is how long the request waited for its start; NextIn, when
	// not 0, how far off that start still was when it gave up.
	Waited time.Duration
	NextIn time.Duration
	// RequestsPerWindow per RateWindow is the configured budget;
	// LoweredTo, when not 0, the rate the tenant's 429s had lowered it to.
	RequestsPerWindow int
	RateWindow        time.Duration
	LoweredTo         int
	// Blocked is how much longer a 429's Retry-After held every start.
	Blocked time.Duration
	// Shared: the budget is shared with the machine's other processes
	// that use the same client (share_rate_limit).
	Shared bool
}

func (e *BudgetWaitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	if e.Attempts > 0 {
		fmt.Fprintf(&b, "attempt %d ", e.Attempts+1)
	}
	fmt.Fprintf(&b, "not sent: waited %s for the provider's own rate budget", e.Waited.Round(time.Millisecond))
	if e.NextIn > 0 {
		fmt.Fprintf(&b, ", and its turn was %s away, past the deadline", e.NextIn.Round(time.Millisecond))
	} else {
		b.WriteString(" until the deadline")
	}
	fmt.Fprintf(&b, " (%d requests per %s", e.RequestsPerWindow, e.RateWindow)
	if e.LoweredTo > 0 {
		fmt.Fprintf(&b, ", lowered to %d after the tenant's 429s", e.LoweredTo)
	}
	if e.Shared {
		b.WriteString(", shared by the provider processes of this machine that use this client")
	}
	b.WriteString(")")
	if e.Blocked > 0 {
		fmt.Fprintf(&b, "; a 429's Retry-After held every request for %s more", e.Blocked.Round(time.Millisecond))
	}
	return b.String()
}

// Timeout reports true: a deadline ended the wait.
func (e *BudgetWaitError) Timeout() bool { return true }

// ThrottledError means the tenant kept answering 429 until the
// operation's deadline came, or would have before the next attempt could
// go: the requests were throttled, not lost. Last is the last 429.
type ThrottledError struct {
	Last *APIError
	// Throttled of Attempts answers were 429, over Elapsed.
	Throttled int
	Attempts  int
	Elapsed   time.Duration
	// Budget is the wait for the provider's own budget that ended it, when
	// the deadline came while the request waited for its turn.
	Budget *BudgetWaitError
}

func (e *ThrottledError) Error() string {
	msg := fmt.Sprintf("%s %s: throttled: %d of %d answers were HTTP 429 Too Many Requests over %s, and the deadline came before the tenant admitted the request",
		e.Last.Method, e.Last.Path, e.Throttled, e.Attempts, e.Elapsed.Round(time.Millisecond))
	if m := e.Last.Message(); m != "" {
		msg += fmt.Sprintf("; the tenant said: %s", m)
	}
	if e.Last.TrackingID != "" {
		msg += fmt.Sprintf(" [trackingId %s]", e.Last.TrackingID)
	}
	if b := e.Budget; b != nil && b.LoweredTo > 0 {
		msg += fmt.Sprintf("; the provider had lowered its pace from %d to %d requests per %s", b.RequestsPerWindow, b.LoweredTo, b.RateWindow)
	}
	return msg
}

func (e *ThrottledError) Unwrap() error { return e.Last }
