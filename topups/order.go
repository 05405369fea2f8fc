package topups

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/jsonx"
)

// Order is an order as the API reports it: a submitted top-up
// (SubmitTopup) or one row of the orders list (ListOrders), an eSIM order
// or a top-up.
type Order struct {
	// ID is the provider's order id (sent as a number or a string, under
	// "id" or "order_id").
	ID string `json:"id"`
	// Code is the order code shown on invoices, e.g. "20230207-000174".
	Code string `json:"code"`
	// PackageID is the package ordered.
	PackageID string `json:"package_id"`
	// Type says whether this is an eSIM order or a top-up.
	Type OrderType `json:"type"`
	// Status is set in the orders list (an object with IncludeStatus).
	Status OrderStatus `json:"status"`
	// Description is what the order was submitted with; for SubmitTopup,
	// the caller's Reference.
	Description string `json:"description"`
	// Quantity is the number of packages ordered (1 for a top-up).
	Quantity int `json:"quantity"`
	// ESIMType is "Prepaid" or another plan type, as the provider words it.
	ESIMType string `json:"esim_type"`
	// Package is the package's display name; Data the data amount and
	// Validity the validity in days, as the provider words them.
	Package  string `json:"package"`
	Data     string `json:"data"`
	Validity string `json:"validity"`
	// Price is the package's retail price.
	Price decimal.Decimal `json:"price"`
	// NetPrice is the wholesale price under net pricing; not Valid under
	// discount pricing, where the API sends null (not zero).
	NetPrice decimal.NullDecimal `json:"net_price"`
	// Currency of every price ("USD").
	Currency string `json:"currency"`
	// DiscountPercentage, DiscountAmount, UnitPaidPrice and TotalAmountPaid
	// say what was charged under discount pricing: the discount off the
	// retail price (percent and amount per unit), the price paid per unit
	// and the total paid. Not Valid when the API does not send them (net
	// pricing).
	DiscountPercentage decimal.NullDecimal `json:"discount_percentage"`
	DiscountAmount     decimal.NullDecimal `json:"discount_amount"`
	UnitPaidPrice      decimal.NullDecimal `json:"unit_paid_price"`
	TotalAmountPaid    decimal.NullDecimal `json:"total_amount_paid"`
	// ManualInstallation and QRCodeInstallation are installation
	// instructions (HTML) and InstallationGuides links per language code.
	ManualInstallation string            `json:"manual_installation"`
	QRCodeInstallation string            `json:"qrcode_installation"`
	InstallationGuides map[string]string `json:"installation_guides"`
	// CreatedAt is when the order was placed.
	CreatedAt time.Time `json:"created_at"`
	// SIMs are the eSIMs of the order (in a submitted top-up, and with
	// IncludeSIMs in the list); User is set with IncludeUser.
	SIMs []SIM `json:"sims"`
	User *User `json:"user"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-" extra:"order_id"`
}

// UnmarshalJSON accepts the id under "id" or "order_id", numbers sent as
// strings ("quantity": "1") and the API's time layouts.
func (o *Order) UnmarshalJSON(b []byte) error {
	type plain Order
	w := struct {
		*plain
		ID        jsonx.String `json:"id"`
		OrderID   jsonx.String `json:"order_id"`
		Quantity  jsonx.Int    `json:"quantity"`
		Data      jsonx.String `json:"data"`
		Validity  jsonx.String `json:"validity"`
		CreatedAt jsonx.Time   `json:"created_at"`
	}{plain: (*plain)(o)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	o.ID = string(w.OrderID)
	if o.ID == "" {
		o.ID = string(w.ID)
	}
	o.Quantity, o.Data, o.Validity, o.CreatedAt = int(w.Quantity), string(w.Data), string(w.Validity), time.Time(w.CreatedAt)
	return nil
}
