package simkittest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/simkit/simkit/signing"
	"github.com/stretchr/testify/require"
)

const esimOrdersPath = ESIMStoryPrefix + "/v1/api_partner/orders"

type esimHarness struct {
	t    *testing.T
	fake *ESIMStoryFake
	url  string
}

func newESIMStory(t *testing.T, cfg ESIMStoryFakeConfig) *esimHarness {
	t.Helper()
	if cfg.AccessKey == "" {
		cfg.AccessKey, cfg.SecretKey = FakeESIMStoryAccessKey, FakeESIMStorySecretKey
	}
	cfg.Now = func() time.Time { return esimNow }
	f := NewESIMStoryFake(cfg)
	srv := httptest.NewServer(f)
	t.Cleanup(func() { f.Close(); srv.Close() })
	return &esimHarness{t: t, fake: f, url: srv.URL}
}

// post sends body signed at ts; mutate can break the headers.
func (h *esimHarness) post(path string, body any, ts time.Time, mutate func(http.Header)) reply {
	h.t.Helper()
	var raw []byte
	if s, ok := body.(string); ok {
		raw = []byte(s)
	} else {
		raw, _ = json.Marshal(body)
	}
	req, err := http.NewRequest("POST", h.url+path, bytes.NewReader(raw))
	require.NoError(h.t, err)
	s, err := signing.NewESIMStory(FakeESIMStoryAccessKey, signing.NewSecret(FakeESIMStorySecretKey))
	require.NoError(h.t, err)
	s.SetHeaders(req.Header, "POST", path, ts)
	if mutate != nil {
		mutate(req.Header)
	}
	return send(h.t, req)
}

// esimNow is the fixed clock of the eSIM Story fake's tests.
var esimNow = time.Unix(1768478058, 0)

func esimOrder(ext string, products ...any) map[string]any {
	return map[string]any{"external_order_id": ext, "products": products}
}

func esimProduct(option string, qty any) map[string]any {
	return map[string]any{"option_id": option, "qty": qty}
}

func TestESIMStoryRefusals(t *testing.T) {
	h := newESIMStory(t, ESIMStoryFakeConfig{})
	ok := h.post(esimOrdersPath, esimOrder("ORDER-1", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
	require.Equal(t, 200, ok.Status, ok.Raw)
	good := esimOrder("ORDER-2", esimProduct(ESIMStoryOptionA, 1))
	other, _ := signing.NewESIMStory(FakeESIMStoryAccessKey, signing.NewSecret("b3RoZXIta2V5"))
	authErr := func(msg string) string {
		return `{"error":{"code":"unauthorized","message":"` + msg + `"}}` + "\n"
	}
	for _, tc := range []struct {
		name   string
		path   string
		body   any
		ts     time.Time
		mutate func(http.Header)
		status int
		raw    string
	}{
		{"wrong signature", esimOrdersPath, good, esimNow, func(h http.Header) {
			h.Set(signing.HeaderESIMStorySignature, other.Sign("POST", esimOrdersPath, esimNow.Unix()))
		}, 401, authErr("Invalid signature.")},
		{"signed without the /api prefix", esimOrdersPath, good, esimNow, func(h http.Header) {
			s, _ := signing.NewESIMStory(FakeESIMStoryAccessKey, signing.NewSecret(FakeESIMStorySecretKey))
			h.Set(signing.HeaderESIMStorySignature, s.Sign("POST", "/v1/api_partner/orders", esimNow.Unix()))
		}, 401, authErr("Invalid signature.")},
		{"timestamp 6 minutes old", esimOrdersPath, good, esimNow.Add(-6 * time.Minute), nil, 401, authErr("Request timestamp is too old or invalid.")},
		{"timestamp not a number", esimOrdersPath, good, esimNow, func(h http.Header) { h.Set(signing.HeaderESIMStoryTimestamp, "yesterday") }, 401, authErr("Request timestamp is too old or invalid.")},
		{"missing header", esimOrdersPath, good, esimNow, func(h http.Header) { h.Del(signing.HeaderESIMStorySignature) }, 401, authErr("Missing required authentication headers.")},
		{"unknown access key", esimOrdersPath, good, esimNow, func(h http.Header) { h.Set(signing.HeaderESIMStoryAccessKey, "nobody") }, 401, authErr("Invalid or missing access key. Please provide a valid X-Esim-Story-Access-Key header.")},
		{"duplicate external order id", esimOrdersPath, esimOrder("ORDER-1", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil, 422, `{"errors":["External order id has already been taken"]}` + "\n"},
		{"blank external order id", esimOrdersPath, esimOrder(" ", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil, 422, `{"errors":["External order id can't be blank"]}` + "\n"},
		{"unknown option", esimOrdersPath, esimOrder("ORDER-3", esimProduct("nope", 1)), esimNow, nil, 422, `{"errors":["Product with option_id not found"]}` + "\n"},
		{"qty zero", esimOrdersPath, esimOrder("ORDER-4", esimProduct(ESIMStoryOptionA, 0)), esimNow, nil, 422, `{"errors":["Products is invalid"]}` + "\n"},
		{"qty as text", esimOrdersPath, esimOrder("ORDER-4", esimProduct(ESIMStoryOptionA, "2")), esimNow, nil, 422, `{"errors":["Products is invalid"]}` + "\n"},
		{"no products", esimOrdersPath, esimOrder("ORDER-4"), esimNow, nil, 422, `{"errors":["Products can't be blank"]}` + "\n"},
		{"malformed json", esimOrdersPath, "{", esimNow, nil, 400, `{"error":"Invalid JSON format"}` + "\n"},
		{"empty body", esimOrdersPath, "", esimNow, nil, 400, `{"error":"Invalid JSON format"}` + "\n"},
		{"top-level array", esimOrdersPath, "[]", esimNow, nil, 400, `{"error":"Invalid JSON format"}` + "\n"},
		{"trailing garbage", esimOrdersPath, `{"external_order_id":"ORDER-5","products":[]} x`, esimNow, nil, 400, `{"error":"Invalid JSON format"}` + "\n"},
		{"products not an array", esimOrdersPath, `{"external_order_id":"ORDER-5","products":{"option_id":"` + ESIMStoryOptionA + `","qty":1}}`, esimNow, nil, 422, `{"errors":["Products is invalid"]}` + "\n"},
		{"missing option id", esimOrdersPath, esimOrder("ORDER-5", map[string]any{"qty": 1}), esimNow, nil, 422, `{"errors":["Products is invalid"]}` + "\n"},
		{"unknown route", ESIMStoryPrefix + "/v1/other", good, esimNow, nil, 404, `{"error":"Not found"}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.post(tc.path, tc.body, tc.ts, tc.mutate)
			require.Equal(t, tc.status, r.Status)
			require.JSONEq(t, tc.raw, r.Raw)
		})
	}
	require.Equal(t, 1, h.fake.OrderCount())
}

func TestESIMStoryBadSecretAnswersMissingKey(t *testing.T) {
	h := newESIMStory(t, ESIMStoryFakeConfig{AccessKey: FakeESIMStoryAccessKey, SecretKey: "not base64!"})
	r := h.post(esimOrdersPath, esimOrder("X", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
	require.Equal(t, 401, r.Status)
	require.Contains(t, r.Raw, "Missing secret key in partner record.")
}

// esimReceiver collects webhook bodies and the auth they came with.
type esimReceiver struct {
	mu      sync.Mutex
	raws    [][]byte
	ctypes  []string
	methods []string
	bodies  []map[string]string
	auth    []string
	tokens  []string
	fail    bool
}

func (rc *esimReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	raw, _ := io.ReadAll(r.Body)
	var b map[string]string
	_ = json.Unmarshal(raw, &b)
	rc.bodies = append(rc.bodies, b)
	rc.raws = append(rc.raws, raw)
	rc.ctypes = append(rc.ctypes, r.Header.Get("Content-Type"))
	rc.methods = append(rc.methods, r.Method)
	rc.auth = append(rc.auth, r.Header.Get("Authorization"))
	rc.tokens = append(rc.tokens, r.URL.Query().Get("secret"))
	if rc.fail {
		w.WriteHeader(500)
	}
}

func TestESIMStoryOneTopupAndOneDeliveryPerUnit(t *testing.T) {
	rc := &esimReceiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	h := newESIMStory(t, ESIMStoryFakeConfig{WebhookURL: srv.URL + "/hooks/esim", WebhookToken: "s3", WebhookTokenParam: "secret",
		WebhookBasicUser: "u", WebhookBasicPassword: "p"})
	r := h.post(esimOrdersPath, esimOrder("ORDER-123456", esimProduct(ESIMStoryOptionA, 2), esimProduct(ESIMStoryOptionB, 1)), esimNow, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	prods := r.Body["products"].([]any)
	require.Len(t, prods, 3)
	ids := map[string]bool{}
	for i, want := range []string{ESIMStoryOptionA, ESIMStoryOptionA, ESIMStoryOptionB} {
		p := prods[i].(map[string]any)
		require.Equal(t, want, p["option_id"])
		require.Len(t, p["topup_id"], 26)
		ids[p["topup_id"].(string)] = true
	}
	require.Len(t, ids, 3, "topup ids are unique")

	first := prods[0].(map[string]any)["topup_id"].(string)
	require.NoError(t, h.fake.Deliver(first))
	require.NoError(t, h.fake.DeliverAll("ORDER-123456"), "delivers the two others")
	require.Len(t, rc.bodies, 3)
	b := rc.bodies[0]
	require.Equal(t, first, b["topup_id"])
	require.Equal(t, "ORDER-123456", b["external_order_id"])
	require.Equal(t, "LPA:1$"+b["smdp"]+"$"+b["activate_code"], b["download_link"])
	for _, k := range []string{"option_id", "iccid", "qrcode_img_url", "expired_date"} {
		require.NotEmpty(t, b[k], k)
	}
	require.Equal(t, "Basic dTpw", rc.auth[0])
	require.Equal(t, "s3", rc.tokens[0])
	for _, u := range h.fake.Units("ORDER-123456") {
		require.True(t, u.Delivered)
	}
	require.NoError(t, h.fake.DeliverAll("ORDER-123456"), "nothing left to deliver")
	require.Len(t, h.fake.Deliveries(), 3)
	require.ErrorIs(t, h.fake.Deliver("nope"), ErrUnknownTopup)
	require.ErrorIs(t, h.fake.DeliverAll("nope"), ErrUnknownTopup)

	rc.fail = true
	h.fake.AddOption("c0000000-0000-0000-0000-000000000000")
	require.Equal(t, 200, h.post(esimOrdersPath, esimOrder("ORDER-2", esimProduct("c0000000-0000-0000-0000-000000000000", 1)), esimNow, nil).Status)
	require.Error(t, h.fake.DeliverAll("ORDER-2"), "a 500 from the esimReceiver is reported")
	require.False(t, h.fake.Units("ORDER-2")[0].Delivered)
}

func TestESIMStoryAutoDeliverToHandler(t *testing.T) {
	rc := &esimReceiver{}
	h := newESIMStory(t, ESIMStoryFakeConfig{WebhookHandler: rc, AutoDeliver: true, DeliveryDelay: time.Millisecond})
	require.Equal(t, 200, h.post(esimOrdersPath, esimOrder("AUTO", esimProduct(ESIMStoryOptionB, 2)), esimNow, nil).Status)
	h.fake.Flush()
	require.Len(t, rc.bodies, 2)

	h.fake.SetWebhookURL("")
	require.Equal(t, 200, h.post(esimOrdersPath, esimOrder("AUTO-2", esimProduct(ESIMStoryOptionB, 1)), esimNow, nil).Status)
	h.fake.Flush()
	require.ErrorIs(t, h.fake.DeliverAll("AUTO-2"), ErrNoWebhookTarget)
	h.fake.SetWebhookHandler(rc)
	require.NoError(t, h.fake.DeliverAll("AUTO-2"))
	require.Len(t, rc.bodies, 3)
}

func TestESIMStoryCloseCancelsPendingDelivery(t *testing.T) {
	rc := &esimReceiver{}
	h := newESIMStory(t, ESIMStoryFakeConfig{WebhookHandler: rc, AutoDeliver: true, DeliveryDelay: time.Hour})
	require.Equal(t, 200, h.post(esimOrdersPath, esimOrder("LATER", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil).Status)
	h.fake.Close()
	require.Empty(t, rc.bodies)
	require.Equal(t, strconv.Itoa(1), strconv.Itoa(len(h.fake.Units("LATER"))))
}
