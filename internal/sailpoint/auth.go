package sailpoint

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource hands out the bearer token for API calls.
type tokenSource interface {
	// Token returns a valid access token, fetching one if needed.
	Token(ctx context.Context) (string, error)
	// bearer is Token with the token's expiry.
	bearer(ctx context.Context) (BearerToken, error)
	// Invalidate drops a token the tenant refused (a 401), so the next Token
	// call fetches a fresh one. It reports whether a fresh one can be had: a
	// static token cannot be refreshed.
	Invalidate(refused string) bool
}

// staticToken is an access token the user already holds.
type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }
func (s staticToken) Invalidate(string) bool                { return false }

// Its expiry is not known: the client never asks the tenant about it.
func (s staticToken) bearer(context.Context) (BearerToken, error) {
	return BearerToken{Value: string(s)}, nil
}

// BearerToken is the token the client sends with its API calls, and when
// it expires.
type BearerToken struct {
	Value string
	// Expiry is when the token endpoint said it expires (expires_in); zero
	// when that is not known: a configured access token, or an expires_in
	// that was missing, zero or negative.
	Expiry time.Time
}

// BearerToken returns the token the client sends with its API calls, with
// its expiry: the token it holds, or a new one fetched or renewed as for an
// API call (once a fifth of its life, at most a minute, is left), so a
// caller shares the client's one token and costs the tenant no request
// while it is fresh. A refusal of the credentials is a *TokenError.
func (c *Client) BearerToken(ctx context.Context) (BearerToken, error) { return c.tokens.bearer(ctx) }

// clientCredentials fetches tokens with the OAuth 2.0 client credentials grant
// (a personal access token is such a client id/secret pair). One token serves
// every concurrent call of a provider process; it is fetched on first use and
// again shortly before it expires.
//
// oauth2.ReuseTokenSource would cache too, but it ignores the caller's context
// (so Ctrl-C could not stop a token fetch) and cannot be told that the tenant
// refused a token; this is the small part it does, done with a context.
type clientCredentials struct {
	cfg  clientcredentials.Config
	http *http.Client
	now  func() time.Time
	// maxRetryAfter is the longest Retry-After the token client honours.
	maxRetryAfter time.Duration

	lock    chan struct{} // a mutex that a waiting caller can give up on
	mu      sync.Mutex    // guards the fields below
	tok     *oauth2.Token
	fetched time.Time
	// failure is the last failed fetch, shared with every caller for
	// failureTTL, so concurrent reads during an outage do not each run a
	// full retry cycle in turn. refused is a refusal of the credentials:
	// kept for the client's life, so bad credentials cost one token
	// request per run, not one per read (lockouts, alerts).
	failure  *TokenError
	failedAt time.Time
	refused  *TokenError
}

// failureTTL is how long a failed token fetch is the answer for everyone.
const failureTTL = 5 * time.Second

// TokenPath is where the tenant issues tokens, relative to the base URL.
const TokenPath = "/oauth/token"

func newClientCredentials(baseURL, clientID, clientSecret string, hc *http.Client, maxRetryAfter time.Duration) *clientCredentials {
	return &clientCredentials{
		cfg: clientcredentials.Config{
			ClientID:     clientID,
			ClientSecret: clientSecret,
			TokenURL:     baseURL + TokenPath,
			// One request, credentials in the form body, as the tenant expects;
			// auto-detection would first try HTTP Basic and so ask twice.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		http:          hc,
		now:           time.Now,
		maxRetryAfter: maxRetryAfter,
		lock:          make(chan struct{}, 1),
	}
}

// refreshMargin is how long before expiry a token is replaced: a fifth of its
// lifetime, at most a minute (about 60 s of the tenant's usual 750 s).
func refreshMargin(lifetime time.Duration) time.Duration {
	return min(lifetime/5, time.Minute)
}

func (c *clientCredentials) cached() (BearerToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok == nil || c.tok.AccessToken == "" {
		return BearerToken{}, false
	}
	if c.tok.Expiry.IsZero() {
		return c.held(), true
	}
	lifetime := c.tok.Expiry.Sub(c.fetched)
	if c.now().Add(refreshMargin(lifetime)).Before(c.tok.Expiry) {
		return c.held(), true
	}
	return BearerToken{}, false
}

// held is the token held. c.mu must be held.
func (c *clientCredentials) held() BearerToken {
	return BearerToken{Value: c.tok.AccessToken, Expiry: c.tok.Expiry}
}

// settled is the answer without a fetch: after refused credentials, their
// refusal; shortly after a failed renewal, the token still valid if there
// is one, else the same failure. ok is false when a fetch is due.
func (c *clientCredentials) settled() (tok BearerToken, err error, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refused != nil {
		return BearerToken{}, c.refused, true
	}
	if c.failure == nil || c.now().Sub(c.failedAt) >= failureTTL {
		return BearerToken{}, nil, false
	}
	if t, valid := c.stillValid(); valid {
		return t, nil, true
	}
	return BearerToken{}, c.failure, true
}

// stillValid is the cached token when it has not expired yet, inside the
// refresh margin or not. c.mu must be held.
func (c *clientCredentials) stillValid() (BearerToken, bool) {
	if c.tok == nil || c.tok.AccessToken == "" || !c.tok.Expiry.IsZero() && !c.now().Before(c.tok.Expiry) {
		return BearerToken{}, false
	}
	return c.held(), true
}

func (c *clientCredentials) Token(ctx context.Context) (string, error) {
	tok, err := c.bearer(ctx)
	return tok.Value, err
}

func (c *clientCredentials) bearer(ctx context.Context) (BearerToken, error) {
	if tok, ok := c.cached(); ok {
		return tok, nil
	}
	if tok, err, ok := c.settled(); ok {
		return tok, err
	}
	select {
	case c.lock <- struct{}{}:
	case <-ctx.Done():
		return BearerToken{}, ctx.Err()
	}
	defer func() { <-c.lock }()
	// Another caller may have fetched one, or failed to, while this one waited.
	if tok, ok := c.cached(); ok {
		return tok, nil
	}
	if tok, err, ok := c.settled(); ok {
		return tok, err
	}
	fetched := c.now()
	tok, err := c.cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, c.http))
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		te := c.tokenError(ctx, err)
		if ctx.Err() != nil {
			return BearerToken{}, te // this caller gave up; that says nothing of the endpoint
		}
		c.failure, c.failedAt = te, c.now()
		if te.credentialsRefused() {
			c.refused = te
		}
		// A renewal inside the refresh margin failed: the old token still
		// works until it expires.
		if t, valid := c.stillValid(); valid && !te.credentialsRefused() {
			return t, nil
		}
		return BearerToken{}, te
	}
	// expires_in <= 0 says nothing usable about the token's life: use it
	// until the tenant refuses it (a 401 fetches a fresh one), rather than
	// fetch a token before every request.
	if !tok.Expiry.IsZero() && !tok.Expiry.After(fetched) {
		tok.Expiry = time.Time{}
	}
	c.tok, c.fetched, c.failure = tok, fetched, nil
	return c.held(), nil
}

func (c *clientCredentials) Invalidate(refused string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && c.tok.AccessToken == refused {
		c.tok = nil
	}
	return true
}

// credentialsRefused reports whether the endpoint refused the client id
// and secret themselves, which no retry within a run can change.
func (e *TokenError) credentialsRefused() bool {
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusBadRequest
}

// tokenError turns what the oauth2 package returns into a TokenError that
// holds no secret: the endpoint's raw body is left out on purpose, and its
// description is cleaned and has the secret masked.
func (c *clientCredentials) tokenError(ctx context.Context, err error) *TokenError {
	tokenURL := redactUserinfo(c.cfg.TokenURL)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &TokenError{URL: tokenURL, Err: ctxErr}
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		te := &TokenError{URL: tokenURL, StatusCode: re.Response.StatusCode, Code: re.ErrorCode, Detail: re.ErrorDescription}
		if te.Code == "" && te.Detail == "" {
			er := decodeErrorBody(re.Body)
			te.Detail = er.Error + " " + er.Message
		}
		te.Code = CleanText(maskSecret(te.Code, c.cfg.ClientSecret))
		te.Detail = CleanText(maskSecret(te.Detail, c.cfg.ClientSecret))
		te.RetryAfter = CleanText(re.Response.Header.Get("Retry-After"))
		te.RetryAfterRefused = retryAfterRefusal(re.Response, c.maxRetryAfter)
		return te
	}
	// The error names the URL once: not the client's "Post <url>: " too.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &TokenError{URL: tokenURL, Err: err}
}
