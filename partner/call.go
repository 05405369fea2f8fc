package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
	"github.com/simkit/simkit/signing"
)

// envelope is the wrapper every Partner answer comes in. The error side is
// kept raw because the docs do not fix its shape: message is a string,
// error may be a string or an object, errors a field map or a list.
type envelope[T any] struct {
	Success *bool           `json:"success"`
	Message json.RawMessage `json:"message"`
	Data    T               `json:"data"`
	Meta    meta            `json:"meta"`
	Error   json.RawMessage `json:"error"`
	Errors  json.RawMessage `json:"errors"`
}

// meta is the cursor block of a page answer. Only next_cursor is used:
// it becomes page.Page.Next. It is read leniently (a string, a number or
// null) since the docs do not type it.
type meta struct {
	NextCursor jsonx.String `json:"next_cursor"`
}

// refused reports an answer that says success:false.
func (e *envelope[T]) refused() bool { return e.Success != nil && !*e.Success }

// unwrap is the transport's Unwrap hook: it decodes a 2xx answer into out
// (an *envelope[T]). A 2xx answer with success:false is an error too: a
// refusal without an error status, answered the same way again, so its
// kind is ErrValidation unless the error body says otherwise.
func unwrap(resp *transport.Response, out any) *apierror.Error {
	if out == nil || len(resp.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &apierror.Error{Message: "cannot decode response", Kind: apierror.ErrBadResponse, Err: err}
	}
	if env, ok := out.(interface{ refused() bool }); ok && env.refused() {
		e := decodeError(resp)
		if e.Kind == nil {
			e.Kind = apierror.ErrValidation
		}
		return e
	}
	return nil
}

// call sends req and returns the envelope's data and meta.
func call[T any](ctx context.Context, c *Client, req *transport.Request, opts []option.CallOption) (T, meta, error) {
	var env envelope[T]
	if _, err := c.t.Do(ctx, req, &env, opts...); err != nil {
		var zero T
		return zero, meta{}, err
	}
	return env.Data, env.Meta, nil
}

// listPage sends a page request and returns the page; Next is the
// provider's next_cursor ("" on the last page).
func listPage[T any](ctx context.Context, c *Client, req *transport.Request, opts []option.CallOption) (*page.Page[T], error) {
	items, m, err := call[[]T](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	return &page.Page[T]{Items: items, Next: string(m.NextCursor)}, nil
}

// signedAt is the per-attempt signer of a money call: X-Timestamp is the
// attempt's clock reading and X-Signature sig (a Signer method expression,
// which costs no allocation) over it and the call's two signed fields, so
// a retry carries a fresh pair.
func signedAt(s *signing.Signer, sig func(*signing.Signer, int64, string, string) string, a, b string) func(http.Header, time.Time) error {
	return func(h http.Header, now time.Time) error {
		ts := now.Unix()
		h.Set(signing.HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(signing.HeaderSignature, sig(s, ts, a, b))
		return nil
	}
}
