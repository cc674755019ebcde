package sailpoint

import (
	"net/http"
	"sync/atomic"
	"time"
)

// attemptsKey holds a *atomic.Int32 counting the attempts of one call.
type attemptsKey struct{}

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

// pacedLoggingTransport waits for the rate limiter before every attempt
// (retries included), tells it of every 429, and logs one line per
// exchange: method, path, status, attempt and duration. It never logs
// headers or bodies.
type pacedLoggingTransport struct {
	next    http.RoundTripper
	limiter *windowLimiter
	logger  Logger
}

func (t *pacedLoggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.limiter != nil {
		if err := t.limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	attempt := int32(1)
	if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok {
		attempt = n.Add(1)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if t.limiter != nil && err == nil {
		t.limiter.learn(ctx, resp)
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
