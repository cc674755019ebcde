package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

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
	if oneAttempt(ctx) {
		return false, nil
	}
	return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
}

// oneAttemptKey marks the context of a call made once, never retried.
type oneAttemptKey struct{}

func oneAttempt(ctx context.Context) bool {
	once, _ := ctx.Value(oneAttemptKey{}).(bool)
	return once
}

// OneAttempt makes the calls under ctx one attempt each: for a read whose
// failure costs nothing (a progress line's counts), so that it never holds
// up what waits on it.
func OneAttempt(ctx context.Context) context.Context {
	return context.WithValue(ctx, oneAttemptKey{}, true)
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
