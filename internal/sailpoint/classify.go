package sailpoint

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Every error type of this package says about itself what callers decide
// on: which request it is about, whether it may clear by itself, and
// whether a launch it ended may still have started its task. A new error
// type answers these once, where it is declared.
type classified interface {
	error
	// requestMethod is the HTTP method of the request the error is about,
	// "" when it is about none (a token request).
	requestMethod() string
	// transient: a wait should log it and read again.
	transient() bool
	// mayHaveStarted: a launch that ended with it may have started its task.
	mayHaveStarted() bool
}

var (
	_ classified = (*APIError)(nil)
	_ classified = (*TokenError)(nil)
	_ classified = (*TransportError)(nil)
	_ classified = (*BudgetWaitError)(nil)
	_ classified = (*ThrottledError)(nil)
	_ classified = (*DecodeError)(nil)
	_ classified = (*BodyTooLargeError)(nil)
	_ classified = (*LimitError)(nil)
	_ classified = (*missingTaskIDError)(nil)
	_ classified = (*StaleTaskError)(nil)
	_ classified = (*UnsupportedOperationError)(nil)
)

// RequestMethod is the HTTP method of the request err is about; GET when
// err does not say.
func RequestMethod(err error) string {
	var c classified
	if errors.As(err, &c) && c.requestMethod() != "" {
		return c.requestMethod()
	}
	return http.MethodGet
}

// IsTransient reports whether err may clear by itself, so a wait should log
// it and read again: no answer or a cut-off one, an answer that is not JSON
// (a proxy's page), 408, 429 and 5xx but 501, and a token endpoint that
// failed the same ways. Refusals (401 after a fresh token, 403, 404,
// refused credentials), answers past the bounds, an answer about another
// task, and cancellation are permanent.
func IsTransient(err error) bool {
	var c classified
	return !errors.Is(err, context.Canceled) && errors.As(err, &c) && c.transient()
}

// MayHaveStarted reports whether a failed launch may still have started a
// task: the tenant answered 2xx with a body that could not be used, or 5xx,
// or the request was lost after it was sent (a timeout, a reset). Starting
// the launch again could then run the task twice.
func MayHaveStarted(err error) bool {
	var c classified
	return errors.As(err, &c) && c.mayHaveStarted()
}

func transientStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests ||
		status >= 500 && status != http.StatusNotImplemented
}

func (e *APIError) requestMethod() string { return e.Method }
func (e *APIError) transient() bool       { return transientStatus(e.StatusCode) }
func (e *APIError) mayHaveStarted() bool  { return e.StatusCode >= 500 }

func (e *TokenError) requestMethod() string { return "" }
func (e *TokenError) transient() bool       { return e.StatusCode == 0 || transientStatus(e.StatusCode) }

// mayHaveStarted is false: without a token the launch was never sent.
func (e *TokenError) mayHaveStarted() bool { return false }

func (e *TransportError) requestMethod() string { return e.Method }
func (e *TransportError) transient() bool       { return true }

// mayHaveStarted is false with no attempt (stopped while waiting to send:
// pacing, Ctrl-C) or when the connection failed while it was being opened.
func (e *TransportError) mayHaveStarted() bool { return e.Attempts > 0 && !notSent(e.Err) }

func (e *BudgetWaitError) requestMethod() string { return e.Method }

// transient: the budget frees up as time passes.
func (e *BudgetWaitError) transient() bool { return true }

// mayHaveStarted is false: the request was never sent, or a launch's
// attempts before were answered 429 or never connected (launchRetry
// resends nothing else).
func (e *BudgetWaitError) mayHaveStarted() bool { return false }

func (e *ThrottledError) requestMethod() string { return e.Last.Method }
func (e *ThrottledError) transient() bool       { return true }

// mayHaveStarted is false: every answer that ended an attempt of it was a
// 429 or a refusal before sending (a launch is resent after nothing else).
func (e *ThrottledError) mayHaveStarted() bool { return false }

func (e *DecodeError) requestMethod() string { return e.Method }

// transient: a proxy's page or a cut-off body may clear; an answer past the
// bounds or about another task will not.
func (e *DecodeError) transient() bool {
	var limitErr *LimitError
	return !errors.As(e.Err, &limitErr) && !errors.Is(e.Err, ErrWrongTask)
}
func (e *DecodeError) mayHaveStarted() bool { return true } // the tenant answered 2xx

func (e *BodyTooLargeError) requestMethod() string { return e.Method }
func (e *BodyTooLargeError) transient() bool       { return false }
func (e *BodyTooLargeError) mayHaveStarted() bool  { return true }

func (e *LimitError) requestMethod() string { return "" }
func (e *LimitError) transient() bool       { return false }
func (e *LimitError) mayHaveStarted() bool  { return true } // only 2xx answers are checked

func (e *missingTaskIDError) requestMethod() string { return e.Method }
func (e *missingTaskIDError) transient() bool       { return false }
func (e *missingTaskIDError) mayHaveStarted() bool  { return true }

// requestMethod is the method of the operation's request, which was never
// sent.
func (e *UnsupportedOperationError) requestMethod() string { return e.Method }
func (e *UnsupportedOperationError) transient() bool       { return false }
func (e *UnsupportedOperationError) mayHaveStarted() bool  { return false }

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
