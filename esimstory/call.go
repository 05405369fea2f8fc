package esimstory

import (
	"context"
	"net/http"
	"time"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// call sends req and decodes a 2xx JSON answer into out. The transport
// signs every attempt (signAttempts); req.Path is the route below the base
// URL and, having no path parameters, is also the call's label.
func (c *Client) call(ctx context.Context, req *transport.Request, out any, opts []option.CallOption) (*transport.Response, error) {
	return c.t.Do(ctx, req, out, opts...)
}

// signAttempts is the transport's Sign hook: it signs each attempt afresh,
// since the signature covers the attempt's own timestamp. The signature
// covers the full path, the base URL's path (prefix, "/api" in production)
// included.
func signAttempts(signer *signing.ESIMStory, prefix string) func(method, path string, h http.Header, now time.Time) error {
	return func(method, path string, h http.Header, now time.Time) error {
		signer.SetHeaders(h, method, prefix+path, now)
		return nil
	}
}
