package simkittest

import (
	"net/http"
	"sort"

	"github.com/shopspring/decimal"
)

const (
	smsActivation = "activation"
	smsHosting    = "hosting"
)

// SMSOffer is one sellable (country, operator, product) line of the SMS
// fake's catalog: what /v1/guest/prices lists and what a buy consumes.
type SMSOffer struct {
	// Country is the country key, "russia" or "afghanistan".
	Country string
	// Operator is the operator key, e.g. "beeline".
	Operator string
	// Product is the product sold, e.g. "telegram" or "1day".
	Product string
	// Category is "activation" or "hosting".
	Category string
	// Cost is the price per number.
	Cost decimal.Decimal
	// Count is the numbers in stock (0 makes buys answer "no free phones").
	Count int
	// Rate is the delivery percentage; zero omits it, as the provider does.
	Rate decimal.Decimal
}

type smsOffer struct{ SMSOffer }

// smsCountry is the static part of /v1/guest/countries for a country.
type smsCountry struct{ iso, prefix, en, ru string }

// smsCountries holds the countries of the documented samples plus the metadata a
// country entry needs; operators come from the offers.
var smsCountries = map[string]smsCountry{
	"russia":      {"ru", "+7", "Russia", "Россия"},
	"afghanistan": {"af", "+93", "Afghanistan", "Афганистан"},
}

// smsSeedOffers returns the catalog of the documented samples: prices by
// country (1688), by product (telegram in afghanistan), by country and product
// (telegram in russia, out of stock there; here three operators have
// some), and the products sample (vkontakte, 1day). 3hours is the API's second hosting product.
func smsSeedOffers() []*smsOffer {
	d := decimal.NewFromInt
	rate := decimal.RequireFromString("99.99")
	o := func(country, op, product, cat string, cost decimal.Decimal, count int) *smsOffer {
		return &smsOffer{SMSOffer{country, op, product, cat, cost, count, rate}}
	}
	out := []*smsOffer{
		o("russia", "beeline", "1688", smsActivation, d(4), 1260),
		o("russia", "lycamobile", "1688", smsActivation, d(4), 935),
		o("russia", "matrix", "1688", smsActivation, d(4), 0),
		o("afghanistan", "virtual18", "telegram", smsActivation, d(4), 1260),
		o("afghanistan", "virtual23", "telegram", smsActivation, d(4), 935),
		o("afghanistan", "virtual4", "telegram", smsActivation, d(4), 0),
		o("afghanistan", "virtual21", "telegram", smsActivation, d(4), 0),
		o("russia", "beeline", "vkontakte", smsActivation, d(21), 133),
		o("russia", "beeline", "1day", smsHosting, d(80), 14),
		o("russia", "beeline", "3hours", smsHosting, d(40), 14),
	}
	// The sample caught Russian Telegram numbers sold out; the provider
	// usually has some, so three operators have stock and the README's
	// journey (russia, any operator, telegram, at most 12) can be bought.
	stock := map[string]int{"beeline": 412, "megafon": 187, "tele2": 95}
	for _, op := range []string{"beeline", "matrix", "megafon", "mts", "rostelecom", "tele2", "virtual15", "yota"} {
		out = append(out, o("russia", op, "telegram", smsActivation, d(8), stock[op]))
	}
	return out
}

// SetOffer adds a catalog line or replaces the one with the same country,
// operator and product; the country must be russia or afghanistan.
func (f *SMSFake) SetOffer(o SMSOffer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.offers {
		if x.Country == o.Country && x.Operator == o.Operator && x.Product == o.Product {
			x.SMSOffer = o
			return
		}
	}
	f.offers = append(f.offers, &smsOffer{o})
}

// SetStock sets how many numbers are left for a catalog line (0 makes buys
// answer "no free phones"); it reports false when the line does not exist.
func (f *SMSFake) SetStock(country, operator, product string, count int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.offers {
		if x.Country == country && x.Operator == operator && x.Product == product {
			x.Count = count
			return true
		}
	}
	return false
}

// Stock returns the numbers left for a catalog line (0 when it does not exist).
func (f *SMSFake) Stock(country, operator, product string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.offers {
		if x.Country == country && x.Operator == operator && x.Product == product {
			return x.Count
		}
	}
	return 0
}

func (f *SMSFake) hasOperator(country, operator string) bool {
	for _, x := range f.offers {
		if (country == "any" || x.Country == country) && x.Operator == operator {
			return true
		}
	}
	return false
}

func (f *SMSFake) hasProduct(product string) bool {
	for _, x := range f.offers {
		if x.Product == product {
			return true
		}
	}
	return false
}

// checkPlace returns the plain-text error for an unknown country or operator, or "".
func (f *SMSFake) checkPlace(country, operator string) string {
	if _, ok := smsCountries[country]; !ok && country != "any" {
		return "bad country"
	}
	if operator != "any" && !f.hasOperator(country, operator) {
		return "bad operator"
	}
	return ""
}

func (f *SMSFake) matching(country, operator, product string) []*smsOffer {
	var out []*smsOffer
	for _, x := range f.offers {
		if (country == "any" || x.Country == country) &&
			(operator == "any" || x.Operator == operator) &&
			(product == "" || x.Product == product) {
			out = append(out, x)
		}
	}
	return out
}

func (f *SMSFake) handleProducts(w http.ResponseWriter, r *http.Request) {
	country, operator := r.PathValue("country"), r.PathValue("operator")
	if e := f.checkPlace(country, operator); e != "" {
		smsError(w, e)
		return
	}
	type product struct {
		Category string
		Qty      int
		Price    any
	}
	out := map[string]product{}
	price := map[string]decimal.Decimal{}
	for _, x := range f.matching(country, operator, "") {
		p := out[x.Product]
		p.Category = x.Category
		p.Qty += x.Count
		if old, ok := price[x.Product]; !ok || x.Cost.LessThan(old) {
			price[x.Product] = x.Cost
		}
		out[x.Product] = p
	}
	for k, p := range out {
		p.Price = smsNum(price[k])
		out[k] = p
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *SMSFake) handlePrices(w http.ResponseWriter, r *http.Request) {
	country, product := r.URL.Query().Get("country"), r.URL.Query().Get("product")
	if country != "" {
		if _, ok := smsCountries[country]; !ok {
			smsError(w, "bad country")
			return
		}
	}
	if product != "" && !f.hasProduct(product) {
		smsError(w, "no product")
		return
	}
	if country == "" {
		country = "any"
	}
	out := map[string]map[string]map[string]map[string]any{}
	for _, x := range f.matching(country, "any", product) {
		// Only ?product=X (without a country) flips the nesting to product first.
		k1, k2 := x.Country, x.Product
		if product != "" && r.URL.Query().Get("country") == "" {
			k1, k2 = x.Product, x.Country
		}
		if out[k1] == nil {
			out[k1] = map[string]map[string]map[string]any{}
		}
		if out[k1][k2] == nil {
			out[k1][k2] = map[string]map[string]any{}
		}
		e := map[string]any{"cost": smsNum(x.Cost), "count": x.Count}
		if !x.Rate.IsZero() {
			e["rate"] = smsNum(x.Rate)
		}
		out[k1][k2][x.Operator] = e
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *SMSFake) handleCountries(w http.ResponseWriter, _ *http.Request) {
	out := map[string]map[string]any{}
	names := make([]string, 0, len(smsCountries))
	for n := range smsCountries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := smsCountries[n]
		e := map[string]any{
			"iso":     map[string]int{c.iso: 1},
			"prefix":  map[string]int{c.prefix: 1},
			"text_en": c.en,
			"text_ru": c.ru,
		}
		for _, x := range f.offers {
			if x.Country != n {
				continue
			}
			cats, _ := e[x.Operator].(map[string]int)
			if cats == nil {
				cats = map[string]int{}
			}
			cats[x.Category] = 1
			e[x.Operator] = cats
		}
		out[n] = e
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *SMSFake) handleFlash(w http.ResponseWriter, r *http.Request) {
	text, ok := f.cfg.Flash[r.PathValue("lang")]
	if !ok {
		w.Header().Set("Location", "/404.html")
		w.WriteHeader(http.StatusFound)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"text": text})
}
