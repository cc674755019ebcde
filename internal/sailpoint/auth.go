package sailpoint

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TokenSource hands out the bearer token for API calls.
type TokenSource interface {
	// Token returns a valid access token, fetching one if needed.
	Token(ctx context.Context) (string, error)
	// Invalidate drops a token the tenant refused (a 401), so the next Token
	// call fetches a fresh one. It reports whether a fresh one can be had: a
	// static token cannot be refreshed.
	Invalidate(refused string) bool
}

// staticToken is an access token the user already holds.
type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }
func (s staticToken) Invalidate(string) bool                { return false }

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

	lock    chan struct{} // a mutex that a waiting caller can give up on
	mu      sync.Mutex    // guards tok and fetched
	tok     *oauth2.Token
	fetched time.Time
}

// TokenPath is where the tenant issues tokens, relative to the base URL.
const TokenPath = "/oauth/token"

func newClientCredentials(baseURL, clientID, clientSecret string, hc *http.Client) *clientCredentials {
	return &clientCredentials{
		cfg: clientcredentials.Config{
			ClientID:     clientID,
			ClientSecret: clientSecret,
			TokenURL:     baseURL + TokenPath,
			// One request, credentials in the form body, as the tenant expects;
			// auto-detection would first try HTTP Basic and so ask twice.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		http: hc,
		now:  time.Now,
		lock: make(chan struct{}, 1),
	}
}

// refreshMargin is how long before expiry a token is replaced: a fifth of its
// lifetime, at most a minute (about 60 s of the tenant's usual 750 s).
func refreshMargin(lifetime time.Duration) time.Duration {
	return min(lifetime/5, time.Minute)
}

func (c *clientCredentials) cached() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok == nil || c.tok.AccessToken == "" {
		return "", false
	}
	if c.tok.Expiry.IsZero() {
		return c.tok.AccessToken, true
	}
	lifetime := c.tok.Expiry.Sub(c.fetched)
	if c.now().Add(refreshMargin(lifetime)).Before(c.tok.Expiry) {
		return c.tok.AccessToken, true
	}
	return "", false
}

func (c *clientCredentials) Token(ctx context.Context) (string, error) {
	if tok, ok := c.cached(); ok {
		return tok, nil
	}
	select {
	case c.lock <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.lock }()
	// Another caller may have fetched one while this one waited.
	if tok, ok := c.cached(); ok {
		return tok, nil
	}
	fetched := c.now()
	tok, err := c.cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, c.http))
	if err != nil {
		return "", tokenError(ctx, err)
	}
	c.mu.Lock()
	c.tok, c.fetched = tok, fetched
	c.mu.Unlock()
	return tok.AccessToken, nil
}

func (c *clientCredentials) Invalidate(refused string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && c.tok.AccessToken == refused {
		c.tok = nil
	}
	return true
}

// tokenError turns what the oauth2 package returns into a TokenError that
// holds no secret: the endpoint's raw body is left out on purpose.
func tokenError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &TokenError{Err: ctxErr}
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		te := &TokenError{StatusCode: re.Response.StatusCode, Code: re.ErrorCode, Detail: re.ErrorDescription}
		if te.Code == "" && te.Detail == "" {
			er := DecodeErrorBody(re.Body)
			te.Detail = strings.TrimSpace(er.Error + " " + er.Message)
		}
		return te
	}
	return &TokenError{Err: err}
}
