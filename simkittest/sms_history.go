package simkittest

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

type smsPayment struct {
	ID                     int64
	TypeName, ProviderName string
	Amount, Balance        decimal.Decimal
	CreatedAt              time.Time
	Status                 string
}

func (p smsPayment) view(withStatus bool) map[string]any {
	v := map[string]any{
		"ID": p.ID, "TypeName": p.TypeName, "ProviderName": p.ProviderName,
		"Amount": smsNum(p.Amount), "Balance": smsNum(p.Balance),
		"CreatedAt": p.CreatedAt.UTC().Format(time.RFC3339Nano),
	}
	if withStatus {
		v["Status"] = p.Status
	}
	return v
}

// smsProfile renders the documented profile with the live balance and rating.
func (f *SMSFake) smsProfile() map[string]any {
	return map[string]any{
		"id": 1, "email": "user@example.com", "vendor": "demo",
		"default_forwarding_number": "78009005040",
		"balance":                   smsNum(f.balance), "rating": smsNum(f.rating),
		"default_country":  map[string]string{"name": "russia", "iso": "ru", "prefix": "+7"},
		"default_operator": map[string]string{"name": ""},
		"frozen_balance":   0,
	}
}

func (f *SMSFake) handleProfile(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, f.smsProfile())
}

// smsPage reads limit and offset (limit default 15, as in the documented
// examples) and returns the [lo, hi) window of n items. A limit or offset
// that is not a whole number in range (negative, or beyond what an int
// holds) is bad input: msg is the plain-text error to answer, never a
// silent default. Huge but valid values clamp to the list, never overflow.
func smsPage(q url.Values, n int) (lo, hi int, msg string) {
	limit := 15
	if s := q.Get("limit"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, 0, "bad limit"
		}
		if v > 0 {
			limit = v
		}
	}
	off := 0
	if s := q.Get("offset"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, 0, "bad offset"
		}
		off = v
	}
	lo = min(off, n)
	return lo, lo + min(limit, n-lo), ""
}

// smsReverse reports whether the history is requested newest first.
func smsReverse(q url.Values) bool {
	return q.Get("reverse") == "true" || q.Get("reverse") == "1"
}

// handleOrders lists the user's orders of a category (all when category is
// absent), ordered by id (or created_at, price), with offset pagination.
func (f *SMSFake) handleOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cat := q.Get("category")
	if cat != "" && cat != smsActivation && cat != smsHosting {
		smsError(w, "bad category")
		return
	}
	var list []*smsOrder
	for _, o := range f.orders {
		f.advance(o)
		if cat == "" || o.category == cat {
			list = append(list, o)
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		switch q.Get("order") {
		case "price":
			if !a.price.Equal(b.price) {
				return a.price.LessThan(b.price)
			}
		case "created_at":
			if !a.createdAt.Equal(b.createdAt) {
				return a.createdAt.Before(b.createdAt)
			}
		}
		return a.id < b.id
	})
	if smsReverse(q) {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	lo, hi, msg := smsPage(q, len(list))
	if msg != "" {
		smsError(w, msg)
		return
	}
	data := make([]map[string]any, 0, hi-lo)
	for _, o := range list[lo:hi] {
		data = append(data, o.view(smsViewHistory))
	}
	writeJSON(w, http.StatusOK, map[string]any{"Data": data, "ProductNames": []any{}, "Statuses": []any{}, "Total": len(list)})
}

// smsPaymentsPage renders a payments history page with the name lists the
// provider sends beside it.
func smsPaymentsPage(q url.Values, all []smsPayment, vendor bool) (map[string]any, string) {
	list := append([]smsPayment(nil), all...)
	if smsReverse(q) {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	// The name lists are null, not [], when there is nothing to name, as
	// the documented empty vendor history shows.
	names := func(get func(smsPayment) string) []map[string]string {
		var out []map[string]string
		seen := map[string]bool{}
		for _, p := range all {
			if n := get(p); n != "" && !seen[n] {
				seen[n] = true
				out = append(out, map[string]string{"Name": n})
			}
		}
		return out
	}
	lo, hi, msg := smsPage(q, len(list))
	if msg != "" {
		return nil, msg
	}
	data := make([]map[string]any, 0, hi-lo)
	for _, p := range list[lo:hi] {
		data = append(data, p.view(vendor))
	}
	out := map[string]any{
		"Data":             data,
		"PaymentTypes":     names(func(p smsPayment) string { return p.TypeName }),
		"PaymentProviders": names(func(p smsPayment) string { return p.ProviderName }),
		"Total":            len(list),
	}
	if vendor {
		out["PaymentStatuses"] = names(func(p smsPayment) string { return p.Status })
	}
	return out, ""
}

func (f *SMSFake) handlePayments(w http.ResponseWriter, r *http.Request) {
	page, msg := smsPaymentsPage(r.URL.Query(), f.payments, false)
	writeSMSPage(w, page, msg)
}

// writeSMSPage answers a history page, or its bad-input text.
func writeSMSPage(w http.ResponseWriter, page map[string]any, msg string) {
	if msg != "" {
		smsError(w, msg)
		return
	}
	writeJSON(w, http.StatusOK, page)
}
