package simkittest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// SMSFakeConfig configures an SMSFake; every zero value has a documented default
// so NewSMSFake(SMSFakeConfig{Token: "t"}) is a working provider.
type SMSFakeConfig struct {
	// Token is the API key accepted as "Authorization: Bearer {Token}" on
	// /v1/user/* and /v1/vendor/*; an empty Token refuses every such call.
	Token string
	// Now is the fake's clock (order expiry, timers, rate limits); default time.Now.
	Now func() time.Time
	// Balance is the starting user balance; default 100 (the documented profile's).
	Balance decimal.Decimal
	// Rating is the starting user rating; default 96 (the API's start and maximum).
	Rating decimal.Decimal
	// OrderLifetime is how long an activation order lives; default 15 minutes, the API's.
	OrderLifetime time.Duration
	// DeliverAfter, when > 0, makes every order receive one SMS this long after
	// it was bought (evaluated on the fake clock at the next request), like a
	// real service sending its code.
	DeliverAfter time.Duration
	// DeliverText and DeliverCode are the SMS DeliverAfter sends; default
	// "Your code is 123456" and "123456".
	DeliverText, DeliverCode string
	// ReuseWindow is how long after purchase a number bought with reuse=1 can
	// be re-bought; default 24 hours.
	ReuseWindow time.Duration
	// RateLimit, when > 0, is the number of authenticated requests per second
	// (on the fake clock) before the fake answers 429, like the real 100 req/s limit.
	RateLimit int
	// Wallets are the vendor's reserves per payment system; default the documented
	// fkwallet 43339.55, payeer 2117.32, unitpay 97.6.
	Wallets map[string]decimal.Decimal
	// Flash is the notification text per language; default an English and a Russian text.
	Flash map[string]string
}

// SMSFake is a strict, stateful fake of the 5sim-style SMS activation API;
// it is an http.Handler serving the API at the root and is safe for
// concurrent use.
//
// What it models: the documented routes and answer shapes, each endpoint in
// its own documented field set (a buy answers "sms": null; check, finish,
// cancel and ban carry no operator; history entries carry no forwarding
// fields; hosting orders carry no operator or country); plain-text errors
// with the statuses the live API uses ("no free phones" with 200, "order
// not found" 404 on check and 400 on finish, cancel and ban, 401 with an
// empty body for a bad token, a 302 to /404.html for an unknown path);
// balance, stock, rating, order lifetimes, expiry refunds, re-buys and
// vendor payouts. Withdraw takes the documented JSON body whatever the
// Content-Type says (curl -d without -H sends it as form-urlencoded); the
// API documents no other encoding, so form fields are refused.
//
// It also models the rating rules (start and maximum 96; top-up +8,
// finished before the code timeout +0.5, finished automatically +0.4,
// timeout -0.15, cancel -0.1, ban -0.1; at 0 no orders for SMSRatingBlock,
// then back to 96), price limits (maxPrice on a buy with operator "any",
// /v1/user/max-prices), SMS that arrive late (ScheduleSMS: dropped once the
// order closed) and orders that expire (Expire).
//
// What it does not model: per-IP limits, voice calls and forwarding.
type SMSFake struct {
	mu       sync.Mutex
	cfg      SMSFakeConfig
	mux      *http.ServeMux
	offers   []*smsOffer
	orders   []*smsOrder
	payments []smsPayment
	vendor   []smsPayment
	nextID   int64
	nextSMS  int64
	nextPay  int64
	balance  decimal.Decimal
	rating   decimal.Decimal
	forced   map[string][]string
	rlSecond int64
	rlCount  int
	requests int
	// ext is the state of price limits, the rating lockout and late SMS.
	ext smsExt
}

// smsRatingMax is both the starting and the maximum rating (the API's rating rules).
var smsRatingMax = decimal.NewFromInt(96)

// NewSMSFake returns an SMS fake holding the documented examples' catalog,
// profile and wallets, ready to be served with httptest.NewServer.
func NewSMSFake(cfg SMSFakeConfig) *SMSFake {
	cfg.Now = nowOr(cfg.Now)
	if cfg.Balance.IsZero() {
		cfg.Balance = decimal.NewFromInt(100)
	}
	if cfg.Rating.IsZero() {
		cfg.Rating = smsRatingMax
	}
	if cfg.OrderLifetime <= 0 {
		cfg.OrderLifetime = 15 * time.Minute
	}
	if cfg.DeliverText == "" {
		cfg.DeliverText = "Your code is 123456"
	}
	if cfg.DeliverCode == "" {
		cfg.DeliverCode = "123456"
	}
	if cfg.ReuseWindow <= 0 {
		cfg.ReuseWindow = 24 * time.Hour
	}
	wallets := map[string]decimal.Decimal{
		"fkwallet": decimal.RequireFromString("43339.55"),
		"payeer":   decimal.RequireFromString("2117.32"),
		"unitpay":  decimal.RequireFromString("97.6"),
	}
	for k, v := range cfg.Wallets {
		wallets[k] = v
	}
	cfg.Wallets = wallets
	flash := map[string]string{
		"en": "Welcome to the simkit fake SMS provider.",
		"ru": "Добро пожаловать в тестовый SMS-сервис simkit.",
	}
	for k, v := range cfg.Flash {
		flash[k] = v
	}
	cfg.Flash = flash

	f := &SMSFake{
		cfg:     cfg,
		offers:  smsSeedOffers(),
		nextID:  11631253, // the documented sample order id, so fixtures look familiar
		nextSMS: 3027531,
		nextPay: 30011934,
		balance: cfg.Balance,
		rating:  cfg.Rating,
		forced:  map[string][]string{},
	}
	// The documented payments history starts with the admin charge that funded the account.
	f.addPayment("charge", "admin", cfg.Balance)
	f.routes()
	return f
}

func (f *SMSFake) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /v1/user/profile", f.handleProfile)
	m.HandleFunc("GET /v1/user/orders", f.handleOrders)
	m.HandleFunc("GET /v1/user/payments", f.handlePayments)
	m.HandleFunc("GET /v1/user/buy/activation/{country}/{operator}/{product}", f.handleBuy(smsActivation))
	m.HandleFunc("GET /v1/user/buy/hosting/{country}/{operator}/{product}", f.handleBuy(smsHosting))
	m.HandleFunc("GET /v1/user/reuse/{product}/{number}", f.handleReuse)
	m.HandleFunc("GET /v1/user/check/{id}", f.handleAction("check"))
	m.HandleFunc("GET /v1/user/finish/{id}", f.handleAction("finish"))
	m.HandleFunc("GET /v1/user/cancel/{id}", f.handleAction("cancel"))
	m.HandleFunc("GET /v1/user/ban/{id}", f.handleAction("ban"))
	m.HandleFunc("GET /v1/user/sms/inbox/{id}", f.handleInbox)
	m.HandleFunc("GET /v1/user/max-prices", f.handleListMaxPrices)
	m.HandleFunc("POST /v1/user/max-prices", f.handleSetMaxPrice)
	m.HandleFunc("DELETE /v1/user/max-prices", f.handleDeleteMaxPrice)
	m.HandleFunc("GET /v1/user/vendor", f.handleVendorProfile)
	m.HandleFunc("GET /v1/vendor/wallets", f.handleWallets)
	m.HandleFunc("GET /v1/vendor/orders", f.handleVendorOrders)
	m.HandleFunc("GET /v1/vendor/payments", f.handleVendorPayments)
	m.HandleFunc("POST /v1/vendor/withdraw", f.handleWithdraw)
	m.HandleFunc("GET /v1/guest/products/{country}/{operator}", f.handleProducts)
	m.HandleFunc("GET /v1/guest/prices", f.handlePrices)
	m.HandleFunc("GET /v1/guest/countries", f.handleCountries)
	m.HandleFunc("GET /v1/guest/flash/{lang}", f.handleFlash)
	// The 404 page itself answers 404: a client that follows the redirect
	// below stops here instead of looping.
	m.HandleFunc("/404.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!DOCTYPE html><title>404</title><h1>Page not found</h1>\n"))
	})
	// 5sim answers any unknown path with a redirect to its 404 page.
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/404.html")
		w.WriteHeader(http.StatusFound)
	})
	f.mux = m
}

// ServeHTTP serves the fake API: bearer check on /v1/user/* and /v1/vendor/*
// (401 with an empty body), the optional rate limit, forced errors, then the route.
func (f *SMSFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	p := r.URL.Path
	if strings.HasPrefix(p, "/v1/user/") || strings.HasPrefix(p, "/v1/vendor/") {
		if !f.authorized(r.Header.Get("Authorization")) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if f.limited() {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
	}
	if q := f.forced[p]; len(q) > 0 {
		f.forced[p] = q[1:]
		smsError(w, q[0])
		return
	}
	f.deliverDue()
	f.sweepLocked()
	f.mux.ServeHTTP(w, r)
}

func (f *SMSFake) authorized(h string) bool {
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || f.cfg.Token == "" {
		return false
	}
	return constantEqual(tok, f.cfg.Token)
}

// limited counts requests per second of the fake clock and reports whether
// this one exceeds RateLimit.
func (f *SMSFake) limited() bool {
	if f.cfg.RateLimit <= 0 {
		return false
	}
	sec := f.cfg.Now().Unix()
	if sec != f.rlSecond {
		f.rlSecond, f.rlCount = sec, 0
	}
	f.rlCount++
	return f.rlCount > f.cfg.RateLimit
}

// smsErrorStatuses is the HTTP status of each plain-text error; texts not
// listed answer 400. "no free phones" comes with 200, as the real API sends
// it on buy.
var smsErrorStatuses = map[string]int{
	"no free phones":        http.StatusOK,
	"order not found":       http.StatusNotFound,
	"record not found":      http.StatusNotFound,
	"internal error":        http.StatusInternalServerError,
	"server offline":        http.StatusServiceUnavailable,
	"you need to wait time": http.StatusTooManyRequests,
}

// smsError writes one of the provider's plain-text errors with its usual status.
func smsError(w http.ResponseWriter, text string) {
	status, ok := smsErrorStatuses[text]
	if !ok {
		status = http.StatusBadRequest
	}
	smsErrorStatus(w, status, text)
}

// smsErrorStatus writes a plain-text error with the given status.
func smsErrorStatus(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}

// smsNum renders money and ratings as JSON numbers, as the provider does,
// without passing through float64.
func smsNum(d decimal.Decimal) json.Number { return json.Number(d.String()) }

// ForceError makes the next request to path (exactly, e.g. "/v1/user/profile")
// answer the plain-text error text with its usual status; calls queue up.
func (f *SMSFake) ForceError(path, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forced[path] = append(f.forced[path], text)
}

// Balance returns the user's current balance, after refunding the orders
// that expired by the fake's clock.
func (f *SMSFake) Balance() decimal.Decimal {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
	return f.balance
}

// Sweep applies what the fake's clock says happened since: orders past
// their lifetime time out and are refunded (or finish, with an SMS),
// automatic SMS arrive. The provider does this on its own schedule; the
// fake does it on every request, and the admin API's clock advance calls
// it, so a balance read right after moving the clock shows the refunds.
func (f *SMSFake) Sweep() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
}

func (f *SMSFake) sweepLocked() {
	for _, o := range f.orders {
		f.advance(o)
	}
}

// SetBalance sets the user's balance, e.g. to zero to test "not enough user balance".
func (f *SMSFake) SetBalance(d decimal.Decimal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.balance = d
}

// Charge tops the balance up by amount, records a "charge" payment and adds
// the API's +8 rating for a replenishment.
func (f *SMSFake) Charge(amount decimal.Decimal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.balance = f.balance.Add(amount)
	f.addPayment("charge", "admin", amount)
	f.addRating(decimal.NewFromInt(8))
}

// Rating returns the user's current rating.
func (f *SMSFake) Rating() decimal.Decimal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rating
}

// SetRating sets the user's rating, e.g. to zero to test "not enough rating"
// (which starts the 24-hour block); a positive rating lifts the block.
func (f *SMSFake) SetRating(d decimal.Decimal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rating = d
	f.ext.blockedUntil = time.Time{}
	f.noteRating()
}

// Requests returns how many requests the fake has served, so tests can prove
// a client did (or did not) call it.
func (f *SMSFake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *SMSFake) addRating(d decimal.Decimal) {
	f.rating = decimal.Min(smsRatingMax, decimal.Max(decimal.Zero, f.rating.Add(d)))
	f.noteRating()
}

func (f *SMSFake) addPayment(typ, provider string, amount decimal.Decimal) {
	f.payments = append(f.payments, smsPayment{
		ID: f.nextPay, TypeName: typ, ProviderName: provider,
		Amount: amount, Balance: f.balance, CreatedAt: f.cfg.Now(),
	})
	f.nextPay++
}
