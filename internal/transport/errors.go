package transport

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/simkit/simkit/apierror"
)

// ErrBadResponse classifies a 2xx answer whose body could not be decoded.
var ErrBadResponse = apierror.ErrBadResponse

// attemptError turns a failed attempt's error into the call's error when
// the call must end with it (the context ended, signing failed, the
// limiter refused, the body is over the cap); nil means a network failure
// the policy may retry.
func (c *Client) attemptError(ctx context.Context, op string, err error, ambiguous bool) error {
	if ctx.Err() != nil {
		return &apierror.Error{Provider: c.provider, Op: op, Message: "call ended by the caller's context", Kind: contextKind(ctx.Err()), Err: ctx.Err(), Ambiguous: ambiguous}
	}
	var se *signError
	if errors.As(err, &se) {
		return &apierror.Error{Provider: c.provider, Op: op, Message: "cannot sign request", Kind: apierror.ErrValidation, Err: se.err, Ambiguous: ambiguous}
	}
	var we *waitError
	if errors.As(err, &we) {
		// The deadline is what ends the call: let errors.Is find
		// context.DeadlineExceeded too, as callers waiting on ctx expect.
		return &apierror.Error{Provider: c.provider, Op: op, Message: "client-side rate limit cannot admit the call before its deadline", Kind: apierror.ErrRateLimited, Err: errors.Join(context.DeadlineExceeded, err), Ambiguous: ambiguous}
	}
	if errors.Is(err, resty.ErrResponseBodyTooLarge) {
		return &apierror.Error{Provider: c.provider, Op: op, Message: "response body exceeds the cap", Kind: apierror.ErrTooLarge, Err: err, Ambiguous: ambiguous}
	}
	return nil
}

// errOr returns typed when set, else raw: an interface holding a nil
// pointer would not compare equal to nil.
func errOr(typed error, raw error) error {
	if typed != nil {
		return typed
	}
	return raw
}

// failedMessage says which limit ended a failed attempt when it was the
// per-attempt Timeout (the caller's context was still live), so it is not
// read as the caller's own deadline.
func failedMessage(err error, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "attempt timed out after " + timeout.String() + " (the per-attempt Timeout)"
	}
	return "request failed"
}

// contextKind classifies a context end: a deadline is a timeout the
// provider may or may not have acted on (ErrUnavailable), a cancellation is
// the caller's own choice (no sentinel; errors.Is(err, context.Canceled)
// still matches through Err).
func contextKind(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return apierror.ErrUnavailable
	}
	return nil
}

// mayHaveActed is the one rule for ambiguity: whether the provider may
// have acted on an attempt that ended with resp or err. A failure after the
// request may have left, or a 5xx (the provider may have done the work
// before failing), leaves it open; an answer that cannot be read is marked
// by unwrapped on the response itself.
func mayHaveActed(resp *Response, err error) bool {
	if err != nil {
		return mayHaveBeenSent(err)
	}
	return resp != nil && resp.StatusCode >= 500
}

// mayHaveBeenSent reports whether a failed attempt could have reached the
// provider. Only failures to connect (dial, DNS, refused connection) prove
// nothing was sent.
func mayHaveBeenSent(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return false
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return false
	}
	var se *signError
	var we *waitError
	return !errors.As(err, &se) && !errors.As(err, &we) && !notSent(err)
}

// Ambiguous reports whether err, from a call, leaves open whether the
// provider acted on it: some attempt got no answer, a 5xx, or a 2xx that
// could not be read. Money-moving calls use it to decide whether to settle
// their outcome by a look-up.
func Ambiguous(err error) bool {
	var e *apierror.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Ambiguous || errors.Is(err, apierror.ErrBadResponse)
}

// withoutURL replaces the concrete URL in a transport failure ("Get
// \"https://host/v1/user/reuse/amazon/79001234567\": EOF") with the call's
// route template, so no phone number, ICCID or id reaches an error string
// or a log line, for every provider.
func withoutURL(err error, op string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		_, tmpl, _ := strings.Cut(op, " ")
		return &url.Error{Op: ue.Op, URL: tmpl, Err: ue.Err}
	}
	return err
}

// signError marks a failure to sign an attempt: nothing was sent and a
// retry would fail the same way.
type signError struct{ err error }

func (e *signError) Error() string { return "signing: " + e.err.Error() }

// unwrapped reads a 2xx answer into out through the provider's Unwrap (or
// as plain JSON) and returns the call's error when the answer is a refusal
// or cannot be read. An answer that cannot be read may hide work done, so
// the response is marked ambiguous.
func (c *Client) unwrapped(resp *Response, out any) error {
	var e *apierror.Error
	switch {
	case c.unwrap != nil:
		e = c.unwrap(resp, out)
	case out != nil && len(resp.Body) > 0:
		if err := json.Unmarshal(resp.Body, out); err != nil {
			e = &apierror.Error{Message: "cannot decode response", Kind: ErrBadResponse, Err: err}
		}
	}
	if e == nil {
		return nil
	}
	if errors.Is(e.Kind, ErrBadResponse) {
		resp.Ambiguous = true
	}
	return c.Fail(resp, e)
}

// errorFor turns a non-2xx response into the typed error.
func (c *Client) errorFor(resp *Response) error {
	var e *apierror.Error
	if c.decode != nil {
		e = c.decode(resp)
	}
	if e == nil {
		e = &apierror.Error{}
	}
	return c.Fail(resp, e)
}

// Fail completes e with what the response tells (provider, call, status,
// request id, retry-after, capped body, a kind from the status) without
// overwriting what the provider's decoder already set. Providers use it for
// answers that are errors despite a 2xx status.
func (c *Client) Fail(resp *Response, e *apierror.Error) *apierror.Error {
	if e.Provider == "" {
		e.Provider = c.provider
	}
	if resp == nil {
		return e
	}
	if e.Op == "" {
		e.Op = resp.Op
	}
	if e.StatusCode == 0 {
		e.StatusCode = resp.StatusCode
	}
	if e.RequestID == "" {
		e.RequestID = resp.RequestID
	}
	if e.RetryAfter == 0 {
		e.RetryAfter = resp.RateLimit.RetryAfter
	}
	if resp.Ambiguous {
		e.Ambiguous = true
	}
	if e.Raw == nil && len(resp.Body) > 0 && !unreadableSuccess(resp, e) {
		e.Raw = apierror.CapBody(resp.Body)
	}
	if e.Kind == nil {
		e.Kind = apierror.KindForStatus(resp.StatusCode)
	}
	if e.Message == "" && e.Kind == nil {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Message = apierror.CapMessage(e.Message)
	return e
}

// unreadableSuccess reports a 2xx answer the call could not read. Its
// body is the success answer, goods included (voucher PINs, phone
// numbers, ICCIDs, tokens), even cut short: the error keeps none of it. A
// refusal sent with a 2xx status ({"success":false}, "no free phones")
// is an error body and is kept.
func unreadableSuccess(resp *Response, e *apierror.Error) bool {
	return resp.StatusCode >= 200 && resp.StatusCode < 300 && errors.Is(e.Kind, apierror.ErrBadResponse)
}
