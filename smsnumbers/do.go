package smsnumbers

import (
	"context"
	"net/url"
	"strings"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// DoParams is the input of Do besides its method and path.
type DoParams struct {
	// Query is appended to the URL (the provider's flags, such as
	// reuse=1 or voice=1 on a buy).
	Query url.Values
	// Body is sent as JSON: []byte and json.RawMessage as they are,
	// anything else marshalled. Nil sends no body.
	Body any
	// Idempotent lets the client's retry policy repeat the call after a
	// failure whose outcome is unknown (no answer, a 5xx). Leave it unset
	// for anything that spends money, GETs included (a buy is a GET):
	// the call then reaches the provider at most once.
	Idempotent bool
	// Route labels the call in errors, logs and observer events: a path
	// template such as "/v1/user/check/{id}", never a phone number or an
	// order id. Empty derives one from the
	// path: every segment holding a digit (except a version such as
	// v2), "@", "+" or an escape becomes {param}.
	Route string
}

// Do sends a request to an endpoint this package does not type, through
// the same pipeline as the typed calls: the token as "Authorization:
// Bearer" on every path except /v1/guest/... (which goes out without it,
// as the typed guest calls do), the client's pacing below the provider's
// per-key limit, its ban-safe retry policy and middleware, and the
// provider's error decoding: a known error text (even with status 200,
// such as "no free phones") or a non-2xx answer is an *apierror.Error
// with the sentinels the typed calls use, and an unknown path (which the
// provider redirects to its 404 page) is ErrNotFound. The call reaches the
// provider at most once unless p.Idempotent is set.
//
// path starts with "/" and its segments are escaped by the caller
// (url.PathEscape). out receives the whole answer: nil discards it, a
// *[]byte takes the body as it came, anything else is decoded as JSON. A
// 2xx answer in plain text is an error, as for the typed calls: a known
// text with its sentinel, any other ErrBadResponse with the text as its
// message. Bad input (a method or path that
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
	if !strings.HasPrefix(path, "/v1/guest/") {
		req.Header = *c.authHeader
	}
	// With no out the transport's unwrap still turns a plain-text
	// answer into the provider's error, as for the typed calls.
	resp, err := c.t.Do(ctx, req, nil, opts...)
	if err != nil {
		return err
	}
	return c.t.DecodeRaw(resp, out)
}
