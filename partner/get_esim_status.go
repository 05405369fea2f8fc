package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// ESIMStatus is an eSIM's current state. CanRenew says whether TopupESIM
// will be accepted.
type ESIMStatus struct {
	// ICCID is the eSIM's id (customer data: keep it out of logs).
	ICCID string `json:"iccid"`
	// Status is the provider's state word for the eSIM.
	Status string `json:"status"`
	// QRCode is the LPA activation string.
	QRCode string `json:"qr_code"`
	// CanRenew says whether TopupESIM will be accepted.
	CanRenew bool `json:"can_renew"`
	// DataBalance is the data left.
	DataBalance DataBalance `json:"data_balance"`
	// Coverage is kept raw: the docs list it without its item shape.
	Coverage json.RawMessage `json:"coverage"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// DataBalance is the data left on an eSIM, in Unit (e.g. "MB", "GB").
type DataBalance struct {
	// Total is the data the package came with.
	Total decimal.Decimal `json:"total"`
	// Remaining is the data not used yet.
	Remaining decimal.Decimal `json:"remaining"`
	// Unit of Total and Remaining.
	Unit string `json:"unit"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

const opGetESIMStatus = "GET /services/esim/{iccid}/status"

// GetESIMStatus returns an eSIM's status, data balance and coverage
// (GET /services/esim/{iccid}/status).
func (c *Client) GetESIMStatus(ctx context.Context, iccid string, opts ...option.CallOption) (*ESIMStatus, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := validate.CheckICCID(Provider, opGetESIMStatus, iccid); err != nil {
		return nil, err
	}
	req := &transport.Request{Method: http.MethodGet, Path: "/services/esim/" + url.PathEscape(iccid) + "/status", Op: opGetESIMStatus}
	st, _, err := call[*ESIMStatus](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, badResponse(c, opGetESIMStatus, nil)
	}
	return st, nil
}
