package topups

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// call sends req with the bearer token, set per attempt. On a 401 it drops
// the token, fetches a new one and replays req once: the provider did not
// act on a request it refused for auth, so the replay cannot duplicate
// anything, even a top-up. A second 401 is returned (Kind ErrUnauthorized).
func (c *Client) call(ctx context.Context, req *transport.Request, out any, opts []option.CallOption) (*transport.Response, error) {
	for replayed := false; ; replayed = true {
		tok, err := c.token(ctx)
		if err != nil {
			return nil, err
		}
		r := *req
		r.Header = tok.header
		resp, err := c.t.Do(ctx, &r, out, opts...)
		if replayed || resp == nil || resp.StatusCode != http.StatusUnauthorized || resp.Ambiguous {
			return resp, err
		}
		if ferr := c.forgetToken(ctx, tok.token); ferr != nil {
			return resp, err
		}
		c.t.Logger().LogAttrs(ctx, slog.LevelDebug, "simkit: token refused, refreshing", slog.String("route", resp.Op))
	}
}
