package topups

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// SubmitTopupParams is a top-up order.
type SubmitTopupParams struct {
	// PackageID must be the ID of a TopupPackage returned by TopupPackages
	// for this ICCID, fetched just before: eSIM (local, regional, global)
	// package ids are refused, and the list changes over time. Required.
	PackageID string
	// ICCID of the eSIM to top up. Required, 18 to 22 digits.
	ICCID string
	// Description is optional and can be used as an orders filter; a
	// customer id, or customer id plus your own order id, works well.
	Description string
}

// TopupOrder is the order SubmitTopup created.
type TopupOrder struct {
	// OrderID is the provider's order id (sent as "id" or "order_id").
	OrderID     string          `json:"order_id"`
	Code        string          `json:"code"`
	PackageID   string          `json:"package_id"`
	ICCID       string          `json:"iccid"`
	Type        OrderType       `json:"type"`
	Package     string          `json:"package"`
	Description string          `json:"description"`
	Data        string          `json:"data"`
	Validity    string          `json:"validity"`
	Price       decimal.Decimal `json:"price"`
	NetPrice    decimal.Decimal `json:"net_price"`
	Currency    string          `json:"currency"`
	CreatedAt   time.Time       `json:"created_at"`
	SIMs        []SIM           `json:"sims"`
}

// UnmarshalJSON accepts the id under "id" or "order_id", numbers sent as
// strings and the API's time layouts.
func (o *TopupOrder) UnmarshalJSON(b []byte) error {
	type plain TopupOrder
	w := struct {
		*plain
		ID        flexString `json:"id"`
		OrderID   flexString `json:"order_id"`
		ICCID     flexString `json:"iccid"`
		Data      flexString `json:"data"`
		Validity  flexString `json:"validity"`
		CreatedAt flexTime   `json:"created_at"`
	}{plain: (*plain)(o)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	o.OrderID = string(w.OrderID)
	if o.OrderID == "" {
		o.OrderID = string(w.ID)
	}
	o.ICCID, o.Data, o.Validity, o.CreatedAt = string(w.ICCID), string(w.Data), string(w.Validity), time.Time(w.CreatedAt)
	return nil
}

// SubmitTopup orders a top-up for an existing eSIM and charges the
// account. Call it only after the end user's payment has been collected,
// with a package id just returned by TopupPackages.
//
// The provider does not deduplicate this call (it takes no id of ours), so
// it is never retried automatically: after a timeout or a 5xx the order may
// or may not exist, and the caller should look for it with ListOrders
// (filter by ICCID or Description) before trying again.
func (c *Client) SubmitTopup(ctx context.Context, p SubmitTopupParams, opts ...option.CallOption) (*TopupOrder, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "POST /customer/v2/orders/topups"
	if validate.Blank(p.PackageID) {
		return nil, apierror.Validation(Provider, op, "package_id is required: use an id from TopupPackages")
	}
	if !validate.ICCID(p.ICCID) {
		return nil, apierror.Validation(Provider, op, "iccid must be 18 to 22 digits")
	}
	form := map[string]string{"package_id": p.PackageID, "iccid": p.ICCID}
	if p.Description != "" {
		form["description"] = p.Description
	}
	var out struct {
		Data TopupOrder `json:"data"`
	}
	_, err := c.do(ctx, &transport.Request{
		Method:      http.MethodPost,
		Path:        "/customer/v2/orders/topups",
		Form:        form,
		Idempotency: transport.NotIdempotent,
		Op:          op,
	}, &out, opts...)
	if err != nil {
		return nil, err
	}
	return &out.Data, nil
}
