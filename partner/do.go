package partner

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
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
	// where the provider deduplicates the request (an order carrying an
	// external_id it has seen is refused): otherwise the call reaches the
	// provider at most once, even a GET.
	Idempotent bool
	// Route labels the call in errors, logs and observer events: a path
	// template such as "/orders/{uuid}/refund", never a concrete id. Empty derives one from the
	// path: every segment holding a digit (except a version such as
	// v2), "@", "+" or an escape becomes {param}.
	Route string
	// Signed, when not nil, signs every attempt as the provider signs
	// orders and top-ups: X-Timestamp (Unix seconds from the client's
	// clock) and X-Signature = HMAC(timestamp + Signed[0] + Signed[1] ...,
	// partner_secret). The parts are the message the provider documents
	// for the request, in its order: sku_id then external_id for an order,
	// the ICCID then external_id for a top-up. Nil sends the request with
	// the bearer token alone, as reads go.
	Signed []string
}

// Do sends a request to an endpoint this package does not type, through
// the same pipeline as every typed call: the bearer token, the per-attempt
// signature when p.Signed says the provider signs it, the client's rate
// limit, retry policy and middleware, and the provider's error decoding
// (a non-2xx answer, or success:false, is an *apierror.Error with the
// sentinels the typed calls use). The call reaches the provider at most
// once unless p.Idempotent is set.
//
// path is below Options.BaseURL and starts with "/"; its segments are
// escaped by the caller (url.PathEscape). out receives the whole answer,
// envelope included ({"success", "data", "meta"}): nil discards it, a
// *[]byte takes the body as it came, anything else is decoded as JSON.
// Bad input (a method or path that cannot be sent, an out that is not a
// pointer) is ErrValidation before anything is sent.
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
	if p.Signed != nil {
		parts := append([]string(nil), p.Signed...)
		req.Sign = func(h http.Header, now time.Time) error {
			msg := append([]string{strconv.FormatInt(now.Unix(), 10)}, parts...)
			h.Set(signing.HeaderTimestamp, msg[0])
			h.Set(signing.HeaderSignature, c.signer.Sign(msg...))
			return nil
		}
	}
	resp, err := c.t.Do(ctx, req, nil, opts...)
	if err != nil {
		return err
	}
	if refused(resp.Body) {
		e := decodeError(resp)
		if e.Kind == nil {
			// As in the typed calls: answered, and will be again.
			e.Kind = apierror.ErrValidation
		}
		return c.t.Fail(resp, e)
	}
	return c.t.DecodeRaw(resp, out)
}

// refused reports a 2xx envelope saying success:false.
func refused(body []byte) bool {
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '{' {
		return false
	}
	var env struct {
		Success *bool `json:"success"`
	}
	return json.Unmarshal(body, &env) == nil && env.Success != nil && !*env.Success
}
