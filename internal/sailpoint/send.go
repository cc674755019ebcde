package sailpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// apiRequest is one call to the tenant's API.
type apiRequest struct {
	method string
	path   string // already escaped
	query  url.Values
	body   []byte // resent as is on a retry
	// stream, when set, is the body instead: a launch's multipart body,
	// its files streamed from disk, opened once for its length (which sets
	// Content-Length) and anew for each attempt, so a large upload is never
	// held whole in memory.
	stream      *segments
	contentType string
	// experimental sends X-SailPoint-Experimental: true.
	experimental bool
	// launch marks a POST that starts a job: it is resent only when the
	// tenant certainly did not act on it (see launchRetry).
	launch bool
	// maxBody bounds the answer's body; 0 means the client's MaxBodyBytes.
	maxBody int64
}

// get sends a GET to path (already escaped) with the bearer token and
// returns the status, headers and body of a 2xx answer. Other answers become
// an *APIError, a failed exchange a *TransportError.
func (c *Client) get(ctx context.Context, path string, query url.Values) (*http.Response, []byte, error) {
	return c.send(ctx, apiRequest{method: http.MethodGet, path: path, query: query,
		experimental: slices.Contains(readExperimental, c.apiVersion)})
}

// send makes one call with the bearer token, the client's pacing and the
// retry policy the request asks for.
func (c *Client) send(ctx context.Context, r apiRequest) (*http.Response, []byte, error) {
	method, path := r.method, r.path
	target := c.baseURL + path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	st := &callState{}
	attempts := &st.attempts
	callCtx := context.WithValue(ctx, callKey{}, st)
	rc := c.retrying(st, r.launch)
	start := time.Now()

	for refreshed := false; ; refreshed = true {
		token, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, nil, err
		}
		var reqBody any
		switch {
		case r.stream != nil:
			reqBody = retryablehttp.ReaderFunc(r.stream.open)
		case r.body != nil:
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

		var resp *http.Response
		doErr := c.pace(callCtx, st)
		if doErr == nil {
			resp, doErr = rc.Do(req)
		}
		var budget *BudgetWaitError
		if errors.As(doErr, &budget) {
			if resp != nil {
				resp.Body.Close()
			}
			budget.Method, budget.Path, budget.Attempts = method, path, int(attempts.Load())
			if st.lastThrottled {
				return nil, nil, c.throttledError(st, method, path, start, budget)
			}
			return nil, nil, budget
		}
		if resp != nil && (errors.Is(doErr, errRedirectRefused) || cancelledBeforeRetry(ctx, r.launch, resp)) {
			resp.Body.Close()
			resp = nil
		}
		if resp == nil {
			if doErr == nil {
				doErr = errors.New("no response")
			}
			te := &TransportError{Method: method, Path: path, Attempts: int(attempts.Load()), Elapsed: time.Since(start), Err: doErr}
			if ctxErr := ctx.Err(); ctxErr != nil {
				if errors.Is(ctxErr, context.DeadlineExceeded) && st.lastThrottled {
					// The deadline came during the wait a 429 asked for.
					return nil, nil, c.throttledError(st, method, path, start, nil)
				}
				te.Err = ctxErr
				te.Last = c.lastAnswerError(method, path, &st.last, te.Attempts)
			}
			return nil, nil, te
		}
		limit := c.maxBody
		if r.maxBody > 0 {
			limit = r.maxBody
		}
		body, err := c.readBody(resp, method, path, int(attempts.Load()), start, limit)
		if err != nil {
			return nil, nil, err
		}
		// A cached token can be refused before its expiry (revoked, clock
		// skew): fetch a fresh one and try once more.
		if resp.StatusCode == http.StatusUnauthorized && !refreshed && c.tokens.Invalidate(token) {
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			if resp.StatusCode == http.StatusTooManyRequests && st.outOfTime {
				return nil, nil, c.throttledError(st, method, path, start, nil)
			}
			return nil, nil, c.apiError(method, path, resp, body, int(attempts.Load()))
		}
		return resp, body, nil
	}
}

// throttledError is the error of a call the tenant kept answering 429
// until its deadline, its last answer the 429 kept in st.last; budget is
// the wait for the provider's own budget that ended it, if one did.
func (c *Client) throttledError(st *callState, method, path string, start time.Time, budget *BudgetWaitError) *ThrottledError {
	attempts := int(st.attempts.Load())
	return &ThrottledError{
		Last:      c.lastAnswerError(method, path, &st.last, attempts),
		Throttled: st.throttled,
		Attempts:  attempts,
		Elapsed:   time.Since(start),
		Budget:    budget,
	}
}

// lastAnswerError is the call's last failed answer as an *APIError; nil
// when every attempt so far failed without one.
func (c *Client) lastAnswerError(method, path string, last *lastAnswer, attempts int) *APIError {
	last.mu.Lock()
	defer last.mu.Unlock()
	if last.status == 0 {
		return nil
	}
	resp := &http.Response{StatusCode: last.status, Header: last.header}
	return c.apiError(method, path, resp, bytes.Clone(last.body.Bytes()), attempts)
}

func (c *Client) readBody(resp *http.Response, method, path string, attempts int, start time.Time, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &TransportError{Method: method, Path: path, Attempts: attempts, Elapsed: time.Since(start), Err: fmt.Errorf("%w: %w", errReadingBody, err)}
	}
	if int64(len(body)) > limit {
		return nil, &BodyTooLargeError{Method: method, Path: path, Limit: limit}
	}
	return body, nil
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
