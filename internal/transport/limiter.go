package transport

import (
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// limitedTransport blocks each request until the limiter admits it. It sits
// under resty, so every attempt (retries included) is paced, and the wait
// ends as soon as the request's context does.
type limitedTransport struct {
	base     http.RoundTripper
	limiter  store.Limiter
	obs      observe.Observer // nil: waits are not reported
	provider string
}

// RoundTrip implements http.RoundTripper.
func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.wait(req); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &waitError{err: err}
	}
	return t.base.RoundTrip(req)
}

// wait holds req until the limiter admits it, reporting the wait to the
// observer when there is one.
func (t *limitedTransport) wait(req *http.Request) error {
	ctx := req.Context()
	if t.obs == nil {
		return t.limiter.Wait(ctx)
	}
	start := time.Now()
	err := t.limiter.Wait(ctx)
	a := attemptFrom(ctx)
	t.obs.LimiterWait(ctx, observe.LimiterWait{Provider: t.provider, Route: a.route, Attempt: a.attempt,
		Limiter: observe.LimiterPace, Waited: time.Since(start), Admitted: err == nil, Err: err})
	return err
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
