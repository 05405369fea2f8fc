package partner

// The enums below are typed strings. Values the caller sends are checked
// with Valid before any request; values the server sends decode as-is, so a
// status added by the provider later reaches the caller instead of failing
// the whole answer.

// Locale selects the language of catalog texts; empty means the partner's
// default locale.
type Locale string

// Locales the API documents.
const (
	LocaleEN Locale = "en"
	LocaleRU Locale = "ru"
)

// Valid reports whether l is a documented locale.
func (l Locale) Valid() bool { return l == LocaleEN || l == LocaleRU }

// ProductType is the kind of a catalog product.
type ProductType string

// Product types the API documents.
const (
	ProductVoucher          ProductType = "voucher"
	ProductRechargeFixed    ProductType = "recharge_fixed"
	ProductRecharge         ProductType = "recharge"
	ProductVoucherOpenRange ProductType = "voucher_open_range"
	ProductESIM             ProductType = "esim"
	ProductOther            ProductType = "other"
)

// Valid reports whether t is a documented product type.
func (t ProductType) Valid() bool {
	switch t {
	case ProductVoucher, ProductRechargeFixed, ProductRecharge, ProductVoucherOpenRange, ProductESIM, ProductOther:
		return true
	}
	return false
}

// validForPricelist reports whether t is one of the types the pricelist
// filter accepts (a documented subset).
func (t ProductType) validForPricelist() bool {
	return t == ProductVoucher || t == ProductRechargeFixed || t == ProductESIM
}

// DenominationType says whether a product's SKUs have fixed prices or take a
// caller-chosen amount.
type DenominationType string

// Denomination types the API documents.
const (
	DenominationFixed  DenominationType = "fixed"
	DenominationCustom DenominationType = "custom"
)

// Valid reports whether d is a documented denomination type.
func (d DenominationType) Valid() bool { return d == DenominationFixed || d == DenominationCustom }

// OrderStatus is the state of an order or of one of its items.
type OrderStatus string

// Order statuses the API documents.
const (
	OrderCreated            OrderStatus = "created"
	OrderProcessing         OrderStatus = "processing"
	OrderCompleted          OrderStatus = "completed"
	OrderCancelled          OrderStatus = "cancelled"
	OrderFailed             OrderStatus = "failed"
	OrderPartiallyCompleted OrderStatus = "partially_completed"
)

// Valid reports whether s is a documented order status.
func (s OrderStatus) Valid() bool {
	switch s {
	case OrderCreated, OrderProcessing, OrderCompleted, OrderCancelled, OrderFailed, OrderPartiallyCompleted:
		return true
	}
	return false
}

// Final reports whether s is a status the order will not leave (the ones
// the order.status_changed webhook announces, plus cancelled).
func (s OrderStatus) Final() bool {
	return s == OrderCompleted || s == OrderFailed || s == OrderPartiallyCompleted || s == OrderCancelled
}

// AttributeTarget filters category attributes by what they describe.
type AttributeTarget string

// Attribute targets the API documents.
const (
	TargetProduct AttributeTarget = "product"
	TargetSKU     AttributeTarget = "sku"
)

// Valid reports whether t is a documented attribute target.
func (t AttributeTarget) Valid() bool { return t == TargetProduct || t == TargetSKU }

// TransactionType is the kind of a balance transaction. The docs name charge
// and topup and say there are others, so any value the server sends is kept.
type TransactionType string

// Transaction types the API documents.
const (
	TransactionCharge TransactionType = "charge"
	TransactionTopup  TransactionType = "topup"
)
