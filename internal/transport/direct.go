package transport

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// payloadMethod reports whether resty would treat method as carrying a
// body (and so give a bodyless request a detected Content-Type); such
// requests keep going through resty so their headers stay as they were.
func payloadMethod(method string) bool {
	switch method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// direct sends one attempt with net/http alone. It is the path of every
// request without a multipart form whose body, if any, has a content type:
// what resty would do for it (merge the client headers under the
// per-call ones, add Accept for a JSON or XML body, read the body up to the
// cap, gunzip a body the server compressed unasked) without resty's
// per-request builder, middleware chain and maps, which cost more than the
// rest of the call (see BENCHMARKS.md).
func (c *Client) direct(ctx context.Context, req *Request, u string, body []byte, ctype string, extra http.Header) (*Response, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	h := make(http.Header, len(c.header)+len(extra)+3)
	for k, v := range extra {
		if _, fixed := c.header[k]; !fixed {
			h[k] = v
		}
	}
	if body != nil {
		h.Set("Content-Type", ctype)
	}
	now := c.now()
	if req.Sign != nil {
		if err := req.Sign(h, now); err != nil {
			return nil, &signError{err: err}
		}
	}
	for k, v := range c.header {
		if _, ok := h[k]; !ok {
			h[k] = v
		}
	}
	if ct := h.Get("Content-Type"); ct != "" && h.Get("Accept") == "" && (resty.IsJSONType(ct) || resty.IsXMLType(ct)) {
		h.Set("Accept", ct)
	}
	hr.Header = h
	if host := h.Get("Host"); host != "" {
		hr.Host = host
	}
	start := time.Now()
	hresp, err := c.hc.Do(hr)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "simkit: attempt failed",
			slog.String("op", req.op()), slog.Duration("took", time.Since(start)), slog.String("error", err.Error()))
		return nil, err
	}
	defer hresp.Body.Close()
	var rb io.Reader = hresp.Body
	if strings.EqualFold(hresp.Header.Get("Content-Encoding"), "gzip") && hresp.ContentLength != 0 {
		if _, ok := rb.(*gzip.Reader); !ok {
			zr, err := gzip.NewReader(rb)
			if err != nil {
				return nil, err
			}
			defer zr.Close()
			rb = zr
		}
	}
	data, err := readCapped(rb, hresp.ContentLength, c.maxBody)
	if err != nil {
		return nil, err
	}
	resp := &Response{Body: data}
	resp.StatusCode = hresp.StatusCode
	resp.Header = hresp.Header
	resp.RequestID = resp.Header.Get(c.reqIDHdr)
	resp.RateLimit = parseRateLimit(resp.Header, now)
	if c.log.Enabled(ctx, slog.LevelDebug) {
		c.log.LogAttrs(ctx, slog.LevelDebug, "simkit: attempt",
			slog.String("op", req.op()), slog.Int("status", resp.StatusCode), slog.Duration("took", time.Since(start)))
	}
	return resp, nil
}

// readCapped reads r whole, failing with resty.ErrResponseBodyTooLarge (the
// error Do already maps to ErrTooLarge) once more than max bytes arrive. A
// known length sizes the buffer in one allocation.
func readCapped(r io.Reader, length int64, max int) ([]byte, error) {
	size := 512
	if length > 0 && length <= int64(max) {
		size = int(length) + 1 // +1 so the final Read sees EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > max {
			return nil, resty.ErrResponseBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
