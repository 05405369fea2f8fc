package esimstory

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// ProductQty is one line of an order: how many units of an eSIM product
// option to buy.
type ProductQty struct {
	// OptionID is the eSIM Story product option id (a UUID in the docs).
	OptionID string `json:"option_id"`
	// Qty is the number of units; each unit becomes its own topup_id and its
	// own delivery webhook.
	Qty int `json:"qty"`
}

// OrderedUnit is one unit of a created order: the topup_id eSIM Story
// assigned and the option it belongs to. Its delivery webhook carries the
// same topup_id.
type OrderedUnit struct {
	TopupID  string `json:"topup_id"`
	OptionID string `json:"option_id"`
}

// Order is a created order: one OrderedUnit per unit of quantity, in the
// provider's order. The eSIMs themselves arrive later by webhook.
type Order struct {
	// ExternalOrderID is the id the order was created with.
	ExternalOrderID string `json:"external_order_id"`
	// Units lists every unit with its topup_id.
	Units []OrderedUnit `json:"products"`
}

// TopupIDs returns the topup_id of every unit, the ids its delivery
// webhooks will carry.
func (o *Order) TopupIDs() []string {
	if o == nil {
		return nil
	}
	ids := make([]string, len(o.Units))
	for i, u := range o.Units {
		ids[i] = u.TopupID
	}
	return ids
}

// Delivery is one eSIM delivered by webhook: eSIM Story sends one per unit
// ordered, keyed by its topup_id.
type Delivery struct {
	TopupID  string `json:"topup_id"`
	OptionID string `json:"option_id"`
	ICCID    string `json:"iccid"`
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
	ExpiredDate     string `json:"expired_date"`
	ExternalOrderID string `json:"external_order_id"`
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
	d.ExpiredDate = rawText(w.ExpiredDate)
	d.ExpiresAt = parseExpiry(d.ExpiredDate)
	return nil
}

// rawText returns a JSON string's content or a number's literal text.
func rawText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

var expiryLayouts = []string{"2006-01-02", time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006/01/02"}

func parseExpiry(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range expiryLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil && secs > 0 {
		return time.Unix(secs, 0).UTC()
	}
	return time.Time{}
}
