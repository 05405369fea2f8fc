package topups

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// Package is a package as the API describes it: a top-up offered for an
// eSIM (TopupPackages), or a package an eSIM received (HistoryPackage).
// Its ID, from TopupPackages, is the only valid package_id for SubmitTopup.
type Package struct {
	// ID is the package id (for a top-up: the one to pass to SubmitTopup).
	ID string `json:"id"`
	// Type is "topup" for top-ups, "sim" for an eSIM's original package.
	Type string `json:"type"`
	// Price is the retail price (what your customer pays, in Currency of
	// the account, USD).
	Price decimal.Decimal `json:"price"`
	// NetPrice is the wholesale price you pay under net pricing. It is not
	// Valid under discount pricing, where the API sends null: that means
	// "not given", never zero.
	NetPrice decimal.NullDecimal `json:"net_price"`
	// Prices are the net and recommended retail prices per currency, when
	// the API sends them.
	Prices *Prices `json:"prices,omitempty"`
	// Amount is the data included; 0 for unlimited packages (see
	// IsUnlimited).
	Amount Megabytes `json:"amount"`
	// IsUnlimited reports unlimited data; Amount is then meaningless.
	IsUnlimited bool `json:"is_unlimited"`
	// Day is the validity in days.
	Day int `json:"day"`
	// Title is the package's display name.
	Title string `json:"title"`
	// Data describes the data amount for display, e.g. "1 GB" or "Unlimited".
	Data string `json:"data"`
	// ShortInfo is a short note for customers ("" when the API sends null).
	ShortInfo string `json:"short_info"`
	// Voice minutes and Text messages included (0 when none).
	Voice int `json:"voice"`
	Text  int `json:"text"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON accepts numbers sent as strings, numeric ids and nulls.
func (p *Package) UnmarshalJSON(b []byte) error {
	type plain Package
	w := struct {
		*plain
		ID        jsonx.String `json:"id"`
		Day       jsonx.Int    `json:"day"`
		Voice     jsonx.Int    `json:"voice"`
		Text      jsonx.Int    `json:"text"`
		Data      jsonx.String `json:"data"`
		ShortInfo jsonx.String `json:"short_info"`
		Title     jsonx.String `json:"title"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.ID, p.Day, p.Voice, p.Text = string(w.ID), int(w.Day), int(w.Voice), int(w.Text)
	p.Data, p.ShortInfo, p.Title = string(w.Data), string(w.ShortInfo), string(w.Title)
	return nil
}

// TopupPackageList is the answer of TopupPackages.
type TopupPackageList struct {
	// Packages are the top-ups the eSIM can receive now.
	Packages []Package `json:"data"`
	// Pricing is the account's pricing model, when the API reports it.
	Pricing Pricing `json:"pricing"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

const opTopupPackages = "GET /customer/v2/sims/{iccid}/topups"

// TopupPackages lists the top-ups available for the eSIM iccid right now
// (GET /customer/v2/sims/{iccid}/topups).
// The answer is never cached: the provider changes the list over time, even
// for one eSIM, so call it right before every SubmitTopup.
func (c *Client) TopupPackages(ctx context.Context, iccid string, opts ...option.CallOption) (*TopupPackageList, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := checkICCID(opTopupPackages, iccid); err != nil {
		return nil, err
	}
	out := &TopupPackageList{}
	if _, err := c.call(ctx, &transport.Request{
		Method: http.MethodGet,
		Path:   "/customer/v2/sims/" + url.PathEscape(iccid) + "/topups",
		Op:     opTopupPackages,
	}, out, opts); err != nil {
		return nil, err
	}
	return out, nil
}
