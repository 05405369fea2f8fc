package transport

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"

	"github.com/simkit/simkit/option"
)

// middlewareTransport runs the user's middleware around each attempt. It
// sits under resty, so the request it hands over carries the attempt's
// final headers (signature included), and above the limiter and
// onceTransport, so every request a middleware passes on is paced and
// cannot be replayed by net/http. The client's middleware (Shared) is the
// outermost; a call's own (option.WithMiddleware) travels on the
// request's context and runs inside it.
type middlewareTransport struct {
	base http.RoundTripper
	mws  []option.Middleware
}

// callMiddlewareKey carries a call's own middleware on its context.
type callMiddlewareKey struct{}

// withCallMiddleware puts a call's middleware on ctx; nothing when none.
// Each element is an option.Middleware (callopt holds them as any: option
// imports callopt).
func withCallMiddleware(ctx context.Context, given []any) context.Context {
	if len(given) == 0 {
		return ctx
	}
	mws := make([]option.Middleware, 0, len(given))
	for _, g := range given {
		if mw, ok := g.(option.Middleware); ok && mw != nil {
			mws = append(mws, mw)
		}
	}
	return context.WithValue(ctx, callMiddlewareKey{}, mws)
}

// RoundTrip implements http.RoundTripper.
func (t *middlewareTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	own, _ := ctx.Value(callMiddlewareKey{}).([]option.Middleware)
	if len(t.mws) == 0 && len(own) == 0 {
		return t.base.RoundTrip(req)
	}
	once := ctx.Value(onceKey{}) != nil
	if once {
		// The middleware gets a body it cannot rewind: even a request
		// it sends through another client cannot go out twice from it.
		r := req.WithContext(ctx)
		r.Body = &onceBody{rc: req.Body}
		r.GetBody = nil
		req = r
	}
	var sent atomic.Int32
	next := option.MiddlewareNext(func(r *http.Request) (*http.Response, error) {
		if sent.Add(1) > 1 && once {
			return nil, option.ErrResent
		}
		return t.base.RoundTrip(r)
	})
	// Chain from the innermost out: the call's last middleware wraps
	// next, the client's first wraps everything.
	for i := len(own) - 1; i >= 0; i-- {
		next = wrap(own[i], next)
	}
	for i := len(t.mws) - 1; i >= 0; i-- {
		next = wrap(t.mws[i], next)
	}
	resp, err := next(req)
	if err != nil && sent.Load() == 0 {
		// The middleware refused by itself: nothing reached the wire.
		return resp, &notSentError{err: err}
	}
	return resp, err
}

// wrap binds one middleware to what it wraps.
func wrap(mw option.Middleware, next option.MiddlewareNext) option.MiddlewareNext {
	return func(r *http.Request) (*http.Response, error) { return mw(r, next) }
}

// notSentError marks an attempt a middleware ended without passing it on:
// like a refused connection, it proves the provider saw nothing.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return "middleware: " + e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// notSent reports whether err proves an attempt never left a middleware.
func notSent(err error) bool {
	var ns *notSentError
	return errors.As(err, &ns)
}
