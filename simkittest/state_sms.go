package simkittest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// smsState is the SMS fake's state document.
type smsState struct {
	Balance      decimal.Decimal            `json:"balance"`
	Rating       decimal.Decimal            `json:"rating"`
	Orders       []smsOrderState            `json:"orders"`
	Payments     []smsPayment               `json:"payments"`
	Vendor       []smsPayment               `json:"vendor_payments"`
	Wallets      map[string]decimal.Decimal `json:"wallets"`
	Stock        map[string]int             `json:"stock"`
	NextID       int64                      `json:"next_id"`
	NextSMS      int64                      `json:"next_sms"`
	NextPay      int64                      `json:"next_payment"`
	MaxPrices    []smsMaxPriceState         `json:"max_prices"`
	NextMaxPrice int64                      `json:"next_max_price"`
	BlockedUntil time.Time                  `json:"blocked_until"`
	Scheduled    []smsScheduledState        `json:"scheduled"`
}

type smsOrderState struct {
	ID               int64             `json:"id"`
	Phone            string            `json:"phone"`
	Operator         string            `json:"operator"`
	Product          string            `json:"product"`
	Country          string            `json:"country"`
	Category         string            `json:"category"`
	Price            decimal.Decimal   `json:"price"`
	Status           string            `json:"status"`
	Expires          time.Time         `json:"expires"`
	CreatedAt        time.Time         `json:"created_at"`
	SMS              []smsMessageState `json:"sms"`
	Forwarding       bool              `json:"forwarding"`
	ForwardingNumber string            `json:"forwarding_number"`
	Reuse            bool              `json:"reuse"`
	Voice            bool              `json:"voice"`
	AutoDelivered    bool              `json:"auto_delivered"`
	Carried          int               `json:"carried"`
	LeftOpen         bool              `json:"left_open"`
}

type smsMessageState struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Date      time.Time `json:"date"`
	Sender    string    `json:"sender"`
	Text      string    `json:"text"`
	Code      string    `json:"code"`
}

type smsMaxPriceState struct {
	ID        int64           `json:"id"`
	Product   string          `json:"product"`
	Price     decimal.Decimal `json:"price"`
	CreatedAt time.Time       `json:"created_at"`
}

type smsScheduledState struct {
	Order int64     `json:"order"`
	At    time.Time `json:"at"`
	Text  string    `json:"text"`
	Code  string    `json:"code"`
}

func (o *smsOffer) key() string {
	return o.Country + "/" + o.Operator + "/" + o.Product + "/" + o.Category
}

// State returns the fake's state as JSON (see Server.Snapshot).
func (f *SMSFake) State() json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := smsState{
		Balance: f.balance, Rating: f.rating, Payments: f.payments, Vendor: f.vendor,
		Wallets: f.cfg.Wallets, Stock: map[string]int{}, NextID: f.nextID, NextSMS: f.nextSMS, NextPay: f.nextPay,
		NextMaxPrice: f.ext.nextMaxPrice, BlockedUntil: f.ext.blockedUntil,
	}
	for _, o := range f.offers {
		st.Stock[o.key()] = o.Count
	}
	for _, o := range f.orders {
		os := smsOrderState{
			ID: o.id, Phone: o.phone, Operator: o.operator, Product: o.product, Country: o.country, Category: o.category,
			Price: o.price, Status: o.status, Expires: o.expires, CreatedAt: o.createdAt, Forwarding: o.forwarding,
			ForwardingNumber: o.forwardingNumber, Reuse: o.reuse, Voice: o.voice, AutoDelivered: o.autoDelivered,
			Carried: o.carried, LeftOpen: o.stuck,
		}
		for _, m := range o.sms {
			os.SMS = append(os.SMS, smsMessageState{m.id, m.createdAt, m.date, m.sender, m.text, m.code})
		}
		st.Orders = append(st.Orders, os)
	}
	for _, m := range f.ext.maxPrices {
		st.MaxPrices = append(st.MaxPrices, smsMaxPriceState{m.id, m.product, m.price, m.createdAt})
	}
	for _, s := range f.ext.scheduled {
		st.Scheduled = append(st.Scheduled, smsScheduledState{s.order, s.at, s.text, s.code})
	}
	b, _ := json.Marshal(st)
	return b
}

// LoadState replaces the fake's state with one State returned.
func (f *SMSFake) LoadState(b json.RawMessage) error {
	var st smsState
	if err := decodeState(b, &st); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	offers := map[string]*smsOffer{}
	for _, o := range f.offers {
		offers[o.key()] = o
	}
	for k := range st.Stock {
		if offers[k] == nil {
			return fmt.Errorf("%w: SMS offer %s is not in the catalog", ErrState, k)
		}
	}
	for k, n := range st.Stock {
		offers[k].Count = n
	}
	f.balance, f.rating, f.payments, f.vendor = st.Balance, st.Rating, st.Payments, st.Vendor
	if st.Wallets != nil {
		f.cfg.Wallets = st.Wallets
	}
	f.nextID, f.nextSMS, f.nextPay = st.NextID, st.NextSMS, st.NextPay
	f.orders = nil
	for _, os := range st.Orders {
		o := &smsOrder{
			id: os.ID, phone: os.Phone, operator: os.Operator, product: os.Product, country: os.Country, category: os.Category,
			price: os.Price, status: os.Status, expires: os.Expires, createdAt: os.CreatedAt, forwarding: os.Forwarding,
			forwardingNumber: os.ForwardingNumber, reuse: os.Reuse, voice: os.Voice, autoDelivered: os.AutoDelivered,
			carried: os.Carried, stuck: os.LeftOpen,
		}
		for _, m := range os.SMS {
			o.sms = append(o.sms, smsMessage{id: m.ID, createdAt: m.CreatedAt, date: m.Date, sender: m.Sender, text: m.Text, code: m.Code})
		}
		f.orders = append(f.orders, o)
	}
	f.ext.maxPrices, f.ext.nextMaxPrice, f.ext.blockedUntil = map[string]*smsMaxPrice{}, st.NextMaxPrice, st.BlockedUntil
	for _, m := range st.MaxPrices {
		f.ext.maxPrices[m.Product] = &smsMaxPrice{id: m.ID, product: m.Product, price: m.Price, createdAt: m.CreatedAt}
	}
	f.ext.scheduled = nil
	for _, s := range st.Scheduled {
		f.ext.scheduled = append(f.ext.scheduled, smsScheduled{order: s.Order, at: s.At, text: s.Text, code: s.Code})
	}
	return nil
}
