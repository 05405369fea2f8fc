// Package callopt holds the per-call settings that option.CallOption
// functions change and the transport reads. It lives here, not in option,
// because users only ever build these settings through option's With*
// functions.
package callopt

import (
	"net/http"
	"time"

	"github.com/simkit/simkit/retry"
)

// Call holds the per-call settings a CallOption changes.
type Call struct {
	// Timeout overrides Shared.Timeout for this call's attempts.
	Timeout time.Duration
	// Retry overrides the client's retry policy for this call, field by
	// field (a zero field keeps the client's).
	Retry *retry.Policy
	// Header adds headers to this call (never overriding auth headers).
	Header http.Header
	// Response, when set, is the *option.Response that receives the last
	// attempt's response metadata (typed any: option imports this package).
	Response any
	// Middleware wraps this call's attempts inside the client's own; each
	// is an option.Middleware (typed any for the same reason).
	Middleware []any
}
