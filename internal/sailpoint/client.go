// Package sailpoint is a small client for the SailPoint Identity Security
// Cloud (ISC) APIs that start tasks and report on them: task status, and the
// launches a pipeline gates on. It knows nothing of Terraform: the provider
// maps what it returns.
//
// Where things are:
//   - operations.go: every call the client makes, each declared once (its
//     paths per API version, what it needs, for a launch its answer, where
//     the job's id is and how the job is read), and what each launch takes;
//     the SP-Config export and import jobs among them;
//   - start.go: a launch prepared from its declaration and sent once;
//   - spconfig.go: SP-Config jobs read, waited for and downloaded, and what
//     they take; spconfig_document.go: a document and its hash;
//     spconfig_options.go: the checks of their options;
//   - task_status.go: TaskStatus, one task read, the list and its pages;
//   - wait.go: the waiter and the loop behind every wait; schedule.go:
//     the pauses of a wait for a task, timed from its progress and earlier
//     runs; history.go: those earlier runs, one list read;
//   - idle_source.go: a source's running tasks, the wait until it is idle
//     and the wait until a task just started is listed;
//   - clear_task.go: clearing a pending task (PATCH);
//   - aggregation_status.go: a running account aggregation's counts;
//   - client.go: the Client and its construction; config.go: its Config
//     and the rules it is checked by;
//   - auth.go: tokens; retry.go: the retry policy of each call (429s within
//     its deadline, launchRetry for launches) and backoff; retry_after.go:
//     Retry-After; transport.go: the transports that name the provider,
//     tell the pacing of each answer and log; send.go: one call, paced;
//     body_retry.go: a read sent again when its body was cut off;
//   - pace.go: pacing under the tenant's rate limit; pace_rules.go: what
//     the tenant's 429s teach it (a lower rate, probes back up, longer
//     blocks); ledger.go: the ledger that shares it between processes on
//     one machine, its folder opened safely in ledger_unix.go;
//   - errors.go: the error types; classify.go: what each says of itself
//     (method, transient, may have started);
//   - limits.go: the bounds every answer is checked against before it is
//     decoded; text.go: tenant text made safe to print.
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

// Client calls the ISC APIs of one tenant with one API version. It is
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
	// searchBound replaces MaxTasksSearched in tests; 0 keeps it.
	searchBound int
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

// BaseURL is the tenant's API base URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }
