package simkittest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// TopupPackage is one top-up package offered for an eSIM, with the fields
// the provider documents; Voice and Text are 0 when not included.
type TopupPackage struct {
	// ID is the package id a top-up order names.
	ID string
	// Price is the retail price (sent as "price"), NetPrice the wholesale
	// price (sent as "net_price" under net pricing, null under discount
	// pricing).
	Price, NetPrice decimal.Decimal
	// Amount is the data in megabytes, Day the validity in days.
	Amount, Day int
	// IsUnlimited marks unlimited data (Amount is then 0).
	IsUnlimited bool
	// Title is the display name.
	Title string
	// Voice minutes and Text messages included.
	Voice, Text int
	// Data is the human description of the data amount, e.g. "1 GB".
	Data string
	// ShortInfo is a short customer note; empty is sent as null.
	ShortInfo string
}

// topupsDefaultPackages is the list every eSIM offers unless SetPackages
// replaced it: data-only packages and one with voice and text.
func topupsDefaultPackages() []TopupPackage {
	d := decimal.RequireFromString
	return []TopupPackage{
		{ID: "merhaba-7days-1gb-topup", Price: d("9.5"), NetPrice: d("7.6"), Amount: 1024, Day: 7, Title: "1 GB - 7 Days", Data: "1 GB"},
		{ID: "merhaba-30days-3gb-topup", Price: d("22"), NetPrice: d("17.6"), Amount: 3072, Day: 30, Title: "3 GB - 30 Days", Data: "3 GB"},
		{ID: "merhaba-30days-5gb-voice-topup", Price: d("35"), NetPrice: d("28"), Amount: 5120, Day: 30, Title: "5 GB - 100 SMS - 100 Mins - 30 Days", Voice: 100, Text: 100, Data: "5 GB", ShortInfo: "This eSIM doesn't come with a phone number."},
		{ID: "merhaba-7days-unlimited-topup", Price: d("25"), NetPrice: d("20"), Day: 7, IsUnlimited: true, Title: "Unlimited - 7 Days", Data: "Unlimited"},
	}
}

type topupsSIM struct {
	iccid       string
	packages    []TopupPackage
	history     int
	lastHistory time.Time
	hasHistory  bool
}

// addSIM registers an eSIM with its original package order (type sim).
func (f *TopupsFake) addSIM(iccid string, pkgs []TopupPackage) *topupsSIM {
	if pkgs == nil {
		pkgs = topupsDefaultPackages()
	}
	s := &topupsSIM{iccid: iccid, packages: pkgs}
	f.sims[iccid] = s
	now := f.cfg.Now().UTC()
	o := f.newOrder(iccid, "sim", TopupPackage{ID: "merhaba-7days-1gb", Price: decimal.RequireFromString("6"), NetPrice: decimal.RequireFromString("4.5"), Amount: 1024, Day: 7, Title: "1 GB - 7 Days", Data: "1 GB"}, "", now.Add(-24*time.Hour))
	o.paid = o.pkg.NetPrice
	return s
}

// sim returns the eSIM for a path ICCID, registering it on first sight unless
// StrictSIMs; nil means the ICCID is refused.
func (f *TopupsFake) sim(iccid string) *topupsSIM {
	if !providerICCID(iccid) {
		return nil
	}
	if s, ok := f.sims[iccid]; ok {
		return s
	}
	if f.cfg.StrictSIMs {
		return nil
	}
	return f.addSIM(iccid, nil)
}

// AddSIM registers an eSIM with its top-up packages (nil: the default list);
// with StrictSIMs only registered eSIMs are known.
func (f *TopupsFake) AddSIM(iccid string, pkgs []TopupPackage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sims[iccid]; ok {
		if pkgs != nil {
			s.packages = pkgs
		}
		return
	}
	f.addSIM(iccid, pkgs)
}

// HistoryRequests returns how many package-history requests reached the fake
// for an ICCID (accepted or refused with 429).
func (f *TopupsFake) HistoryRequests(iccid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sims[iccid]; ok {
		return s.history
	}
	return 0
}

// topupsNullable renders an optional value: nil (JSON null) when zero.
func topupsNullable[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// packageView renders a package as the lists and the history show it:
// retail "price", "net_price" (null under discount pricing) and prices per
// currency.
func (f *TopupsFake) packageView(p TopupPackage, typ string) map[string]any {
	var net any = smsNum(p.NetPrice)
	netPrices := map[string]any{"USD": smsNum(p.NetPrice)}
	if f.cfg.DiscountPricing {
		net, netPrices = nil, map[string]any{}
	}
	v := map[string]any{
		"id": p.ID, "type": typ, "price": smsNum(p.Price), "net_price": net,
		"amount": p.Amount, "day": p.Day, "is_unlimited": p.IsUnlimited, "title": p.Title,
		"data": p.Data, "short_info": topupsNullable(p.ShortInfo),
		"prices": map[string]any{"net_price": netPrices, "recommended_retail_price": map[string]any{"USD": smsNum(p.Price)}},
	}
	v["voice"], v["text"] = topupsNullable(p.Voice), topupsNullable(p.Text)
	return v
}

func (f *TopupsFake) handleTopupPackages(w http.ResponseWriter, r *http.Request) {
	s := f.sim(r.PathValue("iccid"))
	if s == nil {
		topupsInvalid(w, "iccid", "The selected iccid is invalid.")
		return
	}
	data := make([]map[string]any, 0, len(s.packages))
	for _, p := range s.packages {
		data = append(data, f.packageView(p, "topup"))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "pricing": f.topupsPricing(), "meta": map[string]string{"message": "success"}})
}

// handleSubmitTopup places a top-up order from a form or JSON body: the
// package must come from the eSIM's top-up list (else code 34) and the
// balance must cover what it costs (else code 11): the net price, or under
// discount pricing the retail price less the discount.
func (f *TopupsFake) handleSubmitTopup(w http.ResponseWriter, r *http.Request) {
	form, ok := topupsForm(r)
	if !ok {
		topupsInvalid(w, "package_id", "The package id field is required.")
		return
	}
	pkgID, iccid := form["package_id"], form["iccid"]
	switch {
	case pkgID == "":
		topupsInvalid(w, "package_id", "The package id field is required.")
		return
	case iccid == "":
		topupsInvalid(w, "iccid", "The iccid field is required.")
		return
	}
	s := f.sim(iccid)
	if s == nil {
		topupsInvalid(w, "iccid", "The selected iccid is invalid.")
		return
	}
	var pkg *TopupPackage
	for i := range s.packages {
		if s.packages[i].ID == pkgID {
			pkg = &s.packages[i]
		}
	}
	if pkg == nil {
		topupsCodeError(w, 34)
		return
	}
	cost := pkg.NetPrice
	var discount decimal.Decimal
	if f.cfg.DiscountPricing {
		discount = pkg.Price.Mul(f.cfg.DiscountPercentage).Div(decimal.NewFromInt(100)).Round(2)
		cost = pkg.Price.Sub(discount)
	}
	if f.balance.LessThan(cost) {
		topupsCodeError(w, 11)
		return
	}
	f.balance = f.balance.Sub(cost)
	o := f.newOrder(iccid, "topup", *pkg, form["description"], f.cfg.Now().UTC())
	o.paid, o.discount, o.discounted = cost, discount, f.cfg.DiscountPricing
	o.pct = f.cfg.DiscountPercentage
	v := o.view(map[string]bool{"sims": true})
	delete(v, "status")
	// The provider's own field list also names the order and the eSIM.
	v["order_id"], v["iccid"] = o.id, o.iccid
	v["esim_type"] = "Prepaid"
	v["manual_installation"] = "<p><b>eSIM name:</b> Merhaba</p><p>Settings > Cellular/Mobile > Add Cellular/Mobile Plan, then enter the SM-DP+ address and activation code.</p>"
	v["qrcode_installation"] = "<p><b>eSIM name:</b> Merhaba</p><p>Settings > Cellular/Mobile > Add Cellular/Mobile Plan, then scan the QR code.</p>"
	v["installation_guides"] = map[string]string{"en": "https://example.com/installation-guide"}
	writeJSON(w, http.StatusOK, map[string]any{"data": v, "meta": map[string]string{"message": "success"}})
}

// handlePackageHistory lists the packages ordered for an eSIM, accepting one
// request per ICCID per HistoryWindow and refusing others with 429.
func (f *TopupsFake) handlePackageHistory(w http.ResponseWriter, r *http.Request) {
	s := f.sim(r.PathValue("iccid"))
	if s == nil {
		topupsInvalid(w, "iccid", "The selected iccid is invalid.")
		return
	}
	s.history++
	now := f.cfg.Now()
	if s.hasHistory {
		if next := s.lastHistory.Add(f.cfg.HistoryWindow); now.Before(next) {
			w.Header().Set("Retry-After", topupsSeconds(next.Sub(now)))
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "Too Many Attempts.", "code": http.StatusTooManyRequests})
			return
		}
	}
	s.lastHistory, s.hasHistory = now, true
	ts := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format("2006-01-02T15:04:05-07:00")
	}
	data := []map[string]any{}
	for _, o := range f.orders {
		if o.iccid != s.iccid {
			continue
		}
		status, remaining := "NOT_ACTIVE", o.pkg.Amount
		var activated, expired time.Time
		if o.typ == "sim" {
			// The original package is in use: activated when ordered, half used.
			status, remaining, activated = "ACTIVE", o.pkg.Amount/2, o.created
			expired = activated.Add(time.Duration(o.pkg.Day) * 24 * time.Hour)
			if !now.Before(expired) {
				status = "EXPIRED"
			}
		}
		data = append(data, map[string]any{
			"id": o.entry, "status": status, "remaining": remaining,
			"remaining_voice": o.pkg.Voice, "remaining_text": o.pkg.Text,
			"activated_at": ts(activated), "expired_at": ts(expired), "finished_at": nil,
			"package": f.packageView(o.pkg, o.typ),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "pricing": f.topupsPricing(), "meta": map[string]string{"message": "success"}})
}

// topupsSeconds renders a Retry-After value, rounding up so a client waiting
// that long is never early.
func topupsSeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}
