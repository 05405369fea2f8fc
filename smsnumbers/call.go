package smsnumbers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// call sends req and decodes its 2xx JSON body into out. The body is
// inspected before decoding because this API answers some errors ("no free
// phones" on a buy) with status 200 and a plain-text body; decoding that
// as an order would hand the caller an empty order instead of an error.
func (c *Client) call(ctx context.Context, req *transport.Request, out any, opts []option.CallOption) error {
	resp, err := c.t.Do(ctx, req, nil, opts...)
	if err != nil {
		return err
	}
	if msg := errorText(resp.Body); msg != "" {
		kind := kindForText(msg)
		if kind == nil {
			kind = transport.ErrBadResponse
		}
		return c.t.Fail(resp, &apierror.Error{Message: msg, Kind: kind})
	}
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return c.t.Fail(resp, &apierror.Error{Message: "empty response", Kind: transport.ErrBadResponse})
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return c.t.Fail(resp, &apierror.Error{Message: "cannot decode response", Kind: transport.ErrBadResponse, Err: err})
	}
	return nil
}

// userRequest builds a GET to a /v1/user or /v1/vendor path with the
// token. The token is set per attempt through Sign rather than as a fixed
// header so that guest requests never carry it.
func (c *Client) userRequest(path string, q url.Values) *transport.Request {
	return &transport.Request{Method: http.MethodGet, Path: path, Query: q, Sign: c.auth}
}

// guestRequest builds a GET to a /v1/guest path, sent without the token.
func guestRequest(path string, q url.Values) *transport.Request {
	return &transport.Request{Method: http.MethodGet, Path: path, Query: q}
}

func (c *Client) auth(h http.Header, _ time.Time) error {
	h["Authorization"] = *c.authHeader
	return nil
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

// requireNonBlank returns a validation error naming the first empty field;
// fields come in name, value pairs.
func requireNonBlank(op string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if validate.Blank(pairs[i+1]) {
			return apierror.Validation(Provider, op, "%s is required", pairs[i])
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

// fetch sends req and returns its decoded answer, for the many calls that
// return one object.
func fetch[T any](ctx context.Context, c *Client, req *transport.Request, opts []option.CallOption) (*T, error) {
	var out T
	if err := c.call(ctx, req, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}
