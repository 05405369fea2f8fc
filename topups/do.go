package topups

import (
	"context"
	"net/url"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// DoParams is the input of Do besides its method and path.
type DoParams struct {
	// Query is appended to the URL.
	Query url.Values
	// Body is sent as JSON: []byte and json.RawMessage as they are,
	// anything else marshalled. Nil sends no body.
	Body any
	// Idempotent lets the client's retry policy repeat the call after a
	// failure whose outcome is unknown (no answer, a 5xx). Set it only
	// where a repeat cannot do the work twice: otherwise the call reaches
	// the provider at most once, even a GET.
	Idempotent bool
	// Route labels the call in errors, logs and observer events: a path
	// template such as "/customer/v2/sims/{iccid}/usage", never a
	// concrete ICCID. Empty derives one from the
	// path: every segment holding a digit (except a version such as
	// v2), "@", "+" or an escape becomes {param}.
	Route string
}

// Do sends a request to an endpoint of the top-up API this package does
// not type (the partner v2 API it shares its shape with has many: eSIM
// lists, usage, asynchronous orders), through the same pipeline as the
// typed calls: the cached OAuth token, refreshed and the request replayed
// once on a 401 (the provider did not act on a refused request), the
// client's rate limit, retry policy and middleware, and the provider's
// error decoding (a non-2xx answer is an *apierror.Error whose Code and
// sentinel come from the provider's code). The call reaches the provider
// at most once unless p.Idempotent is set.
//
// path is below Options.BaseURL and starts with "/" (the API's own paths
// start with /customer/v2); its segments are escaped by the caller
// (url.PathEscape). out receives the whole answer ({"data", "meta"}
// included): nil discards it, a *[]byte takes the body as it came,
// anything else is decoded as JSON. Bad input (a method or path that
// cannot be sent, an out that is not a pointer) is ErrValidation before
// anything is sent.
func (c *Client) Do(ctx context.Context, method, path string, p DoParams, out any, opts ...option.CallOption) error {
	if err := c.ready(); err != nil {
		return err
	}
	req, err := transport.NewRawRequest(Provider, transport.RawCall{
		Method: method, Path: path, Query: p.Query, Body: p.Body, Idempotent: p.Idempotent, Route: p.Route,
	}, out)
	if err != nil {
		return err
	}
	resp, err := c.call(ctx, req, nil, opts)
	if err != nil {
		return err
	}
	return c.t.DecodeRaw(resp, out)
}
