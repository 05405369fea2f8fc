package simkittest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// more registers the admin routes for time, chaos, the journal, state,
// webhooks on demand and the anomalies reconciliation must find.
func (a *admin) more(m *http.ServeMux) {
	m.HandleFunc("GET /chaos", a.getChaos)
	m.HandleFunc("PUT /chaos", a.putChaos)
	m.HandleFunc("DELETE /chaos", a.deleteChaos)
	m.HandleFunc("GET /journal", a.journal)
	m.HandleFunc("DELETE /journal", a.clearJournal)
	m.HandleFunc("GET /journal/orders", a.journalOrders)
	m.HandleFunc("GET /journal/after-refusal", a.journalAfterRefusal)
	m.HandleFunc("POST /reset/{provider}", a.resetProvider)
	m.HandleFunc("GET /state", a.getState)
	m.HandleFunc("PUT /state", a.putState)
	m.HandleFunc("POST /webhooks/{provider}/trigger", a.trigger)
	m.HandleFunc("POST /partner/orders", a.partnerOutside)
	m.HandleFunc("POST /smsnumbers/orders", a.smsOutside)
	m.HandleFunc("POST /smsnumbers/payouts", a.smsPayout)
	m.HandleFunc("POST /topups/orders", a.topupsOutside)
	m.HandleFunc("POST /esimstory/orders", a.esimOutside)
	m.HandleFunc("POST /esimstory/withhold", a.esimWithhold)
}

// readAll reads a request body up to limit bytes.
func readAll(r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("body larger than %d bytes", limit)
	}
	return b, nil
}

// adminChaos is the JSON form of Chaos; Faults names kinds as POST
// /faults does, empty for the default draw.
type adminChaos struct {
	Seed     uint64       `json:"seed"`
	Rate     float64      `json:"rate"`
	Provider string       `json:"provider,omitempty"`
	Method   string       `json:"method,omitempty"`
	Path     string       `json:"path,omitempty"`
	Faults   []adminFault `json:"faults,omitempty"`
	Hits     int          `json:"hits"`
}

func (a *admin) getChaos(w http.ResponseWriter, _ *http.Request) {
	c, hits, ok := a.s.Faults.ChaosInForce()
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"chaos": nil})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"chaos": chaosJSON(c, hits)})
}

func chaosJSON(c Chaos, hits int) adminChaos {
	out := adminChaos{Seed: c.Seed, Rate: c.Rate, Provider: c.Provider, Method: c.Method, Path: c.Path, Hits: hits}
	for _, f := range c.Faults {
		out.Faults = append(out.Faults, faultJSON(f))
	}
	return out
}

func (a *admin) putChaos(w http.ResponseWriter, r *http.Request) {
	var in adminChaos
	if !decode(w, r, &in) {
		return
	}
	if in.Provider != "" && !knownProviders[in.Provider] {
		adminError(w, http.StatusBadRequest, "provider must be partner, smsnumbers, esimstory, topups or empty (all)")
		return
	}
	c := Chaos{Seed: in.Seed, Rate: in.Rate, Provider: in.Provider, Method: in.Method, Path: in.Path}
	for _, af := range in.Faults {
		f, msg := af.fault()
		if msg != "" {
			adminError(w, http.StatusBadRequest, msg)
			return
		}
		f.Times = 0
		c.Faults = append(c.Faults, f)
	}
	if err := a.s.Faults.SetChaos(c); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	a.getChaos(w, r)
}

func (a *admin) deleteChaos(w http.ResponseWriter, _ *http.Request) {
	_ = a.s.Faults.SetChaos(Chaos{})
	writeJSON(w, http.StatusOK, map[string]any{"chaos": nil})
}

// filter reads a JournalFilter from the query string.
func journalFilter(r *http.Request) (JournalFilter, string) {
	q := r.URL.Query()
	f := JournalFilter{Provider: q.Get("provider"), Route: q.Get("route"), Method: q.Get("method"), Path: q.Get("path"), Ref: q.Get("ref"), Fault: q.Get("fault")}
	if s := q.Get("status"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 999 {
			return f, "status must be an HTTP status code"
		}
		f.Status = n
	}
	return f, ""
}

func (a *admin) journal(w http.ResponseWriter, r *http.Request) {
	f, msg := journalFilter(r)
	if msg != "" {
		adminError(w, http.StatusBadRequest, msg)
		return
	}
	entries := a.s.Journal.Filter(f)
	if entries == nil {
		entries = []JournalEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(entries), "entries": entries})
}

func (a *admin) clearJournal(w http.ResponseWriter, _ *http.Request) {
	a.s.Journal.Clear()
	writeJSON(w, http.StatusOK, map[string]int{"count": 0})
}

func (a *admin) journalOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, ref := q.Get("provider"), q.Get("ref")
	if orderRoutes[p] == nil || ref == "" {
		adminError(w, http.StatusBadRequest, "set provider (partner, esimstory or topups) and ref (the external id or description)")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"provider": p, "ref": ref, "orders": a.s.Journal.OrdersCreated(p, ref)})
}

func (a *admin) journalAfterRefusal(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := strconv.Atoi(q.Get("status"))
	if err != nil {
		status = http.StatusTooManyRequests
	}
	window := 15 * time.Minute
	if s := q.Get("window"); s != "" {
		if window, err = time.ParseDuration(s); err != nil || window <= 0 {
			adminError(w, http.StatusBadRequest, `window must be a positive Go duration such as "15m"`)
			return
		}
	}
	if q.Get("provider") == "" || q.Get("route") == "" {
		adminError(w, http.StatusBadRequest, "set provider and route (a route template as the journal names it)")
		return
	}
	bad := a.s.Journal.AfterRefusal(q.Get("provider"), q.Get("route"), status, window)
	if bad == nil {
		bad = []JournalEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(bad), "entries": bad})
}

func (a *admin) resetProvider(w http.ResponseWriter, r *http.Request) {
	if err := a.s.ResetProvider(r.PathValue("provider")); err != nil {
		adminError(w, http.StatusNotFound, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reset": r.PathValue("provider")})
}

// trigger sends a webhook now: for partner, order.status_changed for an
// order (a new outside order when none is named); for eSIM Story, the
// delivery of a unit or an order (a new outside order when none is named).
func (a *admin) trigger(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Event           string `json:"event"`
		OrderID         string `json:"order_id"`
		TopupID         string `json:"topup_id"`
		ExternalOrderID string `json:"external_order_id"`
	}
	if !decode(w, r, &in) {
		return
	}
	switch p := r.PathValue("provider"); p {
	case ProviderPartner:
		if in.Event != "" && in.Event != "order.status_changed" {
			adminError(w, http.StatusBadRequest, "partner sends one event: order.status_changed")
			return
		}
		a.triggerPartner(w, in.OrderID)
	case ProviderESIMStory:
		if in.Event != "" && in.Event != "delivery" {
			adminError(w, http.StatusBadRequest, "eSIM Story sends one event: delivery")
			return
		}
		a.triggerESIMStory(w, in.TopupID, in.ExternalOrderID)
	default:
		adminError(w, http.StatusNotFound, "only partner and esimstory send webhooks")
	}
}

func (a *admin) triggerPartner(w http.ResponseWriter, orderID string) {
	f := a.s.Partner()
	if orderID == "" {
		if !f.hasTarget() {
			adminError(w, http.StatusConflict, "no webhook URL: PUT /webhooks/partner first")
			return
		}
		o, err := f.PlaceOutsideOrder(PartnerOutsideOrder{Status: PartnerStatusProcessing})
		if err != nil {
			adminError(w, http.StatusConflict, err.Error())
			return
		}
		orderID = o.ID
		if err := f.CompleteOrder(orderID); err != nil {
			adminError(w, http.StatusConflict, err.Error())
			return
		}
		a.triggered(w, ProviderPartner, "order.status_changed", orderID, "")
		return
	}
	key, err := f.Announce(orderID)
	switch {
	case errors.Is(err, ErrNoOrder):
		adminError(w, http.StatusNotFound, "no order "+orderID)
	case errors.Is(err, ErrNoWebhookTarget):
		adminError(w, http.StatusConflict, "no webhook URL: PUT /webhooks/partner first")
	default:
		a.triggered(w, ProviderPartner, "order.status_changed", orderID, key)
	}
}

func (a *admin) triggered(w http.ResponseWriter, provider, event, id, key string) {
	writeJSON(w, http.StatusAccepted, map[string]string{"provider": provider, "event": event, "id": id, "idempotency_key": key})
}

func (a *admin) triggerESIMStory(w http.ResponseWriter, topupID, ext string) {
	f := a.s.ESIMStory()
	var err error
	id := topupID
	switch {
	case topupID != "":
		err = f.Deliver(topupID)
	case ext != "":
		id, err = ext, f.DeliverAll(ext)
	default:
		var ids []string
		if ids, err = f.OrderOutside(ESIMStoryOutside{}); err == nil {
			id, err = ids[0], f.Deliver(ids[0])
		}
	}
	switch {
	case errors.Is(err, ErrUnknownTopup):
		adminError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrNoWebhookTarget):
		adminError(w, http.StatusConflict, "no webhook URL: PUT /webhooks/esimstory first")
	case err != nil:
		adminError(w, http.StatusBadGateway, err.Error())
	default:
		writeJSON(w, http.StatusOK, map[string]string{"provider": ProviderESIMStory, "event": "delivery", "id": id})
	}
}

func (a *admin) partnerOutside(w http.ResponseWriter, r *http.Request) {
	var in PartnerOutsideOrder
	if !decode(w, r, &in) {
		return
	}
	o, err := a.s.Partner().PlaceOutsideOrder(in)
	if err != nil {
		adminError(w, http.StatusConflict, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, o.json())
}

func (a *admin) smsOutside(w http.ResponseWriter, r *http.Request) {
	var in SMSOutsideBuy
	if !decode(w, r, &in) {
		return
	}
	id, err := a.s.SMS().BuyOutside(in)
	if err != nil {
		adminError(w, http.StatusConflict, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"order_id": id, "left_open": in.LeftOpen})
}

func (a *admin) smsPayout(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Amount   string `json:"amount"`
		Method   string `json:"method"`
		Fee      string `json:"fee"`
		Receiver string `json:"receiver"`
	}
	if !decode(w, r, &in) {
		return
	}
	amount, err := decimal.NewFromString(strings.TrimSpace(in.Amount))
	if err != nil {
		adminError(w, http.StatusBadRequest, `amount must be a decimal string such as "10.50"`)
		return
	}
	if err := a.s.SMS().WithdrawOutside(SMSOutsidePayout{Amount: amount, Method: in.Method, Fee: in.Fee, Receiver: in.Receiver}); err != nil {
		adminError(w, http.StatusConflict, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"amount": amount.String()})
}

func (a *admin) topupsOutside(w http.ResponseWriter, r *http.Request) {
	var in TopupsOutside
	if !decode(w, r, &in) {
		return
	}
	desc, err := a.s.Topups().SubmitOutside(in)
	if err != nil {
		adminError(w, http.StatusConflict, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"description": desc})
}

func (a *admin) esimOutside(w http.ResponseWriter, r *http.Request) {
	var in ESIMStoryOutside
	if !decode(w, r, &in) {
		return
	}
	ids, err := a.s.ESIMStory().OrderOutside(in)
	if err != nil {
		adminError(w, http.StatusConflict, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"topup_ids": ids})
}

func (a *admin) esimWithhold(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TopupID string `json:"topup_id"`
	}
	if !decode(w, r, &in) {
		return
	}
	if err := a.s.ESIMStory().Withhold(in.TopupID); err != nil {
		adminError(w, http.StatusNotFound, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, in)
}
