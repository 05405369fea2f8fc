package esimstory

import (
	"context"
	"net/http"
	"time"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// call signs req for every attempt (the signature covers the attempt's own
// timestamp, so a retry is signed afresh), sends it and decodes a 2xx JSON
// answer into out. req.Path is the route below the base URL and, having no
// path parameters, is also the call's label.
func (c *Client) call(ctx context.Context, req *transport.Request, out any, opts []option.CallOption) (*transport.Response, error) {
	req.Sign = c.sign(req.Method, req.Path)
	if req.Op == "" {
		req.Op = req.Method + " " + req.Path
	}
	return c.t.Do(ctx, req, out, opts...)
}

// sign returns the per-attempt signer for path. The signature covers the
// full path, base URL prefix included (/api/v1/... in production).
func (c *Client) sign(method, path string) func(http.Header, time.Time) error {
	full := c.prefix + path
	return func(h http.Header, now time.Time) error {
		c.signer.SetHeaders(h, method, full, now)
		return nil
	}
}
