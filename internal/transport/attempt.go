package transport

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"time"
)

// wire is what every attempt of one call sends besides the request: its
// label, the full URL, the encoded body and the call's own headers and
// timeout. The request stays a parameter of its own: inside the struct it
// would share the body's escape and cost a request copy on the heap.
type wire struct {
	op      string
	url     string
	body    []byte
	ctype   string
	header  http.Header
	timeout time.Duration
}

// attempt sends one request with its own deadline and signature.
func (c *Client) attempt(ctx context.Context, req *Request, w *wire, attempt int) (*Response, error) {
	op, body, ctype, timeout := w.op, w.body, w.ctype, w.timeout
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
	for k, v := range w.header {
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
	} else if c.sign != nil {
		now = c.now()
		if err := c.sign(req.method(), req.Path, rr.Header, now); err != nil {
			return nil, &signError{err: err}
		}
	}
	debug := c.log.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if debug {
		start = time.Now()
	}
	rresp, err := rr.Execute(req.Method, w.url)
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
	resp.RequestID = canonicalGet(resp.Header, c.reqIDHdr)
	resp.RateLimit = parseRateLimit(resp.Header, now, c.now)
	if debug {
		c.log.LogAttrs(ctx, slog.LevelDebug, "simkit: attempt", answerAttrs(resp,
			slog.String("route", op), slog.Int("attempt", attempt), slog.Duration("took", time.Since(start)))...)
	}
	return resp, nil
}
