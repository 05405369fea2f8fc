package partner

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// Partner is the account a token belongs to, as GET /me reports it.
type Partner struct {
	UUID     string  `json:"uuid"`
	Name     string  `json:"name"`
	Email    string  `json:"email"`
	Currency string  `json:"currency"`
	IsActive bool    `json:"is_active"`
	Balance  Balance `json:"balance"`
}

// Balance is the partner's money position. Balance may be negative while
// overdrafted; AvailableBalance is what an order may spend (balance minus
// reserved, plus the overdraft allowance when enabled).
type Balance struct {
	Balance          decimal.Decimal `json:"balance"`
	Currency         string          `json:"currency"`
	ReservedAmount   decimal.Decimal `json:"reserved_amount"`
	AvailableBalance decimal.Decimal `json:"available_balance"`
	AllowOverdraft   bool            `json:"allow_overdraft"`
	OverdraftLimit   decimal.Decimal `json:"overdraft_limit"`
	IsOverdrafted    bool            `json:"is_overdrafted"`
}

// Me verifies the token and returns the partner it belongs to (GET /me).
func (c *Client) Me(ctx context.Context, opts ...option.CallOption) (*Partner, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	req := &transport.Request{Method: http.MethodGet, Path: "/me"}
	raw, _, err := call[json.RawMessage](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	// SPEC: data.partner; a flat data object is accepted too, so a server
	// that drops the wrapper does not break callers.
	var wrapped struct {
		Partner json.RawMessage `json:"partner"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return nil, badResponse(c, "GET /me", err)
	}
	if len(bytes.TrimSpace(wrapped.Partner)) > 0 && !bytes.Equal(wrapped.Partner, []byte("null")) {
		raw = wrapped.Partner
	}
	var p Partner
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, badResponse(c, "GET /me", err)
	}
	return &p, nil
}

// Balance returns the current balance with overdraft details (GET /balance).
func (c *Client) Balance(ctx context.Context, opts ...option.CallOption) (*Balance, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	req := &transport.Request{Method: http.MethodGet, Path: "/balance"}
	b, _, err := call[*Balance](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, badResponse(c, "GET /balance", nil)
	}
	return b, nil
}

// badResponse is the error for a 2xx answer whose data is missing or not
// the documented shape.
func badResponse(c *Client, op string, cause error) error {
	return &apierror.Error{Provider: Provider, Op: op, Message: "response data missing or malformed", Kind: transport.ErrBadResponse, Err: cause}
}
