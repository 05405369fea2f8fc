package partner

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// Partner is the account a token belongs to, as Me reports it.
type Partner struct {
	// UUID is the partner's id.
	UUID string `json:"uuid"`
	// Name is the partner's display name.
	Name string `json:"name"`
	// Email is the partner's contact address.
	Email string `json:"email"`
	// Currency is the account currency every price is in.
	Currency string `json:"currency"`
	// IsActive is false for a suspended account.
	IsActive bool `json:"is_active"`
	// Balance is the money position, as Balance returns it.
	Balance Balance `json:"balance"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

const opMe = "GET /me"

// Me verifies the token and returns the partner it belongs to (GET /me).
func (c *Client) Me(ctx context.Context, opts ...option.CallOption) (*Partner, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	req := &transport.Request{Method: http.MethodGet, Path: "/me", Op: opMe}
	raw, _, err := call[json.RawMessage](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	// The documented shape is data.partner; a flat data object is accepted
	// too, so a server that drops the wrapper does not break callers.
	var wrapped struct {
		Partner json.RawMessage `json:"partner"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return nil, badResponse(c, opMe, err)
	}
	if len(bytes.TrimSpace(wrapped.Partner)) > 0 && !bytes.Equal(wrapped.Partner, []byte("null")) {
		raw = wrapped.Partner
	}
	var p Partner
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, badResponse(c, opMe, err)
	}
	c.t.KeepExtra(ctx, opMe, raw, &p)
	return &p, nil
}
