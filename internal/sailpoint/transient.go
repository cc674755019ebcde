package sailpoint

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// isTransient reports whether err may clear by itself, so a wait should
// log it and read again: no answer or a cut-off one, an answer that is not
// JSON (a proxy's page), 408, 429 and 5xx but 501, and a token endpoint
// that failed the same ways. Refusals (401 after a fresh token, 403, 404,
// refused credentials), answers past the bounds, an answer about another
// task, and cancellation are permanent.
func isTransient(err error) bool {
	var (
		apiErr    *APIError
		tokenErr  *TokenError
		transErr  *TransportError
		decodeErr *DecodeError
		limitErr  *LimitError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &apiErr):
		return transientStatus(apiErr.StatusCode)
	case errors.As(err, &tokenErr):
		return tokenErr.StatusCode == 0 || transientStatus(tokenErr.StatusCode)
	case errors.As(err, &transErr):
		return true
	case errors.As(err, &decodeErr):
		return !errors.As(err, &limitErr) && !errors.Is(err, ErrWrongTask)
	}
	return false
}

func transientStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests ||
		status >= 500 && status != http.StatusNotImplemented
}

// askedWait is how long the tenant asked to wait when it asked for more
// than the client honours; 0 otherwise.
func askedWait(err error) time.Duration {
	var apiErr *APIError
	var tokenErr *TokenError
	switch {
	case errors.As(err, &apiErr) && apiErr.RetryAfterRefused != nil:
		return apiErr.RetryAfterRefused.Asked
	case errors.As(err, &tokenErr) && tokenErr.RetryAfterRefused != nil:
		return tokenErr.RetryAfterRefused.Asked
	}
	return 0
}
