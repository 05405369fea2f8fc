package partner

import (
	"encoding/json"

	"github.com/shopspring/decimal"
)

// Product is a catalog entry. SKUs are filled by GetProduct, and by
// ListProducts only with IncludeSKUs (then without prices).
type Product struct {
	// ID is the product's UUID (GetProduct takes it).
	ID string `json:"id"`
	// Name is the product's name in the requested locale.
	Name string `json:"name"`
	// Type is the kind of product (voucher, esim, ...).
	Type ProductType `json:"type"`
	// DenominationType says whether SKUs have fixed prices or take an
	// amount (open range).
	DenominationType DenominationType `json:"denomination_type"`
	// Category is the category the product belongs to (nil when not sent).
	Category *CategoryRef `json:"category"`
	// Description is the product's text in the requested locale.
	Description string `json:"description"`
	// Image is the product image's URL ("" when none).
	Image string `json:"image"`
	// Attributes are kept raw: their shape depends on the category (see
	// Categories).
	Attributes json.RawMessage `json:"attributes"`
	// SKUs are the orderable variants.
	SKUs []SKU `json:"skus"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// CategoryRef names the category a product belongs to.
type CategoryRef struct {
	// ID is the category id (ListProductsParams.CategoryID takes it).
	ID int `json:"id"`
	// Name is the category's name in the requested locale.
	Name string `json:"name"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// SKU is one orderable variant of a product.
type SKU struct {
	// ID is the SKU's UUID (CreateOrder's Item.SKUID takes it).
	ID string `json:"id"`
	// Name is the SKU's name in the requested locale.
	Name string `json:"name"`
	// Price is the unit price; null (Valid false) for open-range SKUs,
	// where the order carries the amount, and absent from product lists
	// (which carry no prices). Null is not free.
	Price decimal.NullDecimal `json:"price"`
	// Currency of Price.
	Currency string `json:"currency"`
	// Stock is the SKU's availability.
	Stock Stock `json:"stock"`
	// MaxPerOrder caps an order's quantity (0 when not sent).
	MaxPerOrder int `json:"max_per_order"`
	// Image is the SKU image's URL ("" when none).
	Image string `json:"image"`
	// Attributes are kept raw: their shape depends on the category.
	Attributes json.RawMessage `json:"attributes"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}
