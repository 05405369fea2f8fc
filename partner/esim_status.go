package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// ESIMStatus is an eSIM's current state. CanRenew says whether TopupESIM
// will be accepted.
type ESIMStatus struct {
	ICCID       string      `json:"iccid"`
	Status      string      `json:"status"`
	QRCode      string      `json:"qr_code"` // LPA activation string
	CanRenew    bool        `json:"can_renew"`
	DataBalance DataBalance `json:"data_balance"`
	// Coverage is kept raw: the docs list it without its item shape.
	Coverage json.RawMessage `json:"coverage"`
}

// DataBalance is the data left on an eSIM, in Unit (e.g. "MB", "GB").
type DataBalance struct {
	Total     decimal.Decimal `json:"total"`
	Remaining decimal.Decimal `json:"remaining"`
	Unit      string          `json:"unit"`
}

// GetESIMStatus returns an eSIM's status, data balance and coverage
// (GET /services/esim/{iccid}/status).
func (c *Client) GetESIMStatus(ctx context.Context, iccid string, opts ...option.CallOption) (*ESIMStatus, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /services/esim/{iccid}/status"
	if !validate.ICCID(iccid) {
		return nil, apierror.Validation(Provider, op, "ICCID must be 18 to 22 digits, got %q", iccid)
	}
	req := &transport.Request{Method: http.MethodGet, Path: "/services/esim/" + url.PathEscape(iccid) + "/status", Op: op}
	st, _, err := call[*ESIMStatus](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, badResponse(c, op, nil)
	}
	return st, nil
}
