package simkittest

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"github.com/simkit/simkit/signing"
)

// PartnerPrefix is the path the Partner fake is mounted under in an Env;
// Config.PartnerURL ends with it, so a client that drops its base path is
// caught.
const PartnerPrefix = "/v1/partner"

// PartnerFakeConfig configures a PartnerFake. Zero fields get the defaults
// named on them.
type PartnerFakeConfig struct {
	// Token is the S2S bearer token the fake accepts.
	Token string
	// Secret is partner_secret: it checks order and top-up signatures and
	// signs webhooks.
	Secret string
	// Now is the fake's clock for the ±5 minute window and timestamps.
	Now func() time.Time
	// Balance is the starting balance (default 1000.00) in Currency
	// (default "USD").
	Balance decimal.Decimal
	// Currency is the account currency (default "USD").
	Currency string
	// AllowOverdraft lets the balance go down to -OverdraftLimit.
	AllowOverdraft bool
	// OverdraftLimit is how far below zero an overdraft may go.
	OverdraftLimit decimal.Decimal
	// Products is the catalog size including the seeded products; default
	// 250, so listing at the default per_page of 100 takes three pages.
	Products int
	// ManualCompletion keeps new orders "processing" until CompleteOrder or
	// FailOrder; by default an order completes at once.
	ManualCompletion bool
	// WebhookURL receives order.status_changed webhooks; WebhookHandler,
	// when set, receives them in-process instead. Neither set: none are sent.
	WebhookURL string
	// WebhookHandler receives webhooks in-process (see WebhookURL).
	WebhookHandler http.Handler
	// WebhookRetryDelays are the waits between delivery attempts (default
	// 10 s, 100 s as the provider documents; tests pass milliseconds).
	WebhookRetryDelays []time.Duration
	// After waits for a webhook retry's delay on the fake's clock; default
	// time.After. Pass a Clock's After so advancing the clock fires the
	// retries that are due.
	After func(time.Duration) <-chan time.Time
	// WebhookClient sends webhooks to WebhookURL (default: 10 s timeout,
	// the provider's answer deadline).
	WebhookClient *http.Client
}

// PartnerFake is a strict, stateful fake of the Partner S2S API 1.1.0,
// following the provider's docs: bearer and HMAC checked, a balance charged
// per order, a seeded catalog with cursor pagination, external ids unique
// forever, eSIM status and top-ups, and signed order.status_changed
// webhooks with retries. Mount it at any path; it routes on the path after
// PartnerPrefix when present.
//
// Answers use the documented envelope ({success, data, meta} and, on
// creation, message) and the documented nulls: an open-range SKU's price,
// an order without metadata, delivery fields a unit does not have, the
// foreign-currency fields of a balance movement. Request bodies are JSON,
// the only encoding the docs give (any application/json or +json media
// type); numbers the validator would accept as strings ("quantity": "2")
// are accepted. Other media types are refused with 415, so a client that
// forgets its Content-Type fails here as it would against the service.
//
// What it does not model: locales (texts are English whatever locale is
// asked), reserved amounts (always 0), the pricelist's undocumented extra
// fields beyond the SKU's, rate limits, and partial completion of orders
// placed through the API (PlaceOutsideOrder can leave an order partially
// completed).
type PartnerFake struct {
	cfg    PartnerFakeConfig
	now    func() time.Time
	signer *signing.Signer
	mux    *http.ServeMux

	mu         sync.Mutex
	balance    decimal.Decimal
	products   []*partnerProduct
	skus       map[string]*partnerSKU
	orders     []*PartnerOrder // oldest first
	byID       map[string]*PartnerOrder
	byExternal map[string]*PartnerOrder
	txs        []map[string]any
	txSeq      int
	esims      map[string]*PartnerESIM
	hook       webhookTarget
	attempts   []PartnerWebhookAttempt

	wg   sync.WaitGroup
	done chan struct{}
	once sync.Once
}

// NewPartnerFake builds a Partner fake with a seeded catalog.
func NewPartnerFake(cfg PartnerFakeConfig) *PartnerFake {
	if cfg.Balance.IsZero() {
		cfg.Balance = decimal.RequireFromString("1000.00")
	}
	if cfg.Currency == "" {
		cfg.Currency = "USD"
	}
	if cfg.Products <= 0 {
		cfg.Products = 250
	}
	if cfg.WebhookRetryDelays == nil {
		cfg.WebhookRetryDelays = []time.Duration{10 * time.Second, 100 * time.Second}
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.WebhookClient == nil {
		cfg.WebhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	f := &PartnerFake{
		cfg:        cfg,
		now:        nowOr(cfg.Now),
		signer:     signing.NewSigner([]byte(cfg.Secret)),
		balance:    cfg.Balance,
		skus:       map[string]*partnerSKU{},
		byID:       map[string]*PartnerOrder{},
		byExternal: map[string]*PartnerOrder{},
		esims:      map[string]*PartnerESIM{},
		hook:       webhookTarget{url: cfg.WebhookURL, handler: cfg.WebhookHandler},
		done:       make(chan struct{}),
	}
	f.seedCatalog()
	f.txs = append(f.txs, f.transaction("topup", cfg.Balance, ""))
	m := http.NewServeMux()
	m.HandleFunc("GET /me", f.handleMe)
	m.HandleFunc("GET /balance", f.handleBalance)
	m.HandleFunc("GET /balance/history", f.handleHistory)
	m.HandleFunc("GET /catalog/products", f.handleProducts)
	m.HandleFunc("GET /catalog/products/{uuid}", f.handleProduct)
	m.HandleFunc("GET /catalog/pricelist", f.handlePricelist)
	m.HandleFunc("GET /catalog/categories", f.handleCategories)
	m.HandleFunc("GET /orders", f.handleListOrders)
	m.HandleFunc("POST /orders", f.handleCreateOrder)
	m.HandleFunc("GET /orders/{uuid}", f.handleGetOrder)
	m.HandleFunc("POST /services/esim/{iccid}/topup", f.handleTopup)
	m.HandleFunc("GET /services/esim/{iccid}/status", f.handleESIMStatus)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		partnerError(w, http.StatusNotFound, "Not found.")
	})
	f.mux = m
	return f
}

// ServeHTTP checks the bearer token and routes the request.
func (f *PartnerFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !ok || f.cfg.Token == "" || !constantEqual(tok, f.cfg.Token) {
		partnerError(w, http.StatusUnauthorized, "Unauthenticated.")
		return
	}
	r2 := r.Clone(r.Context())
	if p, ok := strings.CutPrefix(r.URL.Path, PartnerPrefix); ok {
		r2.URL.Path = p
		r2.URL.RawPath = ""
	}
	f.mux.ServeHTTP(w, r2)
}

// Close stops pending webhook retries and waits for deliveries in flight.
func (f *PartnerFake) Close() {
	f.once.Do(func() { close(f.done) })
	f.wg.Wait()
}

// Balance returns the current balance.
func (f *PartnerFake) Balance() decimal.Decimal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.balance
}

// SetBalance replaces the balance, e.g. to test an exhausted account.
func (f *PartnerFake) SetBalance(d decimal.Decimal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.balance = d
}

// partnerError answers the provider's error envelope.
func partnerError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "message": msg})
}

// partnerOK answers the success envelope, with meta when it is not nil.
func partnerOK(w http.ResponseWriter, status int, data any, meta map[string]any, msg string) {
	body := map[string]any{"success": true, "data": data}
	if meta != nil {
		body["meta"] = meta
	}
	if msg != "" {
		body["message"] = msg
	}
	writeJSON(w, status, body)
}

func money(d decimal.Decimal) string { return d.StringFixed(2) }
