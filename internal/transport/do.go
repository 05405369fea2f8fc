package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// ErrBadResponse classifies a 2xx answer whose body could not be decoded.
var ErrBadResponse = apierror.ErrBadResponse

// Do sends req, retrying per the policy when the request is retryable, and
// decodes a 2xx JSON body into out (when out is not nil). A non-2xx answer
// becomes an *apierror.Error built by the provider's decoder; the Response is
// returned alongside it when one was received.
func (c *Client) Do(ctx context.Context, req *Request, out any, opts ...option.CallOption) (*Response, error) {
	op := req.op()
	call := callOptions(opts)
	policy := c.policy
	if call.Retry != nil {
		// A per-call policy merges with the client's exactly as the
		// client's merges with the provider's defaults.
		policy = call.Retry.Or(c.policy)
		if policy.Sleep == nil {
			policy.Sleep = c.policy.Sleep
		}
	}
	timeout := c.timeout
	if call.Timeout > 0 {
		timeout = call.Timeout
	}
	body, ctype, err := req.encode()
	if err != nil {
		return nil, &apierror.Error{Provider: c.provider, Op: op, Message: "cannot encode request body", Kind: apierror.ErrValidation, Err: err}
	}
	u := c.baseURL + req.Path
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	attempts := 1
	if req.retryable() {
		attempts = policy.Attempts()
	}
	// ambiguous records whether any attempt so far may have been acted on
	// without a readable answer; every error returned after that carries
	// it, so a money call settles its outcome whatever later attempts said.
	ambiguous := false

	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			// A caller that already gave up sends nothing.
			return nil, &apierror.Error{Provider: c.provider, Op: op, Message: "call ended by context", Kind: contextKind(err), Err: err, Ambiguous: ambiguous}
		}
		resp, err := c.attempt(ctx, req, u, body, ctype, call.Header, timeout)
		if err != nil {
			if mayHaveBeenSent(err) {
				ambiguous = true
			}
			if ctx.Err() != nil {
				return nil, &apierror.Error{Provider: c.provider, Op: op, Message: "call ended by context", Kind: contextKind(ctx.Err()), Err: ctx.Err(), Ambiguous: ambiguous}
			}
			var se *signError
			if errors.As(err, &se) {
				return nil, &apierror.Error{Provider: c.provider, Op: op, Message: "cannot sign request", Kind: apierror.ErrValidation, Err: se.err, Ambiguous: ambiguous}
			}
			var we *waitError
			if errors.As(err, &we) {
				// The deadline is what ends the call: let errors.Is find
				// context.DeadlineExceeded too, as callers waiting on ctx expect.
				return nil, &apierror.Error{Provider: c.provider, Op: op, Message: "client-side rate limit cannot admit the call before its deadline", Kind: apierror.ErrRateLimited, Err: errors.Join(context.DeadlineExceeded, err), Ambiguous: ambiguous}
			}
			if errors.Is(err, resty.ErrResponseBodyTooLarge) {
				return nil, &apierror.Error{Provider: c.provider, Op: op, Message: "response body exceeds the cap", Kind: apierror.ErrTooLarge, Err: err, Ambiguous: true}
			}
			if attempt < attempts && policy.ShouldRetry(nil, err) {
				if werr := c.backoff(ctx, policy, op, attempt, 0, policy.Backoff(attempt, false), ambiguous); werr != nil {
					return nil, werr
				}
				continue
			}
			return nil, &apierror.Error{Provider: c.provider, Op: op, Message: "request failed", Kind: apierror.ErrUnavailable, Err: err, Ambiguous: ambiguous}
		}
		if resp.StatusCode >= 500 {
			// The provider may have done the work before failing.
			ambiguous = true
		}
		resp.Op = op
		resp.Attempts = attempt
		resp.Ambiguous = ambiguous
		if call.Response != nil {
			*call.Response = resp.Response
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			if out != nil && len(resp.Body) > 0 {
				if err := json.Unmarshal(resp.Body, out); err != nil {
					resp.Ambiguous = true
					return resp, c.Fail(resp, &apierror.Error{Message: "cannot decode response", Kind: ErrBadResponse, Err: err})
				}
			}
			return resp, nil
		}
		if attempt < attempts && c.shouldRetryStatus(req, policy, resp) {
			limited := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
			wait := policy.Backoff(attempt, limited)
			if ra := resp.RateLimit.RetryAfter; ra > 0 {
				if policy.MaxRetryAfter > 0 && ra > policy.MaxRetryAfter {
					return resp, c.errorFor(resp)
				}
				wait = ra
			}
			if werr := c.backoff(ctx, policy, op, attempt, resp.StatusCode, wait, ambiguous); werr != nil {
				return resp, werr
			}
			continue
		}
		return resp, c.errorFor(resp)
	}
}

// backoff logs the retry and waits, returning the context's error as a
// typed error if the caller gives up meanwhile.
func (c *Client) backoff(ctx context.Context, policy retry.Policy, op string, attempt, status int, wait time.Duration, ambiguous bool) error {
	c.log.LogAttrs(ctx, slog.LevelWarn, "simkit: retrying",
		slog.String("op", op), slog.Int("attempt", attempt), slog.Int("status", status), slog.Duration("wait", wait))
	if err := policy.Wait(ctx, wait); err != nil {
		return &apierror.Error{Provider: c.provider, Op: op, Message: "call ended by context during backoff", Kind: contextKind(err), Err: err, Ambiguous: ambiguous}
	}
	return nil
}

// shouldRetryStatus applies the policy to a non-2xx answer. A call the
// provider deduplicates is also retried after a 500, under the default
// rule: the provider refuses a second order with the same id, so repeating
// it is how the outcome gets known.
func (c *Client) shouldRetryStatus(req *Request, policy retry.Policy, resp *Response) bool {
	if resp.StatusCode == http.StatusInternalServerError && req.Idempotency == Idempotent && policy.Retryable == nil {
		return true
	}
	return policy.ShouldRetry(&http.Response{StatusCode: resp.StatusCode, Header: resp.Header}, nil)
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
	return !errors.As(err, &se) && !errors.As(err, &we)
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

// callOptions applies opts. The Call goes to the heap only when there are
// options: handing its address to the option functions makes it escape, an
// allocation every call without options paid for nothing.
func callOptions(opts []option.CallOption) option.Call {
	if len(opts) == 0 {
		return option.Call{}
	}
	call := new(option.Call)
	for _, o := range opts {
		o(call)
	}
	return *call
}

// attempt sends one request with its own deadline and signature.
func (c *Client) attempt(ctx context.Context, req *Request, u string, body []byte, ctype string, extra http.Header, timeout time.Duration) (*Response, error) {
	actx := ctx
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > timeout {
		// When the caller's own deadline comes first it already bounds
		// the attempt; a second timer would cost four allocations.
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	if req.Idempotency == NotIdempotent {
		actx = withOnce(actx)
	}
	// The body is read here, once, into a buffer sized from Content-Length,
	// instead of by resty's 512-byte growth loop.
	rr := c.r.R().SetContext(actx).SetDoNotParseResponse(true)
	for k, v := range extra {
		if _, fixed := c.header[k]; !fixed {
			rr.Header[k] = v
		}
	}
	if req.Form != nil {
		rr.SetMultipartFormData(req.Form)
	} else if body != nil {
		// A *bytes.Reader goes to net/http as it is; resty copies a []byte
		// body into a pooled buffer and then again into a new one.
		rr.SetBody(bytes.NewReader(body))
		if ctype == "" {
			// resty would label any reader JSON; sniff raw bytes as it
			// does for a []byte.
			ctype = http.DetectContentType(body)
		}
		rr.Header.Set("Content-Type", ctype)
	}
	now := c.now()
	if req.Sign != nil {
		if err := req.Sign(rr.Header, now); err != nil {
			return nil, &signError{err: err}
		}
	}
	start := time.Now()
	rresp, err := rr.Execute(req.Method, u)
	if err != nil {
		err = withoutURL(err, req.op())
		c.log.LogAttrs(ctx, slog.LevelDebug, "simkit: attempt failed",
			slog.String("op", req.op()), slog.Duration("took", time.Since(start)), slog.String("error", err.Error()))
		return nil, err
	}
	raw := rresp.RawResponse
	b, err := readBody(raw, c.maxBody)
	if err != nil {
		return nil, err
	}
	resp := &Response{Body: b}
	resp.StatusCode = raw.StatusCode
	resp.Header = raw.Header
	resp.RequestID = resp.Header.Get(c.reqIDHdr)
	resp.RateLimit = parseRateLimit(resp.Header, now)
	if c.log.Enabled(ctx, slog.LevelDebug) {
		c.log.LogAttrs(ctx, slog.LevelDebug, "simkit: attempt",
			slog.String("op", req.op()), slog.Int("status", resp.StatusCode), slog.Duration("took", time.Since(start)))
	}
	return resp, nil
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
	if e.Raw == nil && len(resp.Body) > 0 {
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

func parseRateLimit(h http.Header, now time.Time) option.RateLimit {
	var rl option.RateLimit
	if v := h.Get("Retry-After"); v != "" {
		rl.RetryAfter, _ = retry.ParseRetryAfter(v, now)
	}
	if v := h.Get("X-Ratelimit-Limit"); v != "" {
		rl.Limit, _ = strconv.Atoi(v)
	}
	if v := h.Get("X-Ratelimit-Remaining"); v != "" {
		rl.Remaining, _ = strconv.Atoi(v)
	}
	if v := h.Get("X-Ratelimit-Reset"); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			rl.Reset = time.Unix(secs, 0)
		}
	}
	return rl
}
