package transport

import (
	"net/http"

	"golang.org/x/time/rate"

	"github.com/simkit/simkit/store"
)

// limitedTransport blocks each request until the limiter admits it. It sits
// under resty, so every attempt (retries included) is paced, and the wait
// ends as soon as the request's context does.
type limitedTransport struct {
	base    http.RoundTripper
	limiter store.Limiter
}

// RoundTrip implements http.RoundTripper.
func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(req.Context()); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &waitError{err: err}
	}
	return t.base.RoundTrip(req)
}

// waitError marks a request the limiter refused to admit (its wait would
// outlast the deadline), so Do reports it as rate limiting, not as a
// network failure worth retrying.
type waitError struct{ err error }

func (e *waitError) Error() string { return "client-side rate limit: " + e.err.Error() }
func (e *waitError) Unwrap() error { return e.err }

// NewLimiter returns a token-bucket limiter admitting perSecond requests per
// second with the given burst; *rate.Limiter's Wait honours ctx.
func NewLimiter(perSecond float64, burst int) *rate.Limiter {
	if burst < 1 {
		burst = 1
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}
