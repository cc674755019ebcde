package sailpoint

// Backoff exposes backoff to the external tests.
var Backoff = backoff

// NewAPIErrorForTest exposes newAPIError to the fuzz tests.
func NewAPIErrorForTest(method, path string, status int, body []byte) *APIError {
	return newAPIError(method, path, status, nil, body, 1)
}
