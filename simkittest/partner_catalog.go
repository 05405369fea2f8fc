package simkittest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/shopspring/decimal"
)

// Seeded catalog rows with the ids of the provider docs' examples, so tests
// can order them by the ids the docs use.
const (
	// PartnerSKUVoucher is the docs' example sku_id (a fixed-price voucher,
	// 10.00 each, max 10 per order).
	PartnerSKUVoucher = "019bc0dd-8562-7173-afd9-a5cc534fafb7"
	// PartnerSKUESIM is the docs' example top-up sku_uuid (an eSIM data
	// package, 5.00).
	PartnerSKUESIM = "029bc0dd-8562-7173-afd9-a5cc534fafb8"
	// PartnerSKUOpenRange is an open-range recharge SKU: price null, the
	// order's item.amount is charged.
	PartnerSKUOpenRange = "039bc0dd-8562-7173-afd9-a5cc534fafb9"
	// PartnerSKUSoldOut has stock 0; ordering it is refused.
	PartnerSKUSoldOut = "049bc0dd-8562-7173-afd9-a5cc534fafba"
	// PartnerICCID is the docs' example eSIM, renewable (can_renew true).
	PartnerICCID = "8944422711108338982"
)

type partnerProduct struct {
	ID, Name, Type, Denomination string
	Category                     int
	SKUs                         []*partnerSKU
}

type partnerSKU struct {
	ID, Name    string
	Price       decimal.NullDecimal
	Stock       int
	MaxPerOrder int
	Product     *partnerProduct
}

var partnerCategories = []map[string]any{
	{"id": 1, "name": "Gift cards", "attributes": []map[string]any{{"key": "region", "name": "Region", "target": "product"}}},
	{"id": 2, "name": "Mobile recharge", "attributes": []map[string]any{{"key": "operator", "name": "Operator", "target": "product"}}},
	{"id": 3, "name": "eSIM", "attributes": []map[string]any{{"key": "validity_days", "name": "Validity (days)", "target": "sku"}, {"key": "data_gb", "name": "Data (GB)", "target": "sku"}}},
}

func (f *PartnerFake) seedCatalog() {
	add := func(p *partnerProduct, skus ...*partnerSKU) {
		for _, s := range skus {
			s.Product = p
			f.skus[s.ID] = s
		}
		p.SKUs = skus
		f.products = append(f.products, p)
	}
	price := func(s string) decimal.NullDecimal {
		return decimal.NewNullDecimal(decimal.RequireFromString(s))
	}
	add(&partnerProduct{ID: seqUUID(1, 0), Name: "Steam Wallet Gift Card", Type: "voucher", Denomination: "fixed", Category: 1},
		&partnerSKU{ID: PartnerSKUVoucher, Name: "Steam Wallet 10 USD", Price: price("10.00"), Stock: 1000, MaxPerOrder: 10})
	add(&partnerProduct{ID: seqUUID(1, 1), Name: "Global eSIM", Type: "esim", Denomination: "fixed", Category: 3},
		&partnerSKU{ID: PartnerSKUESIM, Name: "Global 1 GB 7 days", Price: price("5.00"), Stock: 1000, MaxPerOrder: 5})
	add(&partnerProduct{ID: seqUUID(1, 2), Name: "Mobile Recharge", Type: "recharge", Denomination: "custom", Category: 2},
		&partnerSKU{ID: PartnerSKUOpenRange, Name: "Any amount", Stock: 1000, MaxPerOrder: 1})
	add(&partnerProduct{ID: seqUUID(1, 3), Name: "Sold Out Voucher", Type: "voucher", Denomination: "fixed", Category: 1},
		&partnerSKU{ID: PartnerSKUSoldOut, Name: "Sold Out 5 USD", Price: price("5.00"), Stock: 0, MaxPerOrder: 1})
	types := []string{"voucher", "recharge_fixed", "esim"}
	for n := len(f.products); n < f.cfg.Products; n++ {
		typ := types[n%len(types)]
		cat := map[string]int{"voucher": 1, "recharge_fixed": 2, "esim": 3}[typ]
		add(&partnerProduct{ID: seqUUID(1, n), Name: fmt.Sprintf("Product %d", n), Type: typ, Denomination: "fixed", Category: cat},
			&partnerSKU{ID: seqUUID(2, n), Name: fmt.Sprintf("Product %d SKU", n), Price: decimal.NewNullDecimal(decimal.NewFromInt(int64(1 + n%50))), Stock: 100, MaxPerOrder: 10})
	}
	f.esims[PartnerICCID] = &PartnerESIM{ICCID: PartnerICCID, Status: "active", CanRenew: true, SKU: PartnerSKUESIM}
}

func categoryName(id int) string {
	return partnerCategories[id-1]["name"].(string)
}

func (p *partnerProduct) json(withSKUs, withPrices bool) map[string]any {
	out := map[string]any{
		"id": p.ID, "name": p.Name, "type": p.Type, "denomination_type": p.Denomination,
		"category":    map[string]any{"id": p.Category, "name": categoryName(p.Category)},
		"description": p.Name + " (simkittest fake)",
		"image":       "https://cdn.example/products/" + p.ID + ".png",
		"attributes":  map[string]any{},
	}
	if withSKUs {
		skus := make([]map[string]any, 0, len(p.SKUs))
		for _, s := range p.SKUs {
			skus = append(skus, s.json(withPrices))
		}
		out["skus"] = skus
	}
	return out
}

func (s *partnerSKU) json(withPrice bool) map[string]any {
	out := map[string]any{
		"id": s.ID, "name": s.Name, "currency": "USD", "stock": s.Stock,
		"max_per_order": s.MaxPerOrder, "image": "https://cdn.example/skus/" + s.ID + ".png", "attributes": map[string]any{},
	}
	if withPrice {
		out["price"] = nil
		if s.Price.Valid {
			// A JSON number here (strings elsewhere): clients must decode both.
			out["price"] = jsonNumber(s.Price.Decimal)
		}
	}
	return out
}

// jsonNumber writes a decimal as a bare JSON number with two places.
type jsonNumber decimal.Decimal

// MarshalJSON implements json.Marshaler.
func (n jsonNumber) MarshalJSON() ([]byte, error) {
	return []byte(decimal.Decimal(n).StringFixed(2)), nil
}

// filterProducts applies the category_id and type filters shared by the
// products and pricelist calls; a bad value is a 422 message.
func (f *PartnerFake) filterProducts(r *http.Request, types ...string) ([]*partnerProduct, string) {
	q := r.URL.Query()
	cat := 0
	if s := q.Get("category_id"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, "The category id field must be an integer."
		}
		cat = n
	}
	typ := q.Get("type")
	if typ != "" && !contains(types, typ) {
		return nil, "The selected type is invalid."
	}
	if l := q.Get("locale"); l != "" && l != "en" && l != "ru" {
		return nil, "The selected locale is invalid."
	}
	var out []*partnerProduct
	for _, p := range f.products {
		if (cat == 0 || p.Category == cat) && (typ == "" || p.Type == typ) {
			out = append(out, p)
		}
	}
	return out, ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (f *PartnerFake) handleProducts(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	prods, bad := f.filterProducts(r, "voucher", "recharge_fixed", "recharge", "voucher_open_range", "esim", "other")
	if bad == "" {
		var page []*partnerProduct
		var meta map[string]any
		if page, meta, bad = cursorPage(r, prods, 100, 200); bad == "" {
			withSKUs := r.URL.Query().Get("include_skus") == "true" || r.URL.Query().Get("include_skus") == "1"
			data := make([]map[string]any, 0, len(page))
			for _, p := range page {
				data = append(data, p.json(withSKUs, false))
			}
			partnerOK(w, http.StatusOK, data, meta, "")
			return
		}
	}
	partnerError(w, http.StatusUnprocessableEntity, bad)
}

func (f *PartnerFake) handleProduct(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := r.PathValue("uuid")
	for _, p := range f.products {
		if p.ID == id {
			partnerOK(w, http.StatusOK, p.json(true, true), nil, "")
			return
		}
	}
	partnerError(w, http.StatusNotFound, "Product not found.")
}

func (f *PartnerFake) handlePricelist(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	prods, bad := f.filterProducts(r, "voucher", "recharge_fixed", "esim")
	if bad != "" {
		partnerError(w, http.StatusUnprocessableEntity, bad)
		return
	}
	var rows []map[string]any
	for _, p := range prods {
		for _, s := range p.SKUs {
			row := s.json(true)
			row["sku_id"] = s.ID
			row["product_id"] = p.ID
			row["product_name"] = p.Name
			row["type"] = p.Type
			row["category_id"] = p.Category
			row["in_stock"] = s.Stock > 0
			rows = append(rows, row)
		}
	}
	page, meta, bad := cursorPage(r, rows, 100, 200)
	if bad != "" {
		partnerError(w, http.StatusUnprocessableEntity, bad)
		return
	}
	partnerOK(w, http.StatusOK, page, meta, "")
}

func (f *PartnerFake) handleCategories(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("target")
	if target != "" && target != "product" && target != "sku" {
		partnerError(w, http.StatusUnprocessableEntity, "The selected target is invalid.")
		return
	}
	out := make([]map[string]any, 0, len(partnerCategories))
	for _, c := range partnerCategories {
		var attrs []map[string]any
		for _, a := range c["attributes"].([]map[string]any) {
			if target == "" || a["target"] == target {
				attrs = append(attrs, a)
			}
		}
		out = append(out, map[string]any{"id": c["id"], "name": c["name"], "attributes": attrs})
	}
	partnerOK(w, http.StatusOK, out, nil, "")
}
