package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

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
	NoPacing bool
	// NoSharedPacing keeps the pacing to this client alone. Otherwise every
	// client on the machine with the same BaseURL, client id (or access
	// token), API version and RateWindow shares one budget through a
	// ledger of request times in LedgerDir.
	NoSharedPacing bool
	// LedgerDir holds the shared ledgers; "" means DefaultLedgerDir, in
	// the user's cache folder.
	LedgerDir    string
	MaxBodyBytes int64

	Logger Logger
}

// Logger receives one line per HTTP exchange. Fields never hold secrets.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
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
