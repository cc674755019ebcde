package sailpoint

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"time"
)

// callKey holds the *callState of one call (retry.go).
type callKey struct{}

// lastAnswer is the last answer of one call that was not a success, so a
// call whose time runs out between retries can still say what the tenant
// last answered (callState.last).
type lastAnswer struct {
	mu     sync.Mutex
	status int
	header http.Header
	body   bytes.Buffer // the start of it
}

// lastAnswerBytes bounds what is kept of a failed answer's body: enough
// for an error document's trackingId and message.
const lastAnswerBytes = 8 << 10

// record keeps resp as the call's last failed answer; its body is kept as
// it is read (retries drain it before the next attempt).
func (a *lastAnswer) record(resp *http.Response) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status, a.header = resp.StatusCode, resp.Header.Clone()
	a.body.Reset()
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(resp.Body, &limitedWriter{w: &a.body, n: lastAnswerBytes, mu: &a.mu}), resp.Body}
}

// limitedWriter writes at most n bytes to w under mu and drops the rest.
type limitedWriter struct {
	w  io.Writer
	n  int
	mu *sync.Mutex
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n > 0 {
		k := min(len(p), l.n)
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

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
// call (a 429 lowers the pace, the others raise it again), keeps the
// call's last failed answer, and logs one line per exchange: method, path,
// status, attempt and duration. It never logs headers or bodies. The wait
// for the limiter comes before the http.Client (Client.pace): inside it,
// request_timeout would bound it.
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
	if call && err == nil && (resp.StatusCode < 200 || resp.StatusCode > 299) {
		st.last.record(resp)
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
