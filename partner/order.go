package partner

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/jsonx"
)

// Order is a purchase: created by CreateOrder or TopupESIM, read by
// GetOrder and ListOrders, and carried by the order.status_changed webhook.
type Order struct {
	// ID is the provider's order UUID (GetOrder takes it).
	ID string `json:"id"`
	// Recovered is set by CreateOrder and TopupESIM when the order came
	// from a look-up by external id (after a lost answer, or a duplicate
	// answer to an id this fleet sent) rather than from the call's own
	// answer. It is never sent by the provider.
	Recovered bool `json:"-"`
	// ExternalID is your own order id, unique forever per partner.
	ExternalID string `json:"external_id"`
	// Status is the order's state; Final says whether it will change.
	Status OrderStatus `json:"status"`
	// TotalAmount is what the order charged, in Currency.
	TotalAmount decimal.Decimal `json:"total_amount"`
	// Currency of TotalAmount and of the items' prices.
	Currency string `json:"currency"`
	// Metadata is what you sent with CreateOrder (nil when none).
	Metadata map[string]any `json:"metadata"`
	// CreatedAt is when the provider created the order.
	CreatedAt time.Time `json:"created_at"`
	// Items are the order's lines with their deliveries.
	Items []OrderItem `json:"items"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// orderFields is Order without its methods, so encoding/json decodes it
// field by field instead of calling UnmarshalJSON.
type orderFields Order

// orderJSON decodes an Order in the same single pass as the value holding
// it: Order's UnmarshalJSON, called for a nested order, makes
// encoding/json skip the order's bytes and then validate and decode them
// again. Its created_at shadows the embedded one.
type orderJSON struct {
	orderFields
	CreatedAt jsonx.Time `json:"created_at"`
}

// order returns the decoded Order; it lives inside j.
func (j *orderJSON) order() *Order {
	o := (*Order)(&j.orderFields)
	o.CreatedAt = time.Time(j.CreatedAt)
	return o
}

// UnmarshalJSON reads created_at in any of the layouts the provider's
// stack writes (ISO 8601 with or without zone, or a plain date-time).
func (o *Order) UnmarshalJSON(b []byte) error {
	type plain Order
	var raw struct {
		*plain
		CreatedAt jsonx.Time `json:"created_at"`
	}
	raw.plain = (*plain)(o)
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	o.CreatedAt = time.Time(raw.CreatedAt)
	return nil
}

// OrderItem is one line of an order with what was delivered for it.
type OrderItem struct {
	// SKUID is the SKU bought.
	SKUID string `json:"sku_id"`
	// SKUName is the SKU's name at the time of the order.
	SKUName string `json:"sku_name"`
	// Quantity is the number of units.
	Quantity int `json:"quantity"`
	// Price is the unit price; null (Valid false) when the provider sends
	// none, which is not the same as free.
	Price decimal.NullDecimal `json:"price"`
	// Amount is the line's total.
	Amount decimal.Decimal `json:"amount"`
	// Status is the line's own state.
	Status OrderStatus `json:"status"`
	// DeliveryData holds one entry per delivered unit.
	DeliveryData []Delivery `json:"delivery_data"`
	// ErrorMessage says why the line failed ("" otherwise).
	ErrorMessage string `json:"error_message"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// Delivery is one delivered unit: a voucher PIN, a serial, or an eSIM's
// LPA QR string. Treat it as a secret: it is what the customer paid for.
type Delivery struct {
	// PIN is the voucher code ("" when none).
	PIN string `json:"pin"`
	// SerialNumber is the voucher serial or the eSIM ICCID.
	SerialNumber string `json:"serial_number"`
	// ExpirationDate is kept as sent, since the docs do not say whether it
	// is a date or a timestamp.
	ExpirationDate string `json:"expiration_date"`
	// QRCode is an eSIM's LPA activation string ("" for vouchers).
	QRCode string `json:"qr_code"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}
