package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// httpClient is the HTTP client a retrying client sends through: the
// configured one, with transport, the timeout and the redirect rule.
func httpClient(cfg Config, template *http.Client, transport http.RoundTripper) *http.Client {
	hc := *template
	hc.Transport = transport
	hc.Timeout = cfg.RequestTimeout
	hc.CheckRedirect = sameOriginRedirects
	return &hc
}

// retryingClient sends through hc with the configured retries and
// backoff: token requests, whose 429s count among max_retries. API calls
// retry by the call (Client.retrying).
func retryingClient(cfg Config, hc *http.Client) *retryablehttp.Client {
	rc := retryablehttp.NewClient()
	rc.HTTPClient = hc
	rc.Logger = nil // exchanges are logged by pacedLoggingTransport
	rc.RetryMax = cfg.RetryMax
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
	rc.Backoff = backoff
	rc.CheckRetry = giveUpOnLongRetryAfter(cfg.RetryWaitMax, checkRetry)
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	return rc
}

// callState is what the attempts of one API call tell each other and its
// error: how many were sent, how many answered 429, how many were retried
// for any other reason, and the last failed answer.
type callState struct {
	attempts  atomic.Int32
	throttled int
	retries   int
	// outOfTime: the last 429 was not retried because the deadline would
	// come before the next attempt could go. lastThrottled: the last
	// answer was a 429 (so a deadline found the call waiting to retry it,
	// not waiting for an answer).
	outOfTime     bool
	lastThrottled bool
	// last is the last answer that was not a success (pacedLoggingTransport).
	last lastAnswer
	// slot is the start the limiter gave the attempt under way.
	slot slot
}

// pace waits for the limiter's start for the next attempt of a call.
func (c *Client) pace(ctx context.Context, st *callState) error {
	if c.limiter == nil {
		return nil
	}
	s, err := c.limiter.Wait(ctx)
	st.slot = s
	return err
}

// retrying is the go-retryablehttp client of one API call: a 429 is
// retried for as long as the call's deadline allows, any other failure the
// policy retries (launchRetry for a launch) at most max_retries times. A
// call without a deadline counts its 429s among max_retries, as before.
func (c *Client) retrying(st *callState, launch bool) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.hc,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     math.MaxInt32, // the policy bounds the retries
		CheckRetry:   c.retryPolicy(st, launch),
		Backoff: func(minWait, maxWait time.Duration, _ int, resp *http.Response) time.Duration {
			if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
				return backoff(minWait, maxWait, st.throttled-1, resp)
			}
			return backoff(minWait, maxWait, st.retries-1, resp)
		},
		// Before each retry, after the backoff: the limiter's start.
		PrepareRetry: func(req *http.Request) error { return c.pace(req.Context(), st) },
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// retryPolicy decides on each attempt of one call.
func (c *Client) retryPolicy(st *callState, launch bool) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		st.lastThrottled = resp != nil && resp.StatusCode == http.StatusTooManyRequests
		var budget *BudgetWaitError
		switch {
		case errors.Is(err, errRedirectRefused):
			return false, err
		case errors.As(err, &budget):
			return false, budget
		case ctx.Err() != nil:
			return false, ctx.Err()
		}
		if d, ok := retryAfter(resp, time.Now()); ok && d > c.retryWaitMax {
			if resp.StatusCode == http.StatusTooManyRequests {
				st.throttled++
			}
			return false, nil // giveUpOnLongRetryAfter
		}
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			st.throttled++
			deadline, bounded := ctx.Deadline()
			switch {
			case c.retryMax == 0, !launch && oneAttempt(ctx):
				return false, nil
			case !bounded:
				st.retries++
				return st.retries <= c.retryMax, nil
			}
			if wait, ok := retryAfter(resp, time.Now()); ok && time.Until(deadline) <= wait {
				st.outOfTime = true
				return false, nil
			}
			return true, nil
		}
		var retry bool
		switch {
		case launch:
			retry, err = launchRetry(ctx, resp, err)
		case oneAttempt(ctx):
			return false, nil
		default:
			retry, err = retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		}
		if !retry || err != nil {
			return retry, err
		}
		st.retries++
		return st.retries <= c.retryMax, nil
	}
}

// errRedirectRefused marks a redirect away from the tenant.
var errRedirectRefused = errors.New("the token is only sent to the configured tenant")

// checkRetry is the token requests' policy: go-retryablehttp's
// (connection errors, 429, 5xx but 501), except that a refused redirect
// is final.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if errors.Is(err, errRedirectRefused) {
		return false, err
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
