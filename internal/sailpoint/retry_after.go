package sailpoint

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// foreverWait stands for a Retry-After too large to represent: it is past
// any bound, and never overflows into a negative wait.
const foreverWait = time.Duration(math.MaxInt64)

// retryAfter is how long the tenant asked to wait before the next attempt,
// from the Retry-After of a 429 or 503: delay-seconds or an HTTP date. ok
// is false when there is none, or it is not one of those forms; the usual
// backoff then applies. Seconds past what a Duration holds are foreverWait.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil || secs > uint64(foreverWait/time.Second) {
			return foreverWait, true // digits only, just too many of them
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// giveUpOnLongRetryAfter wraps a retry policy: when the tenant asks for a
// longer wait than maxWait, the answer is final at once, so a read neither
// sleeps for an hour nor hides the 429 behind a timeout. It applies to any
// request sent through a client built by retryingClient, token requests
// included.
func giveUpOnLongRetryAfter(maxWait time.Duration, next retryablehttp.CheckRetry) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if d, ok := retryAfter(resp, time.Now()); ok && d > maxWait {
			return false, nil
		}
		return next(ctx, resp, err)
	}
}

// RetryAfterRefusal is set on errors whose answer asked for a longer wait
// than the client honours, so no retry was made.
type RetryAfterRefusal struct {
	Asked time.Duration // foreverWait when too large to hold
	Limit time.Duration // the longest wait the client honours
}

// retryAfterRefusal describes resp's Retry-After when it is past maxWait.
func retryAfterRefusal(resp *http.Response, maxWait time.Duration) *RetryAfterRefusal {
	if d, ok := retryAfter(resp, time.Now()); ok && d > maxWait {
		return &RetryAfterRefusal{Asked: d, Limit: maxWait}
	}
	return nil
}

// AskedText is the asked wait in words.
func (r *RetryAfterRefusal) AskedText() string {
	if r.Asked == foreverWait {
		return "longer than this client can represent"
	}
	return r.Asked.String()
}
