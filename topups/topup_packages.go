package topups

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

// TopupPackage is a top-up an eSIM can receive now. Its ID is the only
// valid package_id for SubmitTopup.
type TopupPackage struct {
	// ID is the top-up package id to pass to SubmitTopup.
	ID string `json:"id"`
	// Price is the retail price; NetPrice the wholesale price you pay.
	Price    decimal.Decimal `json:"price"`
	NetPrice decimal.Decimal `json:"net_price"`
	// Amount is the data included.
	Amount Megabytes `json:"amount"`
	// Day is the validity in days.
	Day   int    `json:"day"`
	Title string `json:"title"`
	// Voice minutes and Text messages included (0 when none).
	Voice int `json:"voice"`
	Text  int `json:"text"`
	// Data describes the data amount for display, e.g. "1 GB".
	Data string `json:"data"`
}

// UnmarshalJSON accepts numbers sent as strings and numeric ids.
func (p *TopupPackage) UnmarshalJSON(b []byte) error {
	type plain TopupPackage
	w := struct {
		*plain
		ID    flexString `json:"id"`
		Day   flexInt    `json:"day"`
		Voice flexInt    `json:"voice"`
		Text  flexInt    `json:"text"`
		Data  flexString `json:"data"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.ID, p.Day, p.Voice, p.Text, p.Data = string(w.ID), int(w.Day), int(w.Voice), int(w.Text), string(w.Data)
	return nil
}

// TopupPackages lists the top-ups available for the eSIM iccid right now.
// The answer is never cached: the provider changes the list over time, even
// for one eSIM, so call it right before every SubmitTopup.
func (c *Client) TopupPackages(ctx context.Context, iccid string, opts ...option.CallOption) ([]TopupPackage, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /customer/v2/sims/{iccid}/topups"
	if !validate.ICCID(iccid) {
		return nil, apierror.Validation(Provider, op, "iccid must be 18 to 22 digits")
	}
	var out struct {
		Data []TopupPackage `json:"data"`
	}
	_, err := c.do(ctx, &transport.Request{
		Method: http.MethodGet,
		Path:   "/customer/v2/sims/" + url.PathEscape(iccid) + "/topups",
		Op:     op,
	}, &out, opts...)
	if err != nil {
		return nil, err
	}
	return out.Data, nil
}
