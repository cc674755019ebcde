// Package sailpoint is a small client for the SailPoint Identity Security
// Cloud (ISC) APIs that start tasks and report on them: task status, and the
// launches a pipeline gates on. It knows nothing of Terraform: the provider
// maps what it returns.
//
// Where things are: the Client and its construction here, its Config in
// config.go, tokens in auth.go, the retry policy in retry.go, the
// transports (User-Agent, pacing, logging) in transport.go, one call in
// send.go, pacing in pace.go and the ledger that shares it between
// processes in ledger.go, the error types in errors.go and what each
// says about itself (method, transient, may have started) in classify.go.
package sailpoint

import (
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
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

// Client calls the task-status API of one tenant with one API version. It is
// safe for concurrent use; all calls share its token, connections and pacing.
type Client struct {
	baseURL    string
	apiVersion string
	hc         *http.Client // paced and logged; each call retries through it (retry.go)
	tokens     tokenSource
	limiter    *windowLimiter // nil without pacing
	maxBody    int64
	// What errors report: the longest Retry-After honoured, and the pacing.
	maxRetryAfter     time.Duration
	requestsPerWindow int
	rateWindow        time.Duration
	retryMax          int
	retryWaitMin      time.Duration
	retryWaitMax      time.Duration
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
		limiter.maxBlock, limiter.logger = cfg.RetryWaitMax, cfg.Logger
		if !cfg.NoSharedPacing {
			limiter.shared = newLedger(cfg.LedgerDir, ledgerName(cfg.BaseURL, cfg.ClientID, cfg.AccessToken, version, cfg.RateWindow))
		}
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
	api := httpClient(cfg, hc, &pacedLoggingTransport{next: base, limiter: limiter, logger: cfg.Logger})
	token := retryingClient(cfg, httpClient(cfg, hc, &pacedLoggingTransport{next: base, logger: cfg.Logger}))

	baseURL := strings.TrimRight(cfg.BaseURL, "/")
	c := &Client{
		baseURL:    baseURL,
		apiVersion: version,
		hc:         api,
		limiter:    limiter,
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

// APIVersion is the version this client calls.
func (c *Client) APIVersion() string { return c.apiVersion }
