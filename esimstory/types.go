package esimstory

import (
	"encoding/json"
	"time"

	"github.com/simkit/simkit/internal/jsonx"
)

// OrderProductParams is one line of an order (CreateOrderParams.Products):
// how many units of an eSIM product option to buy.
type OrderProductParams struct {
	// OptionID is the eSIM Story product option id, a UUID.
	OptionID string `json:"option_id"`
	// Qty is the number of units; each unit becomes its own topup_id and its
	// own delivery webhook.
	Qty int `json:"qty"`
}

// OrderedUnit is one unit of a created order: the topup_id eSIM Story
// assigned and the option it belongs to. Its delivery webhook carries the
// same topup_id.
type OrderedUnit struct {
	// TopupID is eSIM Story's id of the unit; its delivery carries it.
	// Empty in a recovered order.
	TopupID string `json:"topup_id"`
	// OptionID is the product option the unit was ordered as.
	OptionID string `json:"option_id"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// Order is a created order: one OrderedUnit per unit of quantity, in the
// provider's order. The eSIMs themselves arrive later by webhook.
type Order struct {
	// ExternalOrderID is the id the order was created with.
	ExternalOrderID string `json:"external_order_id"`
	// Units lists every unit. For a recovered order each unit holds the
	// option id from the request and an empty TopupID.
	Units []OrderedUnit `json:"products"`
	// Recovered reports that an earlier attempt of the same CreateOrder
	// created the order and its answer was lost (eSIM Story then refuses
	// the repeat as a duplicate and has no way to look the order up). The
	// unit count is the request's; the topup_ids are unknown and arrive
	// with the deliveries, which a Tracker matches by external_order_id.
	Recovered bool `json:"recovered,omitempty"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// TopupIDs returns the known topup_id of every unit, the ids its delivery
// webhooks will carry; empty for a recovered order.
func (o *Order) TopupIDs() []string {
	if o == nil {
		return nil
	}
	ids := make([]string, 0, len(o.Units))
	for _, u := range o.Units {
		if u.TopupID != "" {
			ids = append(ids, u.TopupID)
		}
	}
	return ids
}

// Delivery is one eSIM delivered by webhook: eSIM Story sends one per unit
// ordered, keyed by its topup_id.
type Delivery struct {
	// TopupID names the unit delivered, as in the order's answer.
	TopupID string `json:"topup_id"`
	// OptionID is the product option of the unit.
	OptionID string `json:"option_id"`
	// ICCID identifies the eSIM (customer data: keep it out of logs).
	ICCID string `json:"iccid"`
	// SMDP is the SM-DP+ address the eSIM downloads from.
	SMDP string `json:"smdp"`
	// ActivationCode is the matching id the SM-DP+ expects.
	ActivationCode string `json:"activate_code"`
	// LPA is the full activation string ("LPA:1$smdp$code") a phone scans.
	LPA string `json:"download_link"`
	// QRCodeURL is an image of LPA as a QR code, hosted by the provider.
	QRCodeURL string `json:"qrcode_img_url"`
	// ExpiresAt is expired_date parsed (a date is midnight UTC); zero when
	// absent or in a format we do not know, in which case ExpiredDate still
	// holds the provider's text.
	ExpiresAt time.Time `json:"-"`
	// ExpiredDate is expired_date exactly as sent.
	ExpiredDate string `json:"expired_date"`
	// ExternalOrderID is the id the order was created with.
	ExternalOrderID string `json:"external_order_id"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a delivery webhook body, parsing expired_date
// defensively: a date, an RFC 3339 time, "YYYY-MM-DD hh:mm:ss" or Unix
// seconds are understood; anything else leaves ExpiresAt zero.
func (d *Delivery) UnmarshalJSON(b []byte) error {
	type plain Delivery
	var w struct {
		*plain
		ExpiredDate json.RawMessage `json:"expired_date"`
	}
	w.plain = (*plain)(d)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	d.ExpiredDate = jsonx.Text(w.ExpiredDate)
	d.ExpiresAt = time.Time{}
	if d.ExpiredDate != "" {
		if t, err := jsonx.ParseTime(d.ExpiredDate); err == nil {
			d.ExpiresAt = t
		}
	}
	return nil
}
