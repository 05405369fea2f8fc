package simkittest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/validate"
)

// TopupPackage is one top-up package offered for an eSIM (seed "Top-up
// Packages" fields); Voice and Text are 0 when not included.
type TopupPackage struct {
	ID              string
	Price, NetPrice decimal.Decimal
	// Amount is the data in megabytes, Day the validity in days.
	Amount, Day int
	Title       string
	Voice, Text int
	// Data is the human description of the data amount, e.g. "1 GB".
	Data string
}

// topupsDefaultPackages is the list every eSIM offers unless SetPackages
// replaced it: data-only packages and one with voice and text.
func topupsDefaultPackages() []TopupPackage {
	d := decimal.RequireFromString
	return []TopupPackage{
		{ID: "merhaba-7days-1gb-topup", Price: d("9.5"), NetPrice: d("7.6"), Amount: 1024, Day: 7, Title: "1 GB - 7 Days", Data: "1 GB"},
		{ID: "merhaba-30days-3gb-topup", Price: d("22"), NetPrice: d("17.6"), Amount: 3072, Day: 30, Title: "3 GB - 30 Days", Data: "3 GB"},
		{ID: "merhaba-30days-5gb-voice-topup", Price: d("35"), NetPrice: d("28"), Amount: 5120, Day: 30, Title: "5 GB - 30 Days - 100 Mins - 100 SMS", Voice: 100, Text: 100, Data: "5 GB"},
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
	f.newOrder(iccid, "sim", TopupPackage{ID: "merhaba-7days-1gb", NetPrice: decimal.RequireFromString("4.5"), Amount: 1024, Day: 7, Title: "1 GB - 7 Days", Data: "1 GB"}, "", now.Add(-24*time.Hour))
	return s
}

// sim returns the eSIM for a path ICCID, registering it on first sight unless
// StrictSIMs; nil means the ICCID is refused.
func (f *TopupsFake) sim(iccid string) *topupsSIM {
	if !validate.ICCID(iccid) {
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

func topupsPackageView(p TopupPackage) map[string]any {
	opt := func(n int) any {
		if n == 0 {
			return nil
		}
		return n
	}
	return map[string]any{
		"id": p.ID, "price": smsNum(p.Price), "net_price": smsNum(p.NetPrice),
		"amount": p.Amount, "day": p.Day, "title": p.Title,
		"voice": opt(p.Voice), "text": opt(p.Text), "data": p.Data,
	}
}

func (f *TopupsFake) handleTopupPackages(w http.ResponseWriter, r *http.Request) {
	s := f.sim(r.PathValue("iccid"))
	if s == nil {
		topupsInvalid(w, "iccid", "The selected iccid is invalid.")
		return
	}
	data := make([]map[string]any, 0, len(s.packages))
	for _, p := range s.packages {
		data = append(data, topupsPackageView(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]string{"message": "success"}})
}

// handleSubmitTopup places a top-up order from a multipart form: the package
// must come from the eSIM's top-up list (else code 34) and the balance must
// cover its net price (else code 11).
func (f *TopupsFake) handleSubmitTopup(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") || r.ParseMultipartForm(1<<20) != nil {
		topupsInvalid(w, "package_id", "The request must be multipart/form-data.")
		return
	}
	pkgID, iccid := r.FormValue("package_id"), r.FormValue("iccid")
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
	if f.balance.LessThan(pkg.NetPrice) {
		topupsCodeError(w, 11)
		return
	}
	f.balance = f.balance.Sub(pkg.NetPrice)
	o := f.newOrder(iccid, "topup", *pkg, r.FormValue("description"), f.cfg.Now().UTC())
	v := o.view(map[string]bool{"sims": true})
	v["order_id"] = o.id
	v["iccid"] = o.iccid
	v["package"] = o.pkg.Title
	v["data"] = o.pkg.Data
	v["validity"] = o.pkg.Day
	v["price"] = smsNum(o.pkg.NetPrice)
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
			"package_id": o.pkg.ID, "status": status, "remaining": remaining,
			"remaining_voice": o.pkg.Voice, "remaining_text": o.pkg.Text,
			"activated_at": ts(activated), "expired_at": ts(expired), "finished_at": nil,
			"data": o.pkg.Data, "validity": o.pkg.Day,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]string{"message": "success"}})
}

// topupsSeconds renders a Retry-After value, rounding up so a client waiting
// that long is never early.
func topupsSeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}
