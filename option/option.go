// Package option holds the settings every simkit provider client shares
// (HTTP client, timeout, retry policy, rate limit, logger, clock, store) and
// the per-call options every call accepts. Provider packages embed Shared in
// their own Options, so one set of field names works everywhere.
package option

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/store"
)

// Shared are the settings common to every provider client. The zero value
// is usable: each nil or zero field gets the default named on it.
type Shared struct {
	// HTTPClient sends the requests. simkit copies it and wraps its
	// Transport with the rate limiter; it never follows redirects. Nil means
	// a client over Transport.
	HTTPClient *http.Client
	// Transport is the connection pool used when HTTPClient is nil. The root
	// simkit.Client shares one among all providers. Nil means a new tuned
	// *http.Transport per client.
	Transport http.RoundTripper
	// Timeout bounds each attempt (not the whole call with its retries).
	// Zero means 30 s.
	Timeout time.Duration
	// Retry is this provider's retry policy, taken as given (a zero
	// MaxAttempts means the provider's default schedule, keeping Sleep,
	// Retryable and NoJitter).
	Retry retry.Policy
	// DefaultRetry is a policy set for every provider at once (the root
	// simkit.WithRetry). Unlike Retry, a provider applies its safety limits
	// to it: the SMS client never retries a rate-limited call more than
	// once whatever it says, because that provider bans keys that hit its
	// limit five times in ten minutes. Retry, when set, wins.
	DefaultRetry retry.Policy
	// Limiter paces requests (client-side rate limit). Nil means the
	// provider's default pace; use NoLimit to disable pacing.
	Limiter store.Limiter
	// Logger receives one debug line per attempt and a warning per retry;
	// never headers, bodies or secrets. Nil discards logs.
	Logger *slog.Logger
	// UserAgent is appended to simkit's own User-Agent.
	UserAgent string
	// Now is the clock for signatures, caches and webhook tolerance. Nil
	// means time.Now.
	Now func() time.Time
	// Store keeps dedupe keys, caches, gates and tokens. Nil means a
	// process-local store.NewMemory().
	Store store.Store
	// MaxResponseBytes caps a response body. Zero means 8 MiB.
	MaxResponseBytes int
	// Observer receives every call, attempt, limiter wait, cache and
	// dedupe hit, webhook delivery and wait progress (see package
	// observe; contrib/otel turns them into OpenTelemetry spans and
	// metrics). Nil observes nothing, at no cost.
	Observer observe.Observer
	// RequestIDHeader names the header the provider returns its request
	// id in, shown in errors, logs and observer events. Empty means the
	// provider's own (X-Request-Id for every provider today).
	RequestIDHeader string
}

// NoLimit is a Limiter that never waits, for turning client-side pacing off.
var NoLimit store.Limiter = noLimit{}

type noLimit struct{}

func (noLimit) Wait(ctx context.Context) error { return ctx.Err() }

// Call holds the per-call settings a CallOption changes.
type Call struct {
	// Timeout overrides Shared.Timeout for this call's attempts.
	Timeout time.Duration
	// Retry overrides the client's retry policy for this call.
	Retry *retry.Policy
	// Header adds headers to this call (never overriding auth headers).
	Header http.Header
	// Response, when set, receives the last attempt's response metadata.
	Response *Response
}

// CallOption changes one call's settings; every provider call accepts them.
type CallOption func(*Call)

// WithTimeout bounds each attempt of this call.
func WithTimeout(d time.Duration) CallOption {
	return func(c *Call) { c.Timeout = d }
}

// WithRetry replaces the retry policy for this call.
func WithRetry(p retry.Policy) CallOption {
	return func(c *Call) { c.Retry = &p }
}

// WithHeader adds a header to this call, e.g. a tracing id.
func WithHeader(key, value string) CallOption {
	return func(c *Call) {
		if c.Header == nil {
			c.Header = make(http.Header)
		}
		c.Header.Add(key, value)
	}
}

// WithResponse stores the call's response metadata (status, request id,
// attempts, rate-limit state) into r once the call returns, as go-github's
// Response does.
func WithResponse(r *Response) CallOption {
	return func(c *Call) { c.Response = r }
}

// Response is the metadata of the last attempt of a call.
type Response struct {
	// StatusCode is the HTTP status of the last answer.
	StatusCode int
	// Header holds the last answer's headers.
	Header http.Header
	// RequestID is the provider's request id of the last answer, read from
	// the provider's request-id header.
	RequestID string
	// Attempts counts the attempts the call made, the first included.
	Attempts int
	// RateLimit is the provider's rate-limit state after the last answer.
	RateLimit RateLimit
}

// RateLimit is the provider's rate-limit state as its headers reported it;
// fields are zero when the provider sent none.
type RateLimit struct {
	// Limit is the number of requests allowed in the provider's window.
	Limit int
	// Remaining is how many of them are left.
	Remaining int
	// Reset is when the window starts over.
	Reset time.Time
	// RetryAfter is the provider's Retry-After, when it sent one.
	RetryAfter time.Duration
}
