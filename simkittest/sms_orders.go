package simkittest

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// SMS order statuses, as the API names them.
const (
	SMSPending  = "PENDING"
	SMSReceived = "RECEIVED"
	SMSCanceled = "CANCELED"
	SMSTimeout  = "TIMEOUT"
	SMSFinished = "FINISHED"
	SMSBanned   = "BANNED"
)

// ErrSMSOrderNotFound is returned by the SMSFake control methods for an order
// id the fake never issued.
var ErrSMSOrderNotFound = errors.New("simkittest: sms order not found")

// ErrSMSOrderClosed is returned by DeliverSMS for an order that can no longer
// receive messages (canceled, banned, finished or timed out).
var ErrSMSOrderClosed = errors.New("simkittest: sms order is closed")

type smsMessage struct {
	id              int64
	createdAt, date time.Time
	sender, text    string
	code            string
}

type smsOrder struct {
	id                       int64
	phone, operator, product string
	country, category        string
	price                    decimal.Decimal
	status                   string
	expires, createdAt       time.Time
	sms                      []smsMessage
	forwarding, reuse, voice bool
	forwardingNumber         string
	autoDelivered            bool
	// carried counts the SMS at the start of sms that a re-buy carried
	// over from the number's earlier orders (SetReuseKeepsSMS); they do
	// not count as this order's SMS.
	carried int
	// stuck keeps the order open past its expiry, neither timed out nor
	// refunded (an anomaly reconciliation must find).
	stuck bool
}

func (f *SMSFake) handleBuy(category string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		country, operator, product := r.PathValue("country"), r.PathValue("operator"), r.PathValue("product")
		if f.ratingBlocked() {
			smsError(w, "not enough rating")
			return
		}
		if e := f.checkPlace(country, operator); e != "" {
			smsError(w, e)
			return
		}
		var cands []*smsOffer
		for _, x := range f.matching(country, operator, product) {
			if x.Category == category {
				cands = append(cands, x)
			}
		}
		if len(cands) == 0 {
			smsError(w, "no product")
			return
		}
		// "any" buys the cheapest line in stock, like the provider's default.
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].Cost.LessThan(cands[j].Cost) })
		limit, capped, msg := f.priceCap(operator, product, r)
		if msg != "" {
			smsError(w, msg)
			return
		}
		var pick *smsOffer
		for _, x := range cands {
			if x.Count > 0 && (!capped || !x.Cost.GreaterThan(limit)) {
				pick = x
				break
			}
		}
		if pick == nil {
			smsError(w, "no free phones")
			return
		}
		if f.balance.LessThan(pick.Cost) {
			smsError(w, "not enough user balance")
			return
		}
		q := r.URL.Query()
		o := f.newOrder(pick.Country, pick.Operator, product, category, pick.Cost, "")
		o.forwarding = q.Get("forwarding") == "1" || q.Get("forwarding") == "true"
		o.forwardingNumber = q.Get("number")
		o.reuse = q.Get("reuse") == "1"
		o.voice = q.Get("voice") == "1"
		pick.Count--
		writeJSON(w, http.StatusOK, o.view(smsViewBuy))
	}
}

// newOrder charges the balance and records a PENDING order; phone "" gets a
// fresh number with the country's prefix.
func (f *SMSFake) newOrder(country, operator, product, category string, price decimal.Decimal, phone string) *smsOrder {
	now := f.cfg.Now()
	life := f.cfg.OrderLifetime
	switch product {
	case "3hours":
		life = 3 * time.Hour
	case "1day":
		life = 24 * time.Hour
	}
	id := f.nextID
	f.nextID++
	if phone == "" {
		phone = fmt.Sprintf("%s900%07d", smsCountries[country].prefix, id%10000000)
	}
	o := &smsOrder{
		id: id, phone: phone, operator: operator, product: product, country: country,
		category: category, price: price, status: SMSPending,
		createdAt: now, expires: now.Add(life),
	}
	f.balance = f.balance.Sub(price)
	f.orders = append(f.orders, o)
	return o
}

func (f *SMSFake) handleReuse(w http.ResponseWriter, r *http.Request) {
	product, number := r.PathValue("product"), r.PathValue("number")
	if !allDigits(number) || len(number) < 4 || len(number) > 15 {
		smsError(w, "reuse not possible")
		return
	}
	var prev *smsOrder
	for _, o := range f.orders {
		if o.product == product && o.phone == "+"+number {
			prev = o
		}
	}
	switch {
	case prev == nil:
		smsError(w, "reuse not possible")
		return
	case !prev.reuse:
		smsError(w, "reuse false")
		return
	case !f.cfg.Now().Before(prev.createdAt.Add(f.cfg.ReuseWindow)):
		smsError(w, "reuse expired")
		return
	case f.ratingBlocked():
		smsError(w, "not enough rating")
		return
	case f.balance.LessThan(prev.price):
		smsError(w, "not enough user balance")
		return
	}
	o := f.newOrder(prev.country, prev.operator, product, prev.category, prev.price, prev.phone)
	o.reuse = true
	f.carrySMS(o)
	writeJSON(w, http.StatusOK, o.view(smsViewBuy))
}

func (f *SMSFake) order(idText string) *smsOrder {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil
	}
	return f.find(id)
}

func (f *SMSFake) find(id int64) *smsOrder {
	for _, o := range f.orders {
		if o.id == id {
			f.advance(o)
			return o
		}
	}
	return nil
}

// advance applies what the fake clock says has happened since the last look:
// the configured automatic SMS, then expiry (PENDING -> TIMEOUT with a refund,
// RECEIVED -> FINISHED as the provider auto-finishes).
func (f *SMSFake) advance(o *smsOrder) {
	if o.stuck {
		return
	}
	now := f.cfg.Now()
	if f.cfg.DeliverAfter > 0 && !o.autoDelivered && (o.status == SMSPending || o.status == SMSReceived) {
		at := o.createdAt.Add(f.cfg.DeliverAfter)
		if !now.Before(at) && at.Before(o.expires) {
			o.autoDelivered = true
			f.deliver(o, at, o.product, f.cfg.DeliverText, f.cfg.DeliverCode)
		}
	}
	if now.Before(o.expires) {
		return
	}
	switch o.status {
	case SMSPending:
		if o.category == smsHosting {
			o.status = SMSFinished
			return
		}
		o.status = SMSTimeout
		f.balance = f.balance.Add(o.price)
		f.addRating(decimal.RequireFromString("-0.15"))
	case SMSReceived:
		o.status = SMSFinished
		f.addRating(decimal.RequireFromString("0.4"))
	}
}

func (f *SMSFake) deliver(o *smsOrder, at time.Time, sender, text, code string) {
	o.sms = append(o.sms, smsMessage{id: f.nextSMS, createdAt: at, date: at.Truncate(time.Second), sender: sender, text: text, code: code})
	f.nextSMS++
	if o.status == SMSPending {
		o.status = SMSReceived
	}
}

func (f *SMSFake) handleAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		o := f.order(r.PathValue("id"))
		if o == nil {
			// Seen live: 404 on check, 400 on finish, cancel and ban.
			status := http.StatusBadRequest
			if action == "check" {
				status = http.StatusNotFound
			}
			smsErrorStatus(w, status, "order not found")
			return
		}
		if action == "check" {
			writeJSON(w, http.StatusOK, o.view(smsViewAction))
			return
		}
		if e := f.transition(o, action); e != "" {
			smsError(w, e)
			return
		}
		writeJSON(w, http.StatusOK, o.view(smsViewAction))
	}
}

// smsActionResult is the status each action leads to.
var smsActionResult = map[string]string{"finish": SMSFinished, "cancel": SMSCanceled, "ban": SMSBanned}

// transition applies finish/cancel/ban and returns the provider's refusal
// text, or "" on success. Repeating the action that closed an order answers
// the order again (idempotent); any other action on a closed order is refused.
func (f *SMSFake) transition(o *smsOrder, action string) string {
	target := smsActionResult[action]
	switch o.status {
	case target:
		return ""
	case SMSTimeout:
		return "order expired"
	case SMSCanceled, SMSBanned, SMSFinished:
		return "order expired"
	}
	if o.category == smsHosting && action != "finish" {
		return "hosting order"
	}
	switch action {
	case "finish":
		if len(o.sms) <= o.carried && o.category != smsHosting {
			return "order no sms"
		}
		o.status = SMSFinished
		f.addRating(decimal.RequireFromString("0.5"))
	default:
		if len(o.sms) > o.carried {
			return "order has sms"
		}
		o.status = target
		f.balance = f.balance.Add(o.price)
		f.addRating(decimal.RequireFromString("-0.1"))
	}
	return ""
}

func (f *SMSFake) handleInbox(w http.ResponseWriter, r *http.Request) {
	o := f.order(r.PathValue("id"))
	if o == nil {
		smsError(w, "order not found")
		return
	}
	data := make([]map[string]any, 0, len(o.sms))
	for _, m := range o.sms {
		data = append(data, map[string]any{
			"ID": m.id, "created_at": m.createdAt.UTC().Format(time.RFC3339Nano),
			"date": m.date.UTC().Format(time.RFC3339), "sender": m.sender,
			"text": m.text, "code": m.code, "is_wave": false, "wave_uuid": "",
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"Data": data, "Total": len(data)})
}

// smsView selects which of the documented order shapes an answer takes:
// the API documents a different field set per endpoint, and the fake
// answers each in its own.
type smsView int

const (
	// smsViewBuy is the answer to an activation buy or re-buy: every
	// field, "sms": null (nothing can have arrived yet).
	smsViewBuy smsView = iota
	// smsViewAction is the answer to check, finish, cancel and ban: no
	// operator, "sms" an array.
	smsViewAction
	// smsViewHistory is an orders history entry: no forwarding fields,
	// "sms" an array.
	smsViewHistory
)

// view renders the order in the shape the API documents for v. Hosting
// orders always take the hosting buy's shape (no operator, country or
// forwarding fields; SMS with their id).
func (o *smsOrder) view(v smsView) map[string]any {
	sms := []map[string]any{}
	for _, m := range o.sms {
		e := map[string]any{
			"created_at": m.createdAt.UTC().Format(time.RFC3339Nano),
			"date":       m.date.UTC().Format(time.RFC3339), "sender": m.sender,
			"text": m.text, "code": m.code,
		}
		if o.category == smsHosting {
			e["id"] = m.id
		}
		sms = append(sms, e)
	}
	out := map[string]any{
		"id": o.id, "phone": o.phone, "product": o.product, "price": smsNum(o.price),
		"status": o.status, "expires": o.expires.UTC().Format(time.RFC3339Nano),
		"sms": sms, "created_at": o.createdAt.UTC().Format(time.RFC3339Nano),
	}
	if o.category == smsHosting {
		return out
	}
	out["country"] = o.country
	switch v {
	case smsViewBuy:
		out["sms"] = nil
		out["operator"] = o.operator
		out["forwarding"] = o.forwarding
		out["forwarding_number"] = o.forwardingNumber
	case smsViewAction:
		out["forwarding"] = o.forwarding
		out["forwarding_number"] = o.forwardingNumber
	case smsViewHistory:
		out["operator"] = o.operator
	}
	return out
}

// DeliverSMS makes an SMS with text and code arrive for the order now (on the
// fake clock), moving a PENDING order to RECEIVED.
func (f *SMSFake) DeliverSMS(orderID int64, text, code string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.find(orderID)
	if o == nil {
		return ErrSMSOrderNotFound
	}
	if o.status != SMSPending && o.status != SMSReceived {
		return fmt.Errorf("%w: order %d is %s", ErrSMSOrderClosed, orderID, o.status)
	}
	f.deliver(o, f.cfg.Now(), o.product, text, code)
	return nil
}

// Expire ends the order's lifetime now, as if the fake clock had passed its
// expiry: PENDING becomes TIMEOUT (refunded), RECEIVED becomes FINISHED.
func (f *SMSFake) Expire(orderID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.find(orderID)
	if o == nil {
		return ErrSMSOrderNotFound
	}
	if now := f.cfg.Now(); o.expires.After(now) {
		o.expires = now
	}
	f.advance(o)
	return nil
}

// OrderStatus returns the order's status as the fake clock sees it now.
func (f *SMSFake) OrderStatus(orderID int64) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deliverDue()
	o := f.find(orderID)
	if o == nil {
		return "", ErrSMSOrderNotFound
	}
	return o.status, nil
}

// OrderIDs returns the ids of all orders bought so far, oldest first.
func (f *SMSFake) OrderIDs() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]int64, len(f.orders))
	for i, o := range f.orders {
		ids[i] = o.id
	}
	return ids
}
