package simkittest

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

type topupsOrder struct {
	id          int64
	entry       int64 // the package-history entry id
	code        string
	iccid       string
	typ         string
	pkg         TopupPackage
	description string
	created     time.Time
	// paid is what the account was charged; under discount pricing
	// (discounted) discount per unit off the retail price at pct percent.
	paid, discount, pct decimal.Decimal
	discounted          bool
}

// topupsTimeLayout is how the provider writes order timestamps.
const topupsTimeLayout = "2006-01-02 15:04:05"

func (f *TopupsFake) newOrder(iccid, typ string, pkg TopupPackage, desc string, at time.Time) *topupsOrder {
	o := &topupsOrder{
		id: f.nextOrder, code: fmt.Sprintf("%s-%06d", at.Format("20060102"), f.nextOrder),
		entry: 700 + int64(len(f.orders)), iccid: iccid, typ: typ, pkg: pkg, description: desc, created: at,
	}
	f.nextOrder++
	f.orders = append(f.orders, o)
	return o
}

// view renders an order as the orders list shows it: retail "price",
// "net_price" (null under discount pricing, with what was charged),
// quantity and currency; include adds "sims" and "user", and turns
// "status" into an object {name, slug}.
func (o *topupsOrder) view(include map[string]bool) map[string]any {
	var status any = "completed"
	if include["status"] {
		status = map[string]string{"name": "Completed", "slug": "completed"}
	}
	v := map[string]any{
		"id": o.id, "code": o.code, "package_id": o.pkg.ID, "type": o.typ, "quantity": "1",
		"status": status, "created_at": o.created.UTC().Format(topupsTimeLayout),
		"description": o.description, "package": o.pkg.Title, "data": o.pkg.Data, "validity": o.pkg.Day,
		"price": smsNum(o.pkg.Price), "net_price": smsNum(o.pkg.NetPrice), "currency": "USD",
	}
	if o.discounted {
		v["net_price"] = nil
		v["discount_percentage"] = smsNum(o.pct)
		v["discount_amount"] = smsNum(o.discount)
		v["unit_paid_price"] = smsNum(o.paid)
		v["total_amount_paid"] = smsNum(o.paid)
	}
	if include["sims"] {
		v["sims"] = []map[string]any{{"id": o.id + 10000, "iccid": o.iccid, "created_at": o.created.UTC().Format(topupsTimeLayout)}}
	}
	if include["user"] {
		v["user"] = map[string]any{"id": 1, "name": "Fake Partner", "email": "partner@example.com"}
	}
	return v
}

// handleOrders lists orders newest first with include, filter[...] (code,
// iccid and description match substrings, as the provider documents) and
// page/limit pagination (limit 1-100, default 50) and Laravel-style meta.
func (f *TopupsFake) handleOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	include := map[string]bool{}
	for _, s := range strings.Split(q.Get("include"), ",") {
		switch s = strings.TrimSpace(s); s {
		case "":
		case "sims", "user", "status":
			include[s] = true
		default:
			topupsInvalid(w, "include", "The selected include is invalid.")
			return
		}
	}
	page, limit, ok := topupsPaging(w, q)
	if !ok {
		return
	}
	typ := q.Get("type")
	if typ == "" {
		typ = q.Get("filter[type]")
	}
	if typ != "" && typ != "sim" && typ != "topup" {
		topupsInvalid(w, "type", "The selected type is invalid.")
		return
	}
	var from, to time.Time
	if s := q.Get("filter[created_at]"); s != "" {
		a, b, ok := strings.Cut(s, " - ")
		var err1, err2 error
		from, err1 = time.Parse("2006-01-02", strings.TrimSpace(a))
		to, err2 = time.Parse("2006-01-02", strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil || to.Before(from) {
			topupsInvalid(w, "filter.created_at", "The created at filter must be \"Y-m-d - Y-m-d\".")
			return
		}
		to = to.Add(24 * time.Hour) // the end date is inclusive
	}
	var list []*topupsOrder
	for i := len(f.orders) - 1; i >= 0; i-- {
		o := f.orders[i]
		switch {
		case typ != "" && o.typ != typ,
			q.Get("filter[code]") != "" && !strings.Contains(o.code, q.Get("filter[code]")),
			q.Get("filter[order_status]") != "" && q.Get("filter[order_status]") != "completed",
			q.Get("filter[iccid]") != "" && !strings.Contains(o.iccid, q.Get("filter[iccid]")),
			q.Get("filter[description]") != "" && !strings.Contains(o.description, q.Get("filter[description]")),
			!from.IsZero() && (o.created.Before(from) || !o.created.Before(to)):
			continue
		}
		list = append(list, o)
	}
	total := len(list)
	last := max(1, int(math.Ceil(float64(total)/float64(limit))))
	// A page past the end is empty; compare before multiplying so a huge
	// page number cannot overflow into a negative offset.
	lo := total
	if page-1 <= total/limit {
		lo = min((page-1)*limit, total)
	}
	hi := lo + min(limit, total-lo)
	data := make([]map[string]any, 0, hi-lo)
	for _, o := range list[lo:hi] {
		data = append(data, o.view(include))
	}
	var fromN, toN any
	if hi > lo {
		fromN, toN = lo+1, hi
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data": data,
		"meta": map[string]any{
			"message": "success", "current_page": page, "last_page": last,
			"per_page": limit, "total": total, "from": fromN, "to": toN,
			"path": "/customer/v2/orders",
		},
	})
}

// OrderCount returns how many top-up orders (type topup) the fake holds, so
// tests can prove exactly one order per submission.
func (f *TopupsFake) OrderCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, o := range f.orders {
		if o.typ == "topup" {
			n++
		}
	}
	return n
}
