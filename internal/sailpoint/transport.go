package sailpoint

import (
	"net/http"
	"time"
)

// callKey holds the *callState of one call (retry.go).
type callKey struct{}

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

// pacedLoggingTransport tells the rate limiter of every answer to an API
// call (a 429 lowers the pace, the others raise it again), and logs one
// line per exchange: method, path, status, attempt and duration. It never
// logs headers or bodies. The wait for the limiter comes before the
// http.Client (Client.pace): inside it, request_timeout would bound it.
type pacedLoggingTransport struct {
	next    http.RoundTripper
	limiter *windowLimiter
	logger  Logger
}

func (t *pacedLoggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	attempt := int32(1)
	st, call := ctx.Value(callKey{}).(*callState)
	if call {
		attempt = st.attempts.Add(1)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if t.limiter != nil && call && err == nil {
		t.limiter.learn(ctx, st.slot, resp)
	}
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
