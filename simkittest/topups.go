package simkittest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// TopupsFakeConfig configures a TopupsFake; every zero value has a documented
// default so NewTopupsFake(TopupsFakeConfig{ClientID: "id", ClientSecret: "s"}) works.
type TopupsFakeConfig struct {
	// ClientID and ClientSecret are the credentials POST /customer/v2/token accepts.
	ClientID, ClientSecret string
	// RenewalKey is the bearer key the renewal API accepts; empty refuses every renewal.
	RenewalKey string
	// Now is the fake's clock (token expiry, the 15-minute history window); default time.Now.
	Now func() time.Time
	// TokenTTL is the lifetime of an issued access token (sent as expires_in); default 24 hours.
	TokenTTL time.Duration
	// TokenLimit is how many tokens may be issued per minute before 429
	// (the provider allows 3 a minute); 0 means 3, a negative value disables the limit.
	TokenLimit int
	// Balance is the partner's prepaid balance that top-ups (at net price) draw on; default 100.
	Balance decimal.Decimal
	// HistoryWindow is the per-ICCID package-history limit window; default 15 minutes, as the provider enforces.
	HistoryWindow time.Duration
	// StrictSIMs makes only SIMs added with AddSIM (and the built-in
	// 89852341234567890123) known; by default any well-formed ICCID is an
	// active eSIM with the default top-up packages.
	StrictSIMs bool
	// RenewalUsers are the emails with a paid subscription the renewal API
	// knows; default user@example.com.
	RenewalUsers []string
	// TrialUsers are the emails on a free trial (a renewal converts them);
	// default trial@example.com.
	TrialUsers []string
	// AcceptAnyEmail makes the renewal API succeed for unknown emails instead
	// of answering success:false.
	AcceptAnyEmail bool
	// DiscountPricing switches the account to the discount pricing model:
	// packages carry "net_price": null, lists and history say
	// pricing{model: "discount_pricing", discount_percentage}, a top-up is
	// charged the retail price less DiscountPercentage and its answer says
	// so (discount_percentage, discount_amount, unit_paid_price,
	// total_amount_paid). By default the account uses net pricing: a
	// top-up is charged the package's net price.
	DiscountPricing bool
	// DiscountPercentage is the discount under DiscountPricing; default 10.
	DiscountPercentage decimal.Decimal
}

// TopupsFake is a strict, stateful fake of the top-up API (/customer/v2/...)
// and the number-renewal API (/api/third-party/partner/renew-number/) on one
// http.Handler; it is safe for concurrent use.
//
// The top-up API has the shape of the Airalo partner API v2, and the fake
// answers in the shapes of Airalo's published v2 examples (retail price in
// "price", net price in "net_price", nested package history, status
// objects under include=status, the discount pricing fields). Its paths
// start with /customer/v2, as the top-up provider serves them, and the
// same routes answer under Airalo's /v2, so the official Airalo SDKs work
// against it with only their base URL changed. Requests are
// accepted as multipart/form-data (the docs' curl), as
// application/x-www-form-urlencoded and as JSON, as the real API does.
//
// What it models: the OAuth token and its per-minute limit, per-eSIM
// top-up lists, the balance a top-up draws on, the orders list with its
// filters (substring matches, as the provider documents) and includes, the
// one-request-per-15-minutes package history, and the renewal API. What it
// does not: eSIM orders (each eSIM starts with one original package),
// order statuses other than completed, refunds, and the usage figures of
// a real network (the original package is half used, top-ups unused).
type TopupsFake struct {
	mu         sync.Mutex
	cfg        TopupsFakeConfig
	mux        *http.ServeMux
	tokens     map[string]time.Time
	issued     []time.Time
	tokenCount int
	balance    decimal.Decimal
	sims       map[string]*topupsSIM
	orders     []*topupsOrder
	nextOrder  int64
	forced     map[string][]topupsForced
	renewal    map[string]*topupsRenewalUser
}

// TopupsSeedICCID is the eSIM the top-up fake always knows: the sample ICCID of
// the provider's docs (which, like real ones, fails the Luhn check).
const TopupsSeedICCID = "89852341234567890123"

type topupsForced struct {
	status int
	body   any
}

// NewTopupsFake returns a top-up and renewal fake seeded with one eSIM, its
// original package order and the default top-up packages.
func NewTopupsFake(cfg TopupsFakeConfig) *TopupsFake {
	cfg.Now = nowOr(cfg.Now)
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 24 * time.Hour
	}
	if cfg.TokenLimit == 0 {
		cfg.TokenLimit = 3
	}
	if cfg.Balance.IsZero() {
		cfg.Balance = decimal.NewFromInt(100)
	}
	if cfg.HistoryWindow <= 0 {
		cfg.HistoryWindow = 15 * time.Minute
	}
	if cfg.RenewalUsers == nil {
		cfg.RenewalUsers = []string{"user@example.com"}
	}
	if cfg.TrialUsers == nil {
		cfg.TrialUsers = []string{"trial@example.com"}
	}
	if cfg.DiscountPricing && cfg.DiscountPercentage.IsZero() {
		cfg.DiscountPercentage = decimal.NewFromInt(10)
	}
	f := &TopupsFake{
		cfg:       cfg,
		tokens:    map[string]time.Time{},
		balance:   cfg.Balance,
		sims:      map[string]*topupsSIM{},
		nextOrder: 9666,
		forced:    map[string][]topupsForced{},
		renewal:   map[string]*topupsRenewalUser{},
	}
	for _, e := range cfg.RenewalUsers {
		f.renewal[strings.ToLower(e)] = &topupsRenewalUser{}
	}
	for _, e := range cfg.TrialUsers {
		f.renewal[strings.ToLower(e)] = &topupsRenewalUser{trial: true}
	}
	f.addSIM(TopupsSeedICCID, nil)
	f.routes()
	return f
}

func (f *TopupsFake) routes() {
	m := http.NewServeMux()
	// The same API under the seed's /customer/v2 and under /v2, where the
	// official Airalo SDKs (whose shapes it shares) send their requests.
	for _, p := range []string{"/customer/v2", "/v2"} {
		m.HandleFunc("POST "+p+"/token", f.handleToken)
		m.HandleFunc("GET "+p+"/sims/{iccid}/topups", f.authed(f.handleTopupPackages))
		m.HandleFunc("POST "+p+"/orders/topups", f.authed(f.handleSubmitTopup))
		m.HandleFunc("GET "+p+"/sims/{iccid}/packages", f.authed(f.handlePackageHistory))
		m.HandleFunc("GET "+p+"/orders", f.authed(f.handleOrders))
		m.HandleFunc("GET "+p+"/sims", f.authed(f.handleSims))
	}
	m.HandleFunc("POST /api/third-party/partner/renew-number/", f.handleRenew)
	m.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, topupsMeta("Not found.", nil))
	})
	f.mux = m
}

// ServeHTTP serves both APIs: a forced error queued for the path wins, then
// the route with its own authentication.
func (f *TopupsFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q := f.forced[r.URL.Path]; len(q) > 0 {
		f.forced[r.URL.Path] = q[1:]
		writeJSON(w, q[0].status, q[0].body)
		return
	}
	f.mux.ServeHTTP(w, r)
}

// authed refuses a missing, unknown or expired access token with the
// provider's 401 body before the handler runs.
func (f *TopupsFake) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		exp, known := f.tokens[tok]
		if !ok || !known || !f.cfg.Now().Before(exp) {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"meta": map[string]string{"message": "Unauthenticated."}})
			return
		}
		h(w, r)
	}
}

// topupsForm reads a request body sent as multipart/form-data,
// application/x-www-form-urlencoded or JSON (an object of scalars) into
// field values; ok is false for any other or a malformed body.
func topupsForm(r *http.Request) (map[string]string, bool) {
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	out := map[string]string{}
	switch ctype {
	case "multipart/form-data":
		if r.ParseMultipartForm(1<<20) != nil {
			return nil, false
		}
		for k, v := range r.MultipartForm.Value {
			out[k] = v[0]
		}
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(nil, r.Body, 1<<20)
		if r.ParseForm() != nil {
			return nil, false
		}
		for k, v := range r.PostForm {
			out[k] = v[0]
		}
	case "application/json":
		var m map[string]any
		if json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&m) != nil {
			return nil, false
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				out[k] = v
			case float64, bool:
				out[k] = fmt.Sprint(v)
			}
		}
	default:
		return nil, false
	}
	return out, true
}

// SetDiscountPricing switches the account to discount pricing with pct
// percent off the retail price (see TopupsFakeConfig.DiscountPricing), or
// back to net pricing when pct is negative.
func (f *TopupsFake) SetDiscountPricing(pct decimal.Decimal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg.DiscountPricing = !pct.IsNegative()
	f.cfg.DiscountPercentage = pct
}

// topupsPricing is the top-level pricing block of lists and history.
func (f *TopupsFake) topupsPricing() map[string]any {
	if f.cfg.DiscountPricing {
		return map[string]any{"model": "discount_pricing", "discount_percentage": smsNum(f.cfg.DiscountPercentage)}
	}
	return map[string]any{"model": "net_pricing", "discount_percentage": 0}
}

// topupsMeta builds the first documented error shape {"meta":{"message"},"data":{...}}.
func topupsMeta(message string, data map[string]string) map[string]any {
	if data == nil {
		data = map[string]string{}
	}
	return map[string]any{"data": data, "meta": map[string]string{"message": message}}
}

// topupsInvalid is the 422 validation answer for one field.
func topupsInvalid(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, topupsMeta("the parameter is invalid", map[string]string{field: msg}))
}

// topupsCodes maps each documented provider code to its HTTP status and message.
var topupsCodes = map[int]struct {
	status  int
	message string
}{
	11: {http.StatusUnprocessableEntity, "Insufficient credit."},
	13: {http.StatusServiceUnavailable, "The operator is under maintenance."},
	14: {http.StatusUnprocessableEntity, "Invalid checksum."},
	23: {http.StatusUnprocessableEntity, "Top-up is disabled for this eSIM."},
	33: {http.StatusUnprocessableEntity, "Insufficient stock."},
	34: {http.StatusUnprocessableEntity, "The package is invalid or out of stock."},
	43: {http.StatusBadRequest, "Bad request."},
	53: {http.StatusInternalServerError, "An unexpected error occurred."},
	89: {http.StatusForbidden, "Your IP address is not on the allow list."},
}

// topupsCodeBody builds the second documented error shape {"message","code"}.
func topupsCodeBody(code int) (int, map[string]any) {
	c, ok := topupsCodes[code]
	if !ok {
		c.status, c.message = http.StatusUnprocessableEntity, "Error."
	}
	return c.status, map[string]any{"message": c.message, "code": code}
}

func topupsCodeError(w http.ResponseWriter, code int) {
	status, body := topupsCodeBody(code)
	writeJSON(w, status, body)
}

// ForceError makes the next request to path (exactly, e.g.
// "/customer/v2/orders/topups") answer the provider code's error in the
// {"message","code"} shape with its usual status (11, 13, 14, 23, 33, 34, 43, 53, 89); calls queue up.
func (f *TopupsFake) ForceError(path string, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	status, body := topupsCodeBody(code)
	f.forced[path] = append(f.forced[path], topupsForced{status, body})
}

// ForceMetaError makes the next request to path answer status with the
// {"meta":{"message"},"data":{}} error shape; calls queue up.
func (f *TopupsFake) ForceMetaError(path string, status int, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forced[path] = append(f.forced[path], topupsForced{status, topupsMeta(message, nil)})
}

// Balance returns the partner's remaining balance.
func (f *TopupsFake) Balance() decimal.Decimal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.balance
}

// SetBalance sets the partner's balance, e.g. to zero to test code 11.
func (f *TopupsFake) SetBalance(d decimal.Decimal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.balance = d
}
