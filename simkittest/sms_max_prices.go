package simkittest

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// smsMaxPrice is one price limit of the account.
type smsMaxPrice struct {
	id        int64
	product   string
	price     decimal.Decimal
	createdAt time.Time
}

func (m *smsMaxPrice) view() map[string]any {
	return map[string]any{
		"id": m.id, "product": m.product, "price": smsNum(m.price),
		"created_at": m.createdAt.UTC().Format(time.RFC3339Nano),
	}
}

// smsMaxPriceBody is the documented body of POST and DELETE
// /v1/user/max-prices. The price may come as a number or a string, as
// clients of the real API send either.
type smsMaxPriceBody struct {
	ProductName string          `json:"product_name"`
	Price       json.RawMessage `json:"price"`
}

// readMaxPriceBody decodes the JSON body whatever the Content-Type says
// (curl -d without -H sends it as form-urlencoded).
func readMaxPriceBody(w http.ResponseWriter, r *http.Request) (smsMaxPriceBody, bool) {
	var in smsMaxPriceBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil || in.ProductName == "" {
		smsError(w, "no product")
		return in, false
	}
	return in, true
}

func (f *SMSFake) handleListMaxPrices(w http.ResponseWriter, _ *http.Request) {
	out := make([]map[string]any, 0, len(f.ext.maxPrices))
	for _, m := range f.sortedMaxPrices() {
		out = append(out, m.view())
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *SMSFake) sortedMaxPrices() []*smsMaxPrice {
	list := make([]*smsMaxPrice, 0, len(f.ext.maxPrices))
	for _, m := range f.ext.maxPrices {
		list = append(list, m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	return list
}

func (f *SMSFake) handleSetMaxPrice(w http.ResponseWriter, r *http.Request) {
	in, ok := readMaxPriceBody(w, r)
	if !ok {
		return
	}
	price, err := smsLooseDecimal(in.Price)
	if err != nil || !price.IsPositive() || price.GreaterThan(smsMaxAmount) {
		smsError(w, "bad price")
		return
	}
	if !f.knownProduct(in.ProductName) {
		smsError(w, "no product")
		return
	}
	if f.ext.maxPrices == nil {
		f.ext.maxPrices = map[string]*smsMaxPrice{}
	}
	m, ok := f.ext.maxPrices[in.ProductName]
	if !ok {
		f.ext.nextMaxPrice++
		m = &smsMaxPrice{id: f.ext.nextMaxPrice, product: in.ProductName, createdAt: f.cfg.Now()}
		f.ext.maxPrices[in.ProductName] = m
	}
	m.price = price
	writeJSON(w, http.StatusOK, m.view())
}

func (f *SMSFake) handleDeleteMaxPrice(w http.ResponseWriter, r *http.Request) {
	in, ok := readMaxPriceBody(w, r)
	if !ok {
		return
	}
	if _, ok := f.ext.maxPrices[in.ProductName]; !ok {
		smsError(w, "record not found")
		return
	}
	delete(f.ext.maxPrices, in.ProductName)
	writeJSON(w, http.StatusOK, map[string]any{})
}

// smsLooseDecimal reads a JSON number or a string holding one.
func smsLooseDecimal(raw json.RawMessage) (decimal.Decimal, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return decimal.NewFromString(s)
	}
	return decimal.NewFromString(string(raw))
}

func (f *SMSFake) knownProduct(product string) bool {
	for _, o := range f.offers {
		if o.Product == product {
			return true
		}
	}
	return false
}

// priceCap is the most a buy may cost: the request's maxPrice and the
// account's limit for the product, both honoured only with operator "any"
// (the provider picks the operator by price). ok is false without a cap.
// A maxPrice that is not a plain positive amount (NaN, Inf, 1e400, -1, a
// word) is bad input: msg is the error text, and nothing is bought.
func (f *SMSFake) priceCap(operator, product string, r *http.Request) (limit decimal.Decimal, ok bool, msg string) {
	var has bool
	if q, set := r.URL.Query()["maxPrice"]; set {
		d, valid := smsPrice(q[0])
		if !valid {
			return decimal.Zero, false, "bad maxPrice"
		}
		limit, has = d, true
	}
	if operator != "any" {
		return decimal.Zero, false, ""
	}
	if m, ok := f.ext.maxPrices[product]; ok && (!has || m.price.LessThan(limit)) {
		limit, has = m.price, true
	}
	return limit, has, ""
}

// smsMaxAmount bounds a price: no SMS costs more, and a bigger figure is a
// client's mistake (or an attempt to make the limit meaningless).
var smsMaxAmount = decimal.NewFromInt(1_000_000)

// smsPrice reads a price as the provider's users write one: digits with
// an optional fraction ("12", "12.5"), positive and at most smsMaxAmount.
// Exponents, NaN and Inf are refused rather than read as some number.
func smsPrice(s string) (decimal.Decimal, bool) {
	if s == "" || len(s) > 32 {
		return decimal.Zero, false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return decimal.Zero, false
		}
	}
	d, err := decimal.NewFromString(s)
	if err != nil || !d.IsPositive() || d.GreaterThan(smsMaxAmount) {
		return decimal.Zero, false
	}
	return d, true
}

// MaxPrices returns the account's price limits per product, as set through
// POST /v1/user/max-prices.
func (f *SMSFake) MaxPrices() map[string]decimal.Decimal {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]decimal.Decimal, len(f.ext.maxPrices))
	for k, m := range f.ext.maxPrices {
		out[k] = m.price
	}
	return out
}
