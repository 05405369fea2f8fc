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

	"github.com/simkit/simkit/internal/callopt"
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
	// Retry is this provider's retry policy, taken as given: it merges
	// field by field over DefaultRetry and the provider's own schedule (a
	// zero field inherits), so a policy with only Sleep set keeps the
	// default schedule with that sleeper.
	Retry retry.Policy
	// DefaultRetry is a policy set for every provider at once (the root
	// simkit.WithRetry), merged field by field over the provider's
	// schedule. Unlike Retry, a provider applies its safety limits to it:
	// the SMS client never retries a rate-limited call more than once
	// whatever it says, because that provider bans keys that hit its limit
	// five times in ten minutes. Fields Retry sets win.
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
	// Middleware wraps every attempt of every call, after signing and
	// before the rate limiter and the wire (see Middleware); the first
	// given is the outermost. A call's own WithMiddleware runs inside it.
	Middleware []Middleware
}

// NoLimit is a Limiter that never waits, for turning client-side pacing off.
var NoLimit store.Limiter = noLimit{}

type noLimit struct{}

func (noLimit) Wait(ctx context.Context) error { return ctx.Err() }

// CallOption changes one call's settings; every provider call accepts them.
type CallOption func(*callopt.Call)

// WithTimeout bounds each attempt of this call.
func WithTimeout(d time.Duration) CallOption {
	return func(c *callopt.Call) { c.Timeout = d }
}

// WithRetry changes the retry policy for this call: the fields p sets
// replace the client's, a zero field keeps the client's.
func WithRetry(p retry.Policy) CallOption {
	return func(c *callopt.Call) { c.Retry = &p }
}

// WithHeader adds a header to this call, e.g. a tracing id.
func WithHeader(key, value string) CallOption {
	return func(c *callopt.Call) {
		if c.Header == nil {
			c.Header = make(http.Header)
		}
		c.Header.Add(key, value)
	}
}

// WithResponse stores the call's response metadata into r once the call
// returns, as go-github's Response does: the last answer's status, request
// id and rate-limit state, every attempt, the look-ups a money call made
// and whether its result was recovered.
func WithResponse(r *Response) CallOption {
	return func(c *callopt.Call) { c.Response = r }
}

// Response describes a call: its last answer's metadata, and every
// attempt, look-up and recovery that led to the result.
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
	// History lists every attempt of the call, first to last (Attempts is
	// its length): a retried order shows each answer it got.
	History []Attempt
	// Lookups lists the calls a money call made to settle its outcome
	// after an ambiguous answer or a duplicate-id answer (an order found
	// by its external id, the orders history read), in order. The fields
	// above describe the money call itself, never a look-up.
	Lookups []Lookup
	// Recovered reports that the result was not the call's own answer but
	// found by a look-up or recorded by the fleet (see the provider's
	// Recovered fields).
	Recovered bool
}

// Attempt is one request a call sent.
type Attempt struct {
	// StatusCode is the answer's HTTP status; 0 when none came (a timeout,
	// a reset).
	StatusCode int
	// RequestID is the provider's request id of the answer, when sent.
	RequestID string
	// Err is why the attempt failed without a usable answer (a transport
	// error, a 2xx body that could not be read); an error status shows in
	// StatusCode.
	Err error
}

// Lookup is one call a money call made to settle its outcome.
type Lookup struct {
	// Op is the look-up's call label, e.g. "GET /orders".
	Op string
	// Attempts counts its attempts; StatusCode and RequestID are its last
	// answer's.
	Attempts   int
	StatusCode int
	RequestID  string
	// Err is why the look-up failed, when it did.
	Err error
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
