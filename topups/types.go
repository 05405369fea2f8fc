package topups

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/jsonx"
)

// Megabytes is a data amount in megabytes, as the API counts data.
type Megabytes int64

// UnmarshalJSON accepts a number, a numeric string or null.
func (m *Megabytes) UnmarshalJSON(b []byte) error {
	var n jsonx.Int
	err := n.UnmarshalJSON(b)
	*m = Megabytes(n)
	return err
}

// String renders the amount with its unit, e.g. "1024 MB".
func (m Megabytes) String() string { return strconv.FormatInt(int64(m), 10) + " MB" }

// OrderType is an order's kind, also used to filter ListOrders.
type OrderType string

// Order types.
const (
	OrderTypeSIM   OrderType = "sim"
	OrderTypeTopup OrderType = "topup"
)

// PackageStatus is the state of a package in an eSIM's history.
type PackageStatus string

// Package states the API documents; others may appear and are kept as sent.
const (
	PackageActive    PackageStatus = "ACTIVE"
	PackageNotActive PackageStatus = "NOT_ACTIVE"
	PackageExpired   PackageStatus = "EXPIRED"
	PackageFinished  PackageStatus = "FINISHED"
)

// PricingModel is how the account is charged: at the net (wholesale)
// price, or at the retail price less a discount.
type PricingModel string

// Pricing models the API reports.
const (
	// NetPricing: each package has a net price, which is what you pay.
	NetPricing PricingModel = "net_pricing"
	// DiscountPricing: packages have no net price (it is null); you pay the
	// retail price less Pricing.DiscountPercentage, and a submitted top-up
	// says what was charged (Order.UnitPaidPrice, Order.TotalAmountPaid).
	DiscountPricing PricingModel = "discount_pricing"
)

// Pricing is the account's pricing model, reported at the top of package
// lists and package history. It is zero when the answer carried none.
type Pricing struct {
	// Model is NetPricing or DiscountPricing ("" when not reported).
	Model PricingModel `json:"model"`
	// DiscountPercentage is the discount off the retail price under
	// DiscountPricing; not Valid when not given.
	DiscountPercentage decimal.NullDecimal `json:"discount_percentage"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// Prices are a package's prices per currency code ("USD", "EUR", ...).
type Prices struct {
	// NetPrice is the wholesale price per currency (empty under discount
	// pricing).
	NetPrice map[string]decimal.Decimal `json:"net_price"`
	// RecommendedRetailPrice is the suggested price to your customers.
	RecommendedRetailPrice map[string]decimal.Decimal `json:"recommended_retail_price"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// OrderStatus is an order's status. The API sends a plain string or, with
// IncludeStatus, an object {name, slug}; both decode here.
type OrderStatus struct {
	// Name is the display name ("Completed").
	Name string `json:"name"`
	// Slug is the machine name ("completed", "failed", "refunded").
	Slug string `json:"slug"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON accepts "completed" as well as {"name":"Completed","slug":"completed"}.
func (s *OrderStatus) UnmarshalJSON(b []byte) error {
	if txt, err := jsonx.Scalar(b); err == nil {
		*s = OrderStatus{Name: txt, Slug: txt}
		return nil
	}
	type plain OrderStatus
	return json.Unmarshal(b, (*plain)(s))
}

// String returns the slug, or the name when there is no slug.
func (s OrderStatus) String() string {
	if s.Slug != "" {
		return s.Slug
	}
	return s.Name
}

// SIM is an eSIM as orders report it (IncludeSIMs, and in submitted
// top-ups).
type SIM struct {
	// ID is the provider's id of the eSIM (sent as a number or a string).
	ID string `json:"id"`
	// ICCID identifies the eSIM.
	ICCID string `json:"iccid"`
	// LPA, MatchingID, QRCode and QRCodeURL are the installation data.
	LPA        string `json:"lpa"`
	MatchingID string `json:"matching_id"`
	QRCode     string `json:"qrcode"`
	QRCodeURL  string `json:"qrcode_url"`
	// MSISDN is the phone number, when the package has one.
	MSISDN string `json:"msisdn"`
	// CreatedAt is when the eSIM was created.
	CreatedAt time.Time `json:"created_at"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON accepts numeric ids and the API's time layouts.
func (s *SIM) UnmarshalJSON(b []byte) error {
	type plain SIM
	w := struct {
		*plain
		ID        jsonx.String `json:"id"`
		ICCID     jsonx.String `json:"iccid"`
		MSISDN    jsonx.String `json:"msisdn"`
		CreatedAt jsonx.Time   `json:"created_at"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.ID, s.ICCID, s.MSISDN, s.CreatedAt = string(w.ID), string(w.ICCID), string(w.MSISDN), time.Time(w.CreatedAt)
	return nil
}

// User is the account user an order belongs to (IncludeUser).
type User struct {
	// ID is the provider's user id (sent as a number or a string).
	ID string `json:"id"`
	// Name, Email and Company describe the account user.
	Name    string `json:"name"`
	Email   string `json:"email"`
	Company string `json:"company"`
	// CreatedAt is when the user was created.
	CreatedAt time.Time `json:"created_at"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON accepts numeric ids and the API's time layouts.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	w := struct {
		*plain
		ID        jsonx.String `json:"id"`
		CreatedAt jsonx.Time   `json:"created_at"`
	}{plain: (*plain)(u)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	u.ID, u.CreatedAt = string(w.ID), time.Time(w.CreatedAt)
	return nil
}

// pageMeta is the pagination block of a list answer; the API sends its
// numbers as numbers or strings ("per_page":"25").
type pageMeta struct {
	CurrentPage jsonx.Int `json:"current_page"`
	LastPage    jsonx.Int `json:"last_page"`
	Total       jsonx.Int `json:"total"`
}
