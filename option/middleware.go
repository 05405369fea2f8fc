package option

import (
	"errors"
	"net/http"

	"github.com/simkit/simkit/internal/callopt"
)

// MiddlewareNext sends an attempt on: to the next middleware, then through
// the client-side rate limiter to the wire. It returns the provider's
// answer, whose body the SDK reads after the middleware returns.
type MiddlewareNext func(*http.Request) (*http.Response, error)

// Middleware wraps every attempt of a call, after the SDK has signed it
// and set its final headers (auth, signature, per-call headers) and before
// the client-side rate limiter and the wire. The SDK's retries run above
// it, so a retried call passes through the middleware once per attempt,
// freshly signed each time.
//
// A middleware may read and add headers (a signature over the final
// headers would break: add headers the provider does not sign), log,
// measure, or answer by itself without calling next. It must not change
// the body. It may call next at most once for a request the SDK sends at
// most once (a raw call not marked idempotent, an SMS buy, a top-up or a
// renewal): a second call returns ErrResent and sends nothing, and the
// request's body cannot be rewound, so the request cannot be re-sent
// through another client either. Retries belong to the SDK's retry policy,
// which knows which calls are safe to repeat. A middleware that returns an
// error without calling next has sent nothing: the call fails without
// being marked ambiguous. A middleware that reads the response body must
// put back one the SDK can read.
type Middleware func(req *http.Request, next MiddlewareNext) (*http.Response, error)

// ErrResent is what MiddlewareNext returns, without sending anything, when
// a middleware calls it a second time for a request that must reach the
// provider at most once.
var ErrResent = errors.New("simkit: middleware sent an at-most-once request twice")

// WithMiddleware wraps this call's attempts with mws, inside the client's
// own middleware (Shared.Middleware): the first given is the outermost.
func WithMiddleware(mws ...Middleware) CallOption {
	return func(c *callopt.Call) {
		for _, mw := range mws {
			c.Middleware = append(c.Middleware, mw)
		}
	}
}
