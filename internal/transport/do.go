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
	"github.com/simkit/simkit/observe"
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
	if c.obs == nil {
		resp, _, err := c.do(ctx, req, op, out, opts)
		markRepeat(req, err)
		return resp, err
	}
	method := req.method()
	start := time.Now()
	ctx = c.obs.CallStart(ctx, observe.CallStart{Provider: c.provider, Method: method, Route: op, Start: start})
	resp, attempts, err := c.do(ctx, req, op, out, opts)
	markRepeat(req, err)
	e := observe.CallEnd{Provider: c.provider, Method: method, Route: op, Start: start, End: time.Now(),
		Attempts: attempts, Outcome: observe.Class(err), Err: err}
	if resp != nil {
		e.StatusCode, e.RequestID = resp.StatusCode, resp.RequestID
	}
	c.obs.CallEnd(ctx, e)
	return resp, err
}

// do is Do without the call hooks; op is the call's label. It also
// returns how many attempts it sent.
func (c *Client) do(ctx context.Context, req *Request, op string, out any, opts []option.CallOption) (*Response, int, error) {
	call := callOptions(opts)
	hist := history{r: call.Response}
	defer hist.flush()
	policy := c.policy
	if call.Retry != nil {
		// A per-call policy merges with the client's exactly as the
		// client's merges with the provider's defaults.
		policy = call.Retry.Or(c.policy)
	}
	timeout := c.timeout
	if call.Timeout > 0 {
		timeout = call.Timeout
	}
	body, ctype, err := req.encode()
	if err != nil {
		return nil, 0, &apierror.Error{Provider: c.provider, Op: op, Message: "cannot encode request body", Kind: apierror.ErrValidation, Err: err}
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
	// waited is the backoff before the current attempt, for the observer.
	var waited time.Duration

	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			// A caller that already gave up sends nothing.
			return nil, attempt - 1, &apierror.Error{Provider: c.provider, Op: op, Message: "call ended by context", Kind: contextKind(err), Err: err, Ambiguous: ambiguous}
		}
		actx, astart := c.startAttempt(ctx, req, op, attempt, waited)
		resp, err := c.attempt(actx, req, op, attempt, u, body, ctype, call.Header, timeout)
		if err != nil {
			if mayHaveBeenSent(err) {
				ambiguous = true
			}
			hist.add(nil, err)
			final := c.attemptError(ctx, op, err, ambiguous)
			retry := final == nil && attempt < attempts && policy.ShouldRetry(nil, err)
			var wait time.Duration
			reason := ""
			if retry {
				wait, reason = policy.Backoff(attempt, false), observe.RetryNetwork
			} else if final == nil {
				final = &apierror.Error{Provider: c.provider, Op: op, Message: "request failed", Kind: apierror.ErrUnavailable, Err: err, Ambiguous: ambiguous}
			}
			c.endAttempt(actx, req, op, attempt, astart, nil, errOr(final, err), reason, wait)
			if !retry {
				return nil, attempt, final
			}
			if werr := c.backoff(ctx, policy, op, attempt, nil, wait, ambiguous); werr != nil {
				return nil, attempt, werr
			}
			waited = wait
			continue
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
			var derr error
			if out != nil && len(resp.Body) > 0 {
				if err := json.Unmarshal(resp.Body, out); err != nil {
					resp.Ambiguous = true
					derr = c.Fail(resp, &apierror.Error{Message: "cannot decode response", Kind: ErrBadResponse, Err: err})
				}
			}
			hist.add(resp, derr)
			c.endAttempt(actx, req, op, attempt, astart, resp, derr, "", 0)
			return resp, attempt, derr
		}
		hist.add(resp, nil)
		retry := attempt < attempts && c.shouldRetryStatus(req, policy, resp)
		var wait time.Duration
		if retry {
			limited := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
			wait = policy.Backoff(attempt, limited)
			if ra := resp.RateLimit.RetryAfter; ra > 0 {
				if policy.MaxRetryAfter > 0 && ra > policy.MaxRetryAfter {
					retry = false
				}
				wait = ra
			}
		}
		if !retry {
			c.endAttempt(actx, req, op, attempt, astart, resp, nil, "", 0)
			return resp, attempt, c.errorFor(resp)
		}
		c.endAttempt(actx, req, op, attempt, astart, resp, nil, retryReason(resp.StatusCode), wait)
		if werr := c.backoff(ctx, policy, op, attempt, resp, wait, ambiguous); werr != nil {
			return resp, attempt, werr
		}
		waited = wait
	}
}

// attemptError turns a failed attempt's error into the call's error when
// the call must end with it (the context ended, signing failed, the
// limiter refused, the body is over the cap); nil means a network failure
// the policy may retry.
func (c *Client) attemptError(ctx context.Context, op string, err error, ambiguous bool) error {
	if ctx.Err() != nil {
		return &apierror.Error{Provider: c.provider, Op: op, Message: "call ended by context", Kind: contextKind(ctx.Err()), Err: ctx.Err(), Ambiguous: ambiguous}
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
		return &apierror.Error{Provider: c.provider, Op: op, Message: "response body exceeds the cap", Kind: apierror.ErrTooLarge, Err: err, Ambiguous: true}
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

// backoff logs the retry and waits, returning the context's error as a
// typed error if the caller gives up meanwhile. resp is the answer being
// retried, nil when none came.
func (c *Client) backoff(ctx context.Context, policy retry.Policy, op string, attempt int, resp *Response, wait time.Duration, ambiguous bool) error {
	status, reqID := 0, ""
	if resp != nil {
		status, reqID = resp.StatusCode, resp.RequestID
	}
	c.log.LogAttrs(ctx, slog.LevelWarn, "simkit: retrying",
		slog.String("route", op), slog.Int("attempt", attempt), slog.Int("status", status),
		slog.String("request_id", reqID), slog.Duration("wait", wait))
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
func (c *Client) attempt(ctx context.Context, req *Request, op string, attempt int, u string, body []byte, ctype string, extra http.Header, timeout time.Duration) (*Response, error) {
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
	// Clock readings cost ~90 ns each on a virtual machine: take the
	// signing clock only for a signed request (a Retry-After date reads it
	// when it comes), and time the attempt only for a debug log.
	for k, v := range req.Header {
		rr.Header[k] = v
	}
	var now time.Time
	if req.Sign != nil {
		now = c.now()
		if err := req.Sign(rr.Header, now); err != nil {
			return nil, &signError{err: err}
		}
	}
	debug := c.log.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if debug {
		start = time.Now()
	}
	rresp, err := rr.Execute(req.Method, u)
	if err != nil {
		err = withoutURL(err, op)
		if debug {
			c.log.LogAttrs(ctx, slog.LevelDebug, "simkit: attempt failed",
				slog.String("route", op), slog.Int("attempt", attempt), slog.Duration("took", time.Since(start)), slog.String("error", err.Error()))
		}
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
	resp.RateLimit = parseRateLimit(resp.Header, now, c.now)
	if debug {
		c.log.LogAttrs(ctx, slog.LevelDebug, "simkit: attempt",
			slog.String("route", op), slog.Int("attempt", attempt), slog.Int("status", resp.StatusCode),
			slog.String("request_id", resp.RequestID), slog.Duration("took", time.Since(start)))
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

// parseRateLimit reads the rate-limit headers. A Retry-After date counts
// from now, the attempt's clock reading, or from clock when the attempt
// took none (an unsigned request).
func parseRateLimit(h http.Header, now time.Time, clock func() time.Time) option.RateLimit {
	var rl option.RateLimit
	if v := h.Get("Retry-After"); v != "" {
		if now.IsZero() {
			now = clock()
		}
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

// unreadableSuccess reports a 2xx answer the call could not read. Its
// body is the success answer, goods included (voucher PINs, phone
// numbers, ICCIDs, tokens), even cut short: the error keeps none of it. A
// refusal sent with a 2xx status ({"success":false}, "no free phones")
// is an error body and is kept.
func unreadableSuccess(resp *Response, e *apierror.Error) bool {
	return resp.StatusCode >= 200 && resp.StatusCode < 300 && errors.Is(e.Kind, apierror.ErrBadResponse)
}
