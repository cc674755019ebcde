// Package sailpoint is a small client for the SailPoint Identity Security
// Cloud (ISC) task-status API. It knows nothing of Terraform: the provider
// maps what it returns.
package sailpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// API versions that have the task-status endpoints. v1 is the per-service
// versioning (/task-status/v1/{id}); the others are the older collection
// versions (/{version}/task-status/{id}). v3 has no task-status endpoint.
const (
	APIVersionV1    = "v1"
	APIVersionV2026 = "v2026"
	APIVersionV2025 = "v2025"
	APIVersionV2024 = "v2024"
	APIVersionBeta  = "beta"
)

// APIVersions lists the supported versions, the default first.
var APIVersions = []string{APIVersionV1, APIVersionV2026, APIVersionV2025, APIVersionV2024, APIVersionBeta}

// experimentalVersions required X-SailPoint-Experimental when they launched;
// the header is harmless once an API is public, so it is always sent for them.
var experimentalVersions = []string{APIVersionV2024, APIVersionV2025, APIVersionV2026}

// Defaults for Config fields left zero. Zero never means "none": that is
// said by NoRetries and NoPacing.
const (
	DefaultRetryMax       = 5
	DefaultRetryWaitMin   = time.Second
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultRequestTimeout = 30 * time.Second
	// The tenant allows 100 requests per 10 s per client and API version.
	DefaultRequestsPerWindow = 100
	DefaultRateWindow        = 10 * time.Second
	// A full page of 250 tasks is about 1 MiB; a read of the largest body
	// accepted peaks at about 200 MiB of memory (BenchmarkWorstAcceptedRead).
	DefaultMaxBodyBytes = 16 << 20
)

// Config says how to reach a tenant. Set either ClientID and ClientSecret, or
// AccessToken.
type Config struct {
	BaseURL      string // https://{tenant}.api.identitynow.com
	ClientID     string
	ClientSecret string
	AccessToken  string
	APIVersion   string // one of APIVersions; "" means v1
	UserAgent    string

	// HTTPClient sends the requests; nil means a pooled client of its own.
	// Its Transport is wrapped, never replaced.
	HTTPClient *http.Client

	RetryMax int // retries after the first attempt
	// NoRetries sends every request once, whatever RetryMax says.
	NoRetries      bool
	RetryWaitMin   time.Duration // first backoff
	RetryWaitMax   time.Duration // longest backoff, and the longest Retry-After honoured without giving up
	RequestTimeout time.Duration // per attempt
	// RequestsPerWindow is the tenant's limit per RateWindow; the client
	// paces itself to stay under it.
	RequestsPerWindow int
	RateWindow        time.Duration
	// NoPacing sends API calls as fast as they come, leaving the tenant's
	// limit to its 429s and their Retry-After.
	NoPacing     bool
	MaxBodyBytes int64

	Logger Logger
}

// Logger receives one line per HTTP exchange. Fields never hold secrets.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// Client calls the task-status API of one tenant with one API version. It is
// safe for concurrent use; all calls share its token, connections and pacing.
type Client struct {
	baseURL    string
	apiVersion string
	http       *retryablehttp.Client
	tokens     tokenSource
	maxBody    int64
	// What errors report: the longest Retry-After honoured, and the pacing.
	maxRetryAfter     time.Duration
	requestsPerWindow int
	rateWindow        time.Duration
	retryMax          int
	retryWaitMin      time.Duration
	retryWaitMax      time.Duration
}

// ValidateBaseURL accepts https URLs, and plain http only for loopback hosts
// (so a local fake tenant works and a typo never sends a secret in clear).
func ValidateBaseURL(raw string) error {
	shown := redactUserinfo(raw) // never echo credentials put in the URL
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the raw URL
		}
		return fmt.Errorf("%q is not a URL: %w", shown, err)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host; expected a URL such as https://acme.api.identitynow.com", shown)
	}
	// A bare "?" or "#" parses as no query or fragment, yet the token URL
	// built from it would end up at the host's root.
	if u.User != nil || strings.ContainsAny(raw, "?#") {
		return fmt.Errorf("%q must not carry credentials, a query or a fragment", shown)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q uses plain http; use https (plain http is allowed only for loopback hosts such as 127.0.0.1 and localhost)", shown)
	default:
		return fmt.Errorf("%q has scheme %q; use https", shown, u.Scheme)
	}
}

// redactUserinfo replaces what comes before an '@' in a URL's authority.
func redactUserinfo(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		if at := strings.LastIndex(raw, "@"); at >= 0 {
			return "***@" + raw[at+1:]
		}
		return raw
	}
	rest := raw[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return raw[:i+3] + "***@" + rest[at+1:]
	}
	return raw
}

// IsLoopbackHost reports whether host is localhost or in 127.0.0.0/8 or ::1.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ConfigError is a Config field New refuses, and why.
type ConfigError struct {
	Field  string // the Config field: "BaseURL", "APIVersion", "ClientID", "ClientSecret" or "AccessToken"
	Reason ConfigReason
	Err    error // what is wrong with the value, for ReasonInvalid
}

// ConfigReason is why a Config field is refused.
type ConfigReason int

const (
	// ReasonInvalid: the value is refused; Err says why.
	ReasonInvalid ConfigReason = iota
	// ReasonMissing: the field is required and empty.
	ReasonMissing
	// ReasonNoCredentials: neither client credentials nor an access token
	// are set (reported on ClientID).
	ReasonNoCredentials
	// ReasonConflict: an access token and client credentials are both set
	// (reported on AccessToken).
	ReasonConflict
)

func (e *ConfigError) Error() string {
	switch e.Reason {
	case ReasonMissing:
		if e.Field == "ClientID" || e.Field == "ClientSecret" {
			return "no credentials: set both ClientID and ClientSecret, or AccessToken; " + e.Field + " is empty"
		}
		return e.Field + " is not set"
	case ReasonNoCredentials:
		return "no credentials: set ClientID and ClientSecret, or AccessToken"
	case ReasonConflict:
		return "both client credentials and an access token are set; set one of them"
	}
	return fmt.Sprintf("invalid %s: %v", e.Field, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ValidateAPIVersion accepts "" (the default, v1) and the APIVersions.
func ValidateAPIVersion(version string) error {
	if version != "" && !slices.Contains(APIVersions, version) {
		return fmt.Errorf("API version %q is not supported; use one of %s", version, strings.Join(APIVersions, ", "))
	}
	return nil
}

// checkConfig returns every problem of cfg, each a *ConfigError, joined.
func checkConfig(cfg Config) error {
	var problems []error
	switch err := ValidateBaseURL(cfg.BaseURL); {
	case cfg.BaseURL == "":
		problems = append(problems, &ConfigError{Field: "BaseURL", Reason: ReasonMissing})
	case err != nil:
		problems = append(problems, &ConfigError{Field: "BaseURL", Err: err})
	}
	if err := ValidateAPIVersion(cfg.APIVersion); err != nil {
		problems = append(problems, &ConfigError{Field: "APIVersion", Err: err})
	}
	hasClient := cfg.ClientID != "" || cfg.ClientSecret != ""
	switch {
	case hasClient && cfg.AccessToken != "":
		problems = append(problems, &ConfigError{Field: "AccessToken", Reason: ReasonConflict})
	case cfg.AccessToken != "":
	case !hasClient:
		problems = append(problems, &ConfigError{Field: "ClientID", Reason: ReasonNoCredentials})
	case cfg.ClientID == "":
		problems = append(problems, &ConfigError{Field: "ClientID", Reason: ReasonMissing})
	case cfg.ClientSecret == "":
		problems = append(problems, &ConfigError{Field: "ClientSecret", Reason: ReasonMissing})
	}
	return errors.Join(problems...)
}

// New checks cfg and builds a Client. It makes no request: the first token
// is fetched by the first API call. A refused cfg is reported as one
// *ConfigError per problem, joined.
func New(cfg Config) (*Client, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	version := cfg.APIVersion
	if version == "" {
		version = APIVersionV1
	}
	setDefaults(&cfg)

	hc := cfg.HTTPClient
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
	}
	var limiter *windowLimiter
	if !cfg.NoPacing {
		limiter = newWindowLimiter(cfg.RequestsPerWindow, cfg.RateWindow)
	}
	base := hc.Transport
	if base == nil {
		base = cleanhttp.DefaultPooledTransport()
	}
	// API calls and token requests share the connection pool; only API
	// calls count against the tenant's limit per API version, so only they
	// are paced.
	if cfg.UserAgent != "" {
		base = &userAgentTransport{next: base, userAgent: cfg.UserAgent}
	}
	api := retryingClient(cfg, hc, &pacedLoggingTransport{next: base, limiter: limiter, logger: cfg.Logger})
	token := retryingClient(cfg, hc, &pacedLoggingTransport{next: base, logger: cfg.Logger})

	baseURL := strings.TrimRight(cfg.BaseURL, "/")
	c := &Client{
		baseURL:    baseURL,
		apiVersion: version,
		http:       api,
		maxBody:    cfg.MaxBodyBytes,

		maxRetryAfter:     cfg.RetryWaitMax,
		requestsPerWindow: cfg.RequestsPerWindow,
		rateWindow:        cfg.RateWindow,
		retryMax:          cfg.RetryMax,
		retryWaitMin:      cfg.RetryWaitMin,
		retryWaitMax:      cfg.RetryWaitMax,
	}
	if cfg.AccessToken != "" {
		c.tokens = staticToken(cfg.AccessToken)
	} else {
		c.tokens = newClientCredentials(baseURL, cfg.ClientID, cfg.ClientSecret, token.StandardClient(), cfg.RetryWaitMax)
	}
	return c, nil
}

// retryingClient sends through transport with the configured timeout,
// redirect rule, retries and backoff.
func retryingClient(cfg Config, template *http.Client, transport http.RoundTripper) *retryablehttp.Client {
	hc := *template
	hc.Transport = transport
	hc.Timeout = cfg.RequestTimeout
	hc.CheckRedirect = sameOriginRedirects

	rc := retryablehttp.NewClient()
	rc.HTTPClient = &hc
	rc.Logger = nil // exchanges are logged by pacedLoggingTransport
	rc.RetryMax = cfg.RetryMax
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
	rc.Backoff = backoff
	rc.CheckRetry = giveUpOnLongRetryAfter(cfg.RetryWaitMax, checkRetry)
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	return rc
}

func setDefaults(cfg *Config) {
	switch {
	case cfg.NoRetries:
		cfg.RetryMax = 0
	case cfg.RetryMax <= 0:
		cfg.RetryMax = DefaultRetryMax
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	cfg.RetryWaitMin = min(cfg.RetryWaitMin, cfg.RetryWaitMax)
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	switch {
	case cfg.NoPacing:
		cfg.RequestsPerWindow = 0
	case cfg.RequestsPerWindow <= 0:
		cfg.RequestsPerWindow = DefaultRequestsPerWindow
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = DefaultRateWindow
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
}

// APIVersion is the version this client calls.
func (c *Client) APIVersion() string { return c.apiVersion }

// errRedirectRefused marks a redirect away from the tenant.
var errRedirectRefused = errors.New("the token is only sent to the configured tenant")

// checkRetry is go-retryablehttp's policy (connection errors, 429, 5xx but
// 501), except that a refused redirect is final and a launch follows
// launchRetry.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if errors.Is(err, errRedirectRefused) {
		return false, err
	}
	if launch, _ := ctx.Value(launchKey{}).(bool); launch {
		return launchRetry(ctx, resp, err)
	}
	return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
}

// launchKey marks the context of a launch request.
type launchKey struct{}

// launchRetry resends a launch only when the tenant certainly did not act
// on it: a 429 (refused before any work), or a connection that failed while
// it was being opened, before a byte of the request was sent. A 5xx, a
// timeout, or a connection lost after sending may have started the task,
// and a second POST would start a second one.
func launchRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return notSent(err), nil
	}
	return resp.StatusCode == http.StatusTooManyRequests, nil
}

// notSent reports whether err happened while dialling (connection refused,
// no route, DNS), so no part of the request reached the tenant.
func notSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// sameOriginRedirects refuses redirects to another scheme or host, so the
// bearer token is never sent anywhere but the configured tenant.
func sameOriginRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
		return fmt.Errorf("refusing a redirect from %s://%s to %s://%s: %w", first.Scheme, first.Host, req.URL.Scheme, req.URL.Host, errRedirectRefused)
	}
	return nil
}

// backoff honours the tenant's Retry-After (seconds or an HTTP date) on 429
// and 503, and otherwise backs off exponentially with full jitter, so many
// concurrent reads that hit a 5xx do not come back in lockstep.
// A Retry-After past maxWait never gets here (giveUpOnLongRetryAfter), and
// one that cannot be read falls back to the exponential backoff.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	minWait = min(minWait, maxWait) // else the jitter range below is negative
	if d, ok := retryAfter(resp, time.Now()); ok {
		return min(d, maxWait)
	}
	ceiling := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil)
	return minWait/2 + rand.N(ceiling-minWait/2+1)
}

// attemptsKey holds a *atomic.Int32 counting the attempts of one call.
type attemptsKey struct{}

// userAgentTransport names the provider in User-Agent on every attempt,
// token requests too.
type userAgentTransport struct {
	next      http.RoundTripper
	userAgent string
}

func (t *userAgentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") != t.userAgent {
		req = req.Clone(req.Context()) // a RoundTripper must not change its caller's request
		req.Header.Set("User-Agent", t.userAgent)
	}
	return t.next.RoundTrip(req)
}

// pacedLoggingTransport waits for the rate limiter before every attempt
// (retries included) and logs one line per exchange: method, path, status,
// attempt and duration. It never logs headers or bodies.
type pacedLoggingTransport struct {
	next    http.RoundTripper
	limiter *windowLimiter
	logger  Logger
}

func (t *pacedLoggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.limiter != nil {
		if err := t.limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	attempt := int32(1)
	if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok {
		attempt = n.Add(1)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if t.logger != nil {
		fields := map[string]any{
			"http_method": req.Method,
			"http_path":   req.URL.Path,
			"attempt":     attempt,
			"duration_ms": time.Since(start).Milliseconds(),
		}
		if err != nil {
			fields["error"] = err.Error()
		} else {
			fields["http_status"] = resp.StatusCode
			if ra := resp.Header.Get("Retry-After"); ra != "" {
				fields["retry_after"] = ra
			}
		}
		t.logger.Debug(ctx, "SailPoint API exchange", fields)
	}
	return resp, err
}

// apiRequest is one call to the tenant's API.
type apiRequest struct {
	method      string
	path        string // already escaped
	query       url.Values
	body        []byte // resent as is on a retry
	contentType string
	// experimental sends X-SailPoint-Experimental: true.
	experimental bool
	// launch marks a POST that starts a task: it is resent only when the
	// tenant certainly did not act on it (see launchRetry).
	launch bool
}

// get sends a GET to path (already escaped) with the bearer token and
// returns the status, headers and body of a 2xx answer. Other answers become
// an *APIError, a failed exchange a *TransportError.
func (c *Client) get(ctx context.Context, path string, query url.Values) (*http.Response, []byte, error) {
	return c.send(ctx, apiRequest{method: http.MethodGet, path: path, query: query,
		experimental: slices.Contains(experimentalVersions, c.apiVersion)})
}

// send makes one call with the bearer token, the client's pacing and the
// retry policy the request asks for.
func (c *Client) send(ctx context.Context, r apiRequest) (*http.Response, []byte, error) {
	method, path := r.method, r.path
	target := c.baseURL + path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	attempts := new(atomic.Int32)
	callCtx := context.WithValue(ctx, attemptsKey{}, attempts)
	if r.launch {
		callCtx = context.WithValue(callCtx, launchKey{}, true)
	}
	start := time.Now()

	for refreshed := false; ; refreshed = true {
		token, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, nil, err
		}
		var reqBody any
		if r.body != nil {
			reqBody = r.body
		}
		req, err := retryablehttp.NewRequestWithContext(callCtx, method, target, reqBody)
		if err != nil {
			return nil, nil, fmt.Errorf("building the request for %s: %w", path, err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		if r.contentType != "" {
			req.Header.Set("Content-Type", r.contentType)
		}
		if r.experimental {
			req.Header.Set("X-SailPoint-Experimental", "true")
		}

		resp, doErr := c.http.Do(req)
		if resp != nil && (errors.Is(doErr, errRedirectRefused) || cancelledBeforeRetry(ctx, r.launch, resp)) {
			resp.Body.Close()
			resp = nil
		}
		if resp == nil {
			if doErr == nil {
				doErr = errors.New("no response")
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				doErr = ctxErr
			}
			return nil, nil, &TransportError{Method: method, Path: path, Attempts: int(attempts.Load()), Elapsed: time.Since(start), Err: doErr}
		}
		body, err := c.readBody(resp, method, path, int(attempts.Load()), start)
		if err != nil {
			return nil, nil, err
		}
		// A cached token can be refused before its expiry (revoked, clock
		// skew): fetch a fresh one and try once more.
		if resp.StatusCode == http.StatusUnauthorized && !refreshed && c.tokens.Invalidate(token) {
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil, nil, c.apiError(method, path, resp, body, int(attempts.Load()))
		}
		return resp, body, nil
	}
}

// cancelledBeforeRetry reports whether the context ended while the client
// held an answer it would have retried, so the caller's cancellation is the
// outcome, not that answer. A launch keeps a 5xx answer: the task may have
// started, and only a 429 certainly did not start it.
func cancelledBeforeRetry(ctx context.Context, launch bool, resp *http.Response) bool {
	if ctx.Err() == nil {
		return false
	}
	if launch {
		return resp.StatusCode == http.StatusTooManyRequests
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
}

func (c *Client) readBody(resp *http.Response, method, path string, attempts int, start time.Time) ([]byte, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, &TransportError{Method: method, Path: path, Attempts: attempts, Elapsed: time.Since(start), Err: fmt.Errorf("%w: %w", errReadingBody, err)}
	}
	if int64(len(body)) > c.maxBody {
		return nil, &BodyTooLargeError{Method: method, Path: path, Limit: c.maxBody}
	}
	return body, nil
}

// methodOf is the method of the request resp answers.
func methodOf(resp *http.Response) string {
	if resp.Request != nil {
		return resp.Request.Method
	}
	return http.MethodGet
}

// decodeDocument decodes exactly one JSON document into out.
func decodeDocument(body []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(out); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON document")
	}
	return nil
}
