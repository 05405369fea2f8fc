package simkittest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/simkit/simkit/signing"
)

// ESIMStoryPrefix is the path the eSIM Story fake's routes start with, as
// on the real hosts; Config.ESIMStoryURL ends with it.
const ESIMStoryPrefix = "/api"

// Option ids the eSIM Story fake knows from the start: the ones in eSIM
// Story's API reference examples.
const (
	ESIMStoryOptionA = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
	ESIMStoryOptionB = "b2c3d4e5-f6a7-8901-bcde-f12345678901"
)

// ESIMStoryFakeConfig configures an ESIMStoryFake.
type ESIMStoryFakeConfig struct {
	// AccessKey and SecretKey (base64) are the credentials the fake accepts.
	AccessKey, SecretKey string
	// Now is the fake's clock for the 5-minute window and topup ids.
	Now func() time.Time
	// Options are extra option_ids to accept besides ESIMStoryOptionA/B.
	Options []string
	// WebhookURL receives deliveries; WebhookHandler, when set, receives
	// them in-process instead.
	WebhookURL     string
	WebhookHandler http.Handler
	// WebhookToken, when set, is added to the webhook URL as the query
	// parameter WebhookTokenParam (default "token").
	WebhookToken      string
	WebhookTokenParam string
	// WebhookBasicUser and WebhookBasicPassword, when set, are sent as
	// Basic auth on every delivery.
	WebhookBasicUser, WebhookBasicPassword string
	// AutoDeliver sends each unit's webhook DeliveryDelay after the order;
	// otherwise deliveries happen on Deliver / DeliverAll.
	AutoDeliver   bool
	DeliveryDelay time.Duration
	// After waits for DeliveryDelay on the fake's clock; default
	// time.After. Pass a Clock's After so advancing the clock delivers.
	After func(time.Duration) <-chan time.Time
	// WebhookClient sends webhooks to WebhookURL (default 10 s timeout).
	WebhookClient *http.Client
}

// ESIMStoryUnit is one ordered unit (one topup_id) and its eSIM, delivered
// or not.
type ESIMStoryUnit struct {
	TopupID, OptionID, ExternalOrderID      string
	ICCID, SMDP, ActivateCode, DownloadLink string
	QRCodeImgURL, ExpiredDate               string
	Delivered                               bool
	// withheld units are never delivered by DeliverAll or automatically.
	withheld bool
}

// ESIMStoryDelivery records one webhook sent for a unit.
type ESIMStoryDelivery struct {
	TopupID string
	// Code is the receiver's HTTP status; 0 when Err is set.
	Code int
	Err  error
}

// ESIMStoryFake is a strict, stateful fake of the eSIM Story partner API:
// the three X-Esim-Story-* headers verified within 5 minutes, errors in the
// documented shapes (400 {"error": "..."}, 401 {"error": {"code",
// "message"}}, 422 {"errors": [...]}, 500 {"error": "..."}), unique
// external_order_ids, one topup_id per unit and one delivery webhook per
// unit, with the documented body.
//
// What it models beyond the docs, and what it does not:
//   - the order body is read as JSON whatever its Content-Type (the API
//     answers "Invalid JSON format" to a missing, empty or malformed body,
//     so it parses the raw body as JSON); a form-encoded body is therefore
//     answered 400 "Invalid JSON format", as that reading implies;
//   - external_order_id may be a JSON string or number; qty must be a
//     positive JSON integer; an invalid products array is answered 422
//     "Products is invalid" (the docs name the cases, not the text);
//   - an unknown route answers 404 {"error": "Not found"} and another method
//     on the orders route 405 (the docs are silent);
//   - eSIM Story's own failures (500, and the 422 "eSIM Request failed" and
//     "API connection error" answers) happen only when FailNextOrder asks
//     for them, and create nothing;
//   - no rate limits, no sandbox/production difference.
type ESIMStoryFake struct {
	cfg    ESIMStoryFakeConfig
	now    func() time.Time
	signer *signing.ESIMStory // nil when SecretKey is not base64

	mu         sync.Mutex
	options    map[string]bool
	orders     map[string][]*ESIMStoryUnit // by external_order_id
	units      map[string]*ESIMStoryUnit   // by topup_id
	seq        int
	hook       webhookTarget
	deliveries []ESIMStoryDelivery
	failures   []ESIMStoryFailure

	wg   sync.WaitGroup
	done chan struct{}
	once sync.Once
}

// ESIMStoryFailure is one of eSIM Story's documented failures of an order
// request, for FailNextOrder.
type ESIMStoryFailure int

const (
	// ESIMStoryInternalError answers 500 {"error": "Internal server error"}.
	ESIMStoryInternalError ESIMStoryFailure = iota + 1
	// ESIMStoryUpstreamError answers 422 {"errors": ["eSIM Request failed -
	// Status: 500, Message: ..."]}: the eSIM supplier refused.
	ESIMStoryUpstreamError
	// ESIMStoryConnectionError answers 422 {"errors": ["API connection error
	// (Order ID: n)"]}: the eSIM supplier could not be reached.
	ESIMStoryConnectionError
)

// NewESIMStoryFake builds an eSIM Story fake. A SecretKey that is not
// base64 makes every call answer the provider's "Missing secret key" 401.
func NewESIMStoryFake(cfg ESIMStoryFakeConfig) *ESIMStoryFake {
	if cfg.WebhookTokenParam == "" {
		cfg.WebhookTokenParam = "token"
	}
	if cfg.WebhookClient == nil {
		cfg.WebhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	f := &ESIMStoryFake{
		cfg:     cfg,
		now:     nowOr(cfg.Now),
		options: map[string]bool{ESIMStoryOptionA: true, ESIMStoryOptionB: true},
		orders:  map[string][]*ESIMStoryUnit{},
		units:   map[string]*ESIMStoryUnit{},
		done:    make(chan struct{}),
	}
	f.signer, _ = signing.NewESIMStory(cfg.AccessKey, signing.NewSecret(cfg.SecretKey))
	for _, o := range cfg.Options {
		f.options[o] = true
	}
	f.setTarget(webhookTarget{url: cfg.WebhookURL, handler: cfg.WebhookHandler})
	return f
}

// FailNextOrder makes the next order request that passes authentication
// answer fail instead of creating the order; calls queue up.
func (f *ESIMStoryFake) FailNextOrder(fail ESIMStoryFailure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, fail)
}

// esimOrderAnswer and esimUnitAnswer keep the documented field order.
type esimOrderAnswer struct {
	Products []esimUnitAnswer `json:"products"`
}

type esimUnitAnswer struct {
	TopupID  string `json:"topup_id"`
	OptionID string `json:"option_id"`
}

func esimAuthError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": "unauthorized", "message": msg}})
}

func esimUnprocessable(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": []string{msg}})
}

func esimBadRequest(w http.ResponseWriter) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Invalid JSON format"})
}

// ServeHTTP verifies the signature headers and serves POST
// /api/v1/api_partner/orders.
func (f *ESIMStoryFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get(signing.HeaderESIMStoryAccessKey)
	ts := r.Header.Get(signing.HeaderESIMStoryTimestamp)
	sig := r.Header.Get(signing.HeaderESIMStorySignature)
	switch {
	case key == "" || ts == "" || sig == "":
		esimAuthError(w, "Missing required authentication headers.")
		return
	case !constantEqual(key, f.cfg.AccessKey):
		esimAuthError(w, "Invalid or missing access key. Please provide a valid X-Esim-Story-Access-Key header.")
		return
	case f.signer == nil:
		esimAuthError(w, "Missing secret key in partner record.")
		return
	}
	n, err := signing.CheckTimestamp(ts, f.now(), 5*time.Minute)
	if err != nil {
		esimAuthError(w, "Request timestamp is too old or invalid.")
		return
	}
	if !f.signer.Verify(sig, r.Method, r.URL.Path, n) {
		esimAuthError(w, "Invalid signature.")
		return
	}
	if r.URL.Path != ESIMStoryPrefix+"/v1/api_partner/orders" {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Not found"})
		return
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "Method not allowed"})
		return
	}
	f.createOrder(w, r)
}

// esimMaxBody bounds an order body; far above any real order.
const esimMaxBody = 1 << 20

// esimOrderRequest is an order body as the API reads it.
type esimOrderRequest struct {
	ExternalOrderID string
	Options         []string
	Qtys            []int
}

// readOrder parses the raw body as JSON (whatever the Content-Type) and
// returns the status and message of a refusal, or the order.
func readOrder(r *http.Request) (esimOrderRequest, int, string) {
	var req esimOrderRequest
	raw, err := io.ReadAll(io.LimitReader(r.Body, esimMaxBody+1))
	if err != nil || len(raw) > esimMaxBody {
		return req, http.StatusBadRequest, ""
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil || body == nil {
		return req, http.StatusBadRequest, ""
	}
	ext, err := jsonScalar(body["external_order_id"])
	if err != nil || strings.TrimSpace(ext) == "" {
		return req, http.StatusUnprocessableEntity, "External order id can't be blank"
	}
	req.ExternalOrderID = ext
	var products []map[string]json.RawMessage
	if len(body["products"]) == 0 || string(body["products"]) == "null" {
		return req, http.StatusUnprocessableEntity, "Products can't be blank"
	}
	if err := json.Unmarshal(body["products"], &products); err != nil {
		return req, http.StatusUnprocessableEntity, "Products is invalid"
	}
	if len(products) == 0 {
		return req, http.StatusUnprocessableEntity, "Products can't be blank"
	}
	units := 0
	for _, p := range products {
		var option string
		var qty int
		if json.Unmarshal(p["option_id"], &option) != nil || option == "" ||
			json.Unmarshal(p["qty"], &qty) != nil || qty < 1 || qty > esimMaxUnits-units {
			return req, http.StatusUnprocessableEntity, "Products is invalid"
		}
		units += qty
		req.Options = append(req.Options, option)
		req.Qtys = append(req.Qtys, qty)
	}
	return req, 0, ""
}

// esimMaxUnits bounds the units of one order. The provider documents no
// limit; it surely has one, and a fake that minted a unit per qty for any
// integer would hang on qty 9223372036854775807 instead of refusing it.
const esimMaxUnits = 1000

func (f *ESIMStoryFake) createOrder(w http.ResponseWriter, r *http.Request) {
	body, status, msg := readOrder(r)
	switch status {
	case http.StatusBadRequest:
		esimBadRequest(w)
		return
	case http.StatusUnprocessableEntity:
		esimUnprocessable(w, msg)
		return
	}
	f.mu.Lock()
	if len(f.failures) > 0 {
		fail := f.failures[0]
		f.failures = f.failures[1:]
		f.seq++
		seq := f.seq
		f.mu.Unlock()
		switch fail {
		case ESIMStoryUpstreamError:
			esimUnprocessable(w, "eSIM Request failed - Status: 500, Message: upstream refused the order")
		case ESIMStoryConnectionError:
			esimUnprocessable(w, fmt.Sprintf("API connection error (Order ID: %d)", seq))
		default:
			writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "Internal server error"})
		}
		return
	}
	if _, dup := f.orders[body.ExternalOrderID]; dup {
		f.mu.Unlock()
		esimUnprocessable(w, "External order id has already been taken")
		return
	}
	for _, o := range body.Options {
		if !f.options[o] {
			f.mu.Unlock()
			esimUnprocessable(w, "Product with option_id not found")
			return
		}
	}
	var units []*ESIMStoryUnit
	out := esimOrderAnswer{Products: []esimUnitAnswer{}}
	now := f.now().UTC()
	for i, option := range body.Options {
		for range body.Qtys[i] {
			f.seq++
			u := f.newUnit(now, body.ExternalOrderID, option)
			units = append(units, u)
			f.units[u.TopupID] = u
			out.Products = append(out.Products, esimUnitAnswer{TopupID: u.TopupID, OptionID: u.OptionID})
		}
	}
	// OrderOutside asks for the last units to be withheld (never in a
	// client's request: the key is not reachable from the wire).
	n, _ := r.Context().Value(withholdKey{}).(int)
	for i := len(units) - n; i >= 0 && i < len(units); i++ {
		units[i].withheld = true
	}
	f.orders[body.ExternalOrderID] = units
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
	if f.cfg.AutoDeliver {
		f.autoDeliver(body.ExternalOrderID)
	}
}

// newUnit mints a unit the way the provider's examples look: a 26-digit
// topup_id (timestamp + sequence) and a CMLink-style activation. Call with
// mu held.
func (f *ESIMStoryFake) newUnit(now time.Time, ext, option string) *ESIMStoryUnit {
	code := strings.ToUpper(strings.ReplaceAll(randomUUID(), "-", ""))
	smdp := "rsp1.cmlink.com"
	lpa := "LPA:1$" + smdp + "$" + code
	return &ESIMStoryUnit{
		TopupID:         now.Format("20060102150405") + fmt.Sprintf("%012d", 123456789000+f.seq),
		OptionID:        option,
		ExternalOrderID: ext,
		ICCID:           fmt.Sprintf("898523412345%08d", f.seq),
		SMDP:            smdp,
		ActivateCode:    code,
		DownloadLink:    lpa,
		QRCodeImgURL:    "https://qrcode.fake.example/api/iccid/qrcode/" + strings.ReplaceAll(lpa, "$", "%24") + "/120",
		ExpiredDate:     now.AddDate(0, 6, 0).Format("2006-01-02"),
	}
}

// AddOption makes option_id orderable.
func (f *ESIMStoryFake) AddOption(optionID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.options[optionID] = true
}

// Units returns copies of the units ordered under externalOrderID, in the
// order they were answered.
func (f *ESIMStoryFake) Units(externalOrderID string) []ESIMStoryUnit {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []ESIMStoryUnit
	for _, u := range f.orders[externalOrderID] {
		out = append(out, *u)
	}
	return out
}

// OrderCount returns how many orders (external_order_ids) were accepted.
func (f *ESIMStoryFake) OrderCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.orders)
}
