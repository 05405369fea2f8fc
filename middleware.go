package simkit

import "github.com/simkit/simkit/option"

// Middleware wraps every attempt of a call after signing and before the
// rate limiter and the wire; see option.Middleware for what it may do and
// what the SDK enforces (at most one send of an at-most-once request).
type Middleware = option.Middleware

// MiddlewareNext sends an attempt on from a Middleware.
type MiddlewareNext = option.MiddlewareNext

// WithMiddleware wraps every provider's attempts with mws, the first given
// outermost; a provider's options may change Shared.Middleware for that
// provider alone. A call's option.WithMiddleware runs inside them.
func WithMiddleware(mws ...Middleware) Option {
	return func(o *Options) { o.Middleware = append(o.Middleware, mws...) }
}
