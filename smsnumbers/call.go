package smsnumbers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// call sends req and returns its decoded answer, for the many calls that
// return one object.
func call[T any](ctx context.Context, c *Client, req *transport.Request, opts []option.CallOption) (*T, error) {
	var out T
	if err := c.send(ctx, req, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// send sends req and decodes its 2xx JSON body into out (nil: the body is
// only checked for an error text), through unwrap.
func (c *Client) send(ctx context.Context, req *transport.Request, out any, opts []option.CallOption) error {
	_, err := c.t.Do(ctx, req, out, opts...)
	return err
}

// unwrap is the transport's Unwrap hook. The body is inspected before
// decoding because this API answers some errors ("no free phones" on a
// buy) with status 200 and a plain-text body; decoding that as an order
// would hand the caller an empty order instead of an error.
func unwrap(resp *transport.Response, out any) *apierror.Error {
	if msg := errorText(resp.Body); msg != "" {
		kind := kindForText(msg)
		if kind == nil {
			kind = apierror.ErrBadResponse
		}
		return &apierror.Error{Message: msg, Kind: kind}
	}
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return &apierror.Error{Message: "empty response", Kind: apierror.ErrBadResponse}
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &apierror.Error{Message: "cannot decode response", Kind: apierror.ErrBadResponse, Err: err}
	}
	return nil
}

// userRequest builds a GET to a /v1/user or /v1/vendor path with the
// token; route is the call's label (its route template). The token is a
// per-request header rather than a fixed one so that guest requests never
// carry it.
func (c *Client) userRequest(route, path string, q url.Values) *transport.Request {
	return &transport.Request{Method: http.MethodGet, Path: path, Query: q, Header: *c.authHeader, Op: route}
}

// guestRequest builds a GET to a /v1/guest path, sent without the token.
func guestRequest(route, path string, q url.Values) *transport.Request {
	return &transport.Request{Method: http.MethodGet, Path: path, Query: q, Op: route}
}

// segments escapes each path segment and joins them under prefix.
func segments(prefix string, parts ...string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// requireSegments returns a validation error naming the first field that
// cannot be a path segment (blank, too long, holding "/" or a control
// character); fields come in name, value pairs.
func requireSegments(op string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if why := validate.Segment(pairs[i+1]); why != "" {
			return apierror.Validation(Provider, op, "%s %s", pairs[i], why)
		}
	}
	return nil
}

func requireID(op string, id int64) error {
	if id <= 0 {
		return apierror.Validation(Provider, op, "order id must be positive, got %d", id)
	}
	return nil
}
