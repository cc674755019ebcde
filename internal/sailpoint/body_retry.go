package sailpoint

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// errReadingBody marks a TransportError whose answer began but was cut
// off, or was slower than the request timeout, while its body was read.
var errReadingBody = errors.New("reading the response body")

// getIdempotent is get for reads: an answer whose body was cut off or too
// slow is sent again, like any transport failure, up to RetryMax more times
// with the usual backoff. Only idempotent requests may use it: a launch
// whose answer was lost may still have started its task.
func (c *Client) getIdempotent(ctx context.Context, path string, query url.Values) (*http.Response, []byte, error) {
	return c.sendIdempotent(ctx, func() (*http.Response, []byte, error) { return c.get(ctx, path, query) }, http.MethodGet, path)
}

// sendIdempotent makes the call once, and again as getIdempotent says when
// the answer's body was cut off; method and path name it in errors.
func (c *Client) sendIdempotent(ctx context.Context, call func() (*http.Response, []byte, error), method, path string) (*http.Response, []byte, error) {
	start := time.Now()
	attempts := 0
	for retry := 0; ; retry++ {
		resp, body, err := call()
		if err == nil {
			return resp, body, nil
		}
		var te *TransportError
		var ae *APIError
		switch {
		case errors.As(err, &te):
			te.Attempts += attempts
			te.Elapsed = time.Since(start)
		case errors.As(err, &ae):
			ae.Attempts += attempts
		}
		if te == nil || !errors.Is(te, errReadingBody) || retry >= c.retryMax || ctx.Err() != nil || oneAttempt(ctx) {
			return nil, nil, err
		}
		attempts = te.Attempts
		if sleepCtx(ctx, backoff(c.retryWaitMin, c.retryWaitMax, retry, nil)) != nil {
			return nil, nil, &TransportError{Method: method, Path: path, Attempts: attempts, Elapsed: time.Since(start), Err: ctx.Err()}
		}
	}
}
