package simkittest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/simkit/simkit/signing"
	"github.com/stretchr/testify/require"
)

// seedNow is the seed doc's example timestamp, used as the fakes' clock.
var seedNow = time.Unix(1768478058, 0)

func fixedNow() time.Time { return seedNow }

type partnerHarness struct {
	t    *testing.T
	fake *PartnerFake
	url  string
}

func newPartner(t *testing.T, cfg PartnerFakeConfig) *partnerHarness {
	t.Helper()
	cfg.Token, cfg.Secret = FakePartnerToken, FakePartnerSecret
	if cfg.Now == nil {
		cfg.Now = fixedNow
	}
	f := NewPartnerFake(cfg)
	srv := httptest.NewServer(f)
	t.Cleanup(func() { f.Close(); srv.Close() })
	return &partnerHarness{t: t, fake: f, url: srv.URL + PartnerPrefix}
}

// reply is a decoded answer: status plus the JSON envelope.
// reply is a fake's answer as a test reads it.
type reply struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

func (h *partnerHarness) do(method, path string, body any, hdr http.Header) reply {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(h.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	require.NoError(h.t, err)
	req.Header.Set("Authorization", "Bearer "+FakePartnerToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	return send(h.t, req)
}

func send(t *testing.T, req *http.Request) reply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := reply{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &r.Body)
	return r
}

// signed returns order headers signed at ts for sku and external id.
func signed(ts time.Time, part, externalID string) http.Header {
	s := signing.NewSigner([]byte(FakePartnerSecret))
	h := http.Header{}
	h.Set("X-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	h.Set("X-Signature", s.PartnerOrder(ts.Unix(), part, externalID))
	return h
}

func (h *partnerHarness) order(ext, sku string, qty int) reply {
	return h.do("POST", "/orders", map[string]any{"external_id": ext, "item": map[string]any{"sku_id": sku, "quantity": qty}}, signed(seedNow, sku, ext))
}

func TestPartnerBearerToken(t *testing.T) {
	h := newPartner(t, PartnerFakeConfig{})
	for _, tc := range []struct {
		name, auth string
		want       int
	}{
		{"missing", "", 401},
		{"wrong", "Bearer nope", 401},
		{"not bearer", FakePartnerToken, 401},
		{"good", "Bearer " + FakePartnerToken, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", h.url+"/balance", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			r := send(t, req)
			require.Equal(t, tc.want, r.Status)
			require.Equal(t, tc.want == 200, r.Body["success"])
			if tc.want == 401 {
				require.Equal(t, "Unauthenticated.", r.Body["message"])
			}
		})
	}
}

func TestPartnerCreateOrderRefusals(t *testing.T) {
	h := newPartner(t, PartnerFakeConfig{})
	require.Equal(t, 201, h.order("ORD-12345", PartnerSKUVoucher, 1).Status)
	body := map[string]any{"external_id": "ORD-2", "item": map[string]any{"sku_id": PartnerSKUVoucher}}
	wrongKey := signing.NewSigner([]byte("not-the-secret"))
	for _, tc := range []struct {
		name    string
		body    any
		hdr     http.Header
		status  int
		message string
	}{
		{"wrong signature", body, http.Header{"X-Timestamp": {strconv.FormatInt(seedNow.Unix(), 10)}, "X-Signature": {wrongKey.PartnerOrder(seedNow.Unix(), PartnerSKUVoucher, "ORD-2")}}, 401, "Invalid signature."},
		{"token used as secret", body, func() http.Header {
			s := signing.NewSigner([]byte(FakePartnerToken))
			return http.Header{"X-Timestamp": {strconv.FormatInt(seedNow.Unix(), 10)}, "X-Signature": {s.PartnerOrder(seedNow.Unix(), PartnerSKUVoucher, "ORD-2")}}
		}(), 401, "Invalid signature."},
		{"signature over another external id", body, signed(seedNow, PartnerSKUVoucher, "ORD-3"), 401, "Invalid signature."},
		{"timestamp 6 minutes old", body, signed(seedNow.Add(-6*time.Minute), PartnerSKUVoucher, "ORD-2"), 401, "Request timestamp is outside the allowed window."},
		{"timestamp 6 minutes ahead", body, signed(seedNow.Add(6*time.Minute), PartnerSKUVoucher, "ORD-2"), 401, "Request timestamp is outside the allowed window."},
		{"no signature headers", body, nil, 401, "Missing X-Timestamp or X-Signature header."},
		{"duplicate external id", map[string]any{"external_id": "ORD-12345", "item": map[string]any{"sku_id": PartnerSKUVoucher}}, signed(seedNow, PartnerSKUVoucher, "ORD-12345"), 409, "The external id has already been taken."},
		{"unknown sku", map[string]any{"external_id": "ORD-4", "item": map[string]any{"sku_id": seqUUID(9, 9)}}, signed(seedNow, seqUUID(9, 9), "ORD-4"), 422, "The selected item.sku id is invalid."},
		{"sold out", map[string]any{"external_id": "ORD-5", "item": map[string]any{"sku_id": PartnerSKUSoldOut}}, signed(seedNow, PartnerSKUSoldOut, "ORD-5"), 422, "Insufficient stock for the selected SKU."},
		{"quantity above max", map[string]any{"external_id": "ORD-6", "item": map[string]any{"sku_id": PartnerSKUVoucher, "quantity": 11}}, signed(seedNow, PartnerSKUVoucher, "ORD-6"), 422, "The item.quantity must be between 1 and 10."},
		{"open range without amount", map[string]any{"external_id": "ORD-7", "item": map[string]any{"sku_id": PartnerSKUOpenRange}}, signed(seedNow, PartnerSKUOpenRange, "ORD-7"), 422, "The item.amount field is required for open range products."},
		{"blank external id", map[string]any{"external_id": "", "item": map[string]any{"sku_id": PartnerSKUVoucher}}, signed(seedNow, PartnerSKUVoucher, ""), 422, "The external id field is required."},
		{"no item", map[string]any{"external_id": "ORD-8"}, signed(seedNow, "", "ORD-8"), 422, "The item.sku id field is required."},
		{"malformed json", "{", signed(seedNow, "", ""), 400, "Malformed JSON body."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/orders", tc.body, tc.hdr)
			if s, ok := tc.body.(string); ok {
				req, _ := http.NewRequest("POST", h.url+"/orders", bytes.NewReader([]byte(s)))
				req.Header.Set("Authorization", "Bearer "+FakePartnerToken)
				req.Header.Set("Content-Type", "application/json")
				for k, v := range tc.hdr {
					req.Header[k] = v
				}
				r = send(t, req)
			}
			require.Equal(t, tc.status, r.Status, r.Raw)
			require.Equal(t, false, r.Body["success"])
			require.Equal(t, tc.message, r.Body["message"])
		})
	}
	require.Len(t, h.fake.Orders(), 1, "refused orders must not be stored")
}

func TestPartnerBalanceChargedAndExhausted(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cfg       PartnerFakeConfig
		okOrders  int
		wantAfter string
	}{
		{"no overdraft", PartnerFakeConfig{Balance: decimal.RequireFromString("25.00")}, 2, "5.00"},
		{"overdraft", PartnerFakeConfig{Balance: decimal.RequireFromString("25.00"), AllowOverdraft: true, OverdraftLimit: decimal.RequireFromString("15.00")}, 4, "-15.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newPartner(t, tc.cfg)
			for i := 0; i < tc.okOrders; i++ {
				r := h.order("B-"+strconv.Itoa(i), PartnerSKUVoucher, 1)
				require.Equal(t, 201, r.Status, r.Raw)
				require.Equal(t, "completed", r.Body["data"].(map[string]any)["status"])
			}
			r := h.order("B-last", PartnerSKUVoucher, 1)
			require.Equal(t, 402, r.Status)
			require.Equal(t, "Insufficient balance.", r.Body["message"])
			bal := h.do("GET", "/balance", nil, nil).Body["data"].(map[string]any)
			require.Equal(t, tc.wantAfter, bal["balance"])
			require.Equal(t, tc.cfg.AllowOverdraft, bal["is_overdrafted"])
			require.Equal(t, tc.wantAfter, h.fake.Balance().StringFixed(2))
			hist := h.do("GET", "/balance/history?per_page=100", nil, nil)
			require.Len(t, hist.Body["data"], tc.okOrders+1, "one topup plus one charge per order")
			require.Equal(t, "-10.00", hist.Body["data"].([]any)[0].(map[string]any)["amount"])
		})
	}
}

func TestPartnerOpenRangeChargesAmount(t *testing.T) {
	h := newPartner(t, PartnerFakeConfig{})
	body := map[string]any{"external_id": "OR-1", "item": map[string]any{"sku_id": PartnerSKUOpenRange, "amount": "12.34"}}
	r := h.do("POST", "/orders", body, signed(seedNow, PartnerSKUOpenRange, "OR-1"))
	require.Equal(t, 201, r.Status, r.Raw)
	require.Equal(t, "12.34", r.Body["data"].(map[string]any)["total_amount"])
	require.Equal(t, "987.66", h.fake.Balance().StringFixed(2))
}

// walk follows next_cursor until it is null and returns every row.
func (h *partnerHarness) walk(path string) []map[string]any {
	var rows []map[string]any
	cursor := ""
	for pages := 0; pages < 100; pages++ {
		p := path
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		r := h.do("GET", p, nil, nil)
		require.Equal(h.t, 200, r.Status, r.Raw)
		for _, row := range r.Body["data"].([]any) {
			rows = append(rows, row.(map[string]any))
		}
		next, _ := r.Body["meta"].(map[string]any)["next_cursor"].(string)
		if next == "" {
			return rows
		}
		cursor = next
	}
	h.t.Fatal("pagination never ended")
	return nil
}

func TestPartnerCatalogCursorPagination(t *testing.T) {
	h := newPartner(t, PartnerFakeConfig{Products: 230})
	rows := h.walk("/catalog/products?per_page=100&include_skus=true")
	require.Len(t, rows, 230)
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r["id"].(string)] = true
	}
	require.Len(t, seen, 230, "pages must not overlap")
	require.Equal(t, PartnerSKUVoucher, rows[0]["skus"].([]any)[0].(map[string]any)["id"])

	prices := h.walk("/catalog/pricelist?type=esim&per_page=50")
	require.NotEmpty(t, prices)
	for _, p := range prices {
		require.Equal(t, "esim", p["type"])
	}

	for _, bad := range []string{"/catalog/products?per_page=201", "/catalog/products?cursor=not-a-cursor!", "/catalog/products?type=bogus", "/catalog/pricelist?type=recharge", "/balance/history?per_page=0", "/catalog/categories?target=x", "/orders?status=done", "/orders?date_from=yesterday", "/catalog/products?category_id=x", "/catalog/products?locale=de"} {
		require.Equal(t, 422, h.do("GET", bad, nil, nil).Status, bad)
	}
	r := h.do("GET", "/catalog/products/"+seqUUID(1, 0)+"?locale=en", nil, nil)
	require.Equal(t, 200, r.Status)
	require.Equal(t, 10.0, r.Body["data"].(map[string]any)["skus"].([]any)[0].(map[string]any)["price"], "price is a JSON number")
	require.Equal(t, 404, h.do("GET", "/catalog/products/"+seqUUID(9, 9), nil, nil).Status)
	cats := h.do("GET", "/catalog/categories?target=sku", nil, nil).Body["data"].([]any)
	require.Len(t, cats, 3)
	me := h.do("GET", "/me", nil, nil).Body["data"].(map[string]any)["partner"].(map[string]any)
	require.Equal(t, "1000.00", me["balance"].(map[string]any)["balance"])
}

func TestPartnerOrdersListAndLookup(t *testing.T) {
	h := newPartner(t, PartnerFakeConfig{})
	var ids []string
	for i := 0; i < 7; i++ {
		r := h.order("L-"+strconv.Itoa(i), PartnerSKUESIM, 1)
		require.Equal(t, 201, r.Status, r.Raw)
		ids = append(ids, r.Body["data"].(map[string]any)["id"].(string))
	}
	all := h.walk("/orders?per_page=3")
	require.Len(t, all, 7)
	require.Equal(t, "L-6", all[0]["external_id"], "newest first")
	one := h.walk("/orders?external_id=L-3&status=completed&date_from=2020-01-01T00:00:00Z&date_to=2030-01-01T00:00:00Z")
	require.Len(t, one, 1)
	require.Equal(t, ids[3], one[0]["id"])
	require.Empty(t, h.walk("/orders?external_id=nope"))

	got := h.do("GET", "/orders/"+ids[0], nil, nil)
	require.Equal(t, 200, got.Status)
	item := got.Body["data"].(map[string]any)["items"].([]any)[0].(map[string]any)
	dd := item["delivery_data"].([]any)[0].(map[string]any)
	require.Contains(t, dd["qr_code"], "LPA:1$")
	require.Equal(t, 404, h.do("GET", "/orders/"+seqUUID(9, 9), nil, nil).Status)
	require.Equal(t, 404, h.do("GET", "/nowhere", nil, nil).Status)

	// The delivered eSIM is known to the status call and can be topped up.
	iccid := dd["serial_number"].(string)
	st := h.do("GET", "/services/esim/"+iccid+"/status", nil, nil)
	require.Equal(t, 200, st.Status)
	require.Equal(t, true, st.Body["data"].(map[string]any)["can_renew"])
}

func TestPartnerTopup(t *testing.T) {
	h := newPartner(t, PartnerFakeConfig{})
	h.fake.AddESIM(PartnerESIM{ICCID: "89000000000000000001", CanRenew: false})
	s := signing.NewSigner([]byte(FakePartnerSecret))
	topup := func(iccid, ext string, ts time.Time, sig string) reply {
		if sig == "" {
			sig = s.PartnerTopup(ts.Unix(), iccid, ext)
		}
		return h.do("POST", "/services/esim/"+iccid+"/topup", map[string]any{"external_id": ext},
			http.Header{"X-Timestamp": {strconv.FormatInt(ts.Unix(), 10)}, "X-Signature": {sig}})
	}
	r := topup(PartnerICCID, "topup-12345", seedNow, "")
	require.Equal(t, 201, r.Status, r.Raw)
	require.Equal(t, "Top-up order created successfully", r.Body["message"])
	require.Equal(t, "995.00", h.fake.Balance().StringFixed(2), "charged at once")
	for _, tc := range []struct {
		name   string
		r      reply
		status int
	}{
		{"signed over the sku, not the iccid", topup(PartnerICCID, "t2", seedNow, s.PartnerOrder(seedNow.Unix(), PartnerSKUESIM, "t2")), 401},
		{"stale", topup(PartnerICCID, "t3", seedNow.Add(-6*time.Minute), ""), 401},
		{"duplicate", topup(PartnerICCID, "topup-12345", seedNow, ""), 409},
		{"unknown esim", topup("89000000000000000009", "t4", seedNow, ""), 404},
		{"cannot renew", topup("89000000000000000001", "t5", seedNow, ""), 422},
		{"blank external id", topup(PartnerICCID, "", seedNow, ""), 422},
	} {
		require.Equal(t, tc.status, tc.r.Status, tc.name+": "+tc.r.Raw)
	}
	require.Equal(t, 404, h.do("GET", "/services/esim/123/status", nil, nil).Status)
}

func TestPartnerManualCompletion(t *testing.T) {
	var got atomic.Int32
	hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1) })
	h := newPartner(t, PartnerFakeConfig{ManualCompletion: true, WebhookHandler: hook})
	a := h.order("M-1", PartnerSKUVoucher, 2).Body["data"].(map[string]any)
	b := h.order("M-2", PartnerSKUVoucher, 1).Body["data"].(map[string]any)
	require.Equal(t, "processing", a["status"])
	require.Equal(t, "970.00", h.fake.Balance().StringFixed(2))

	require.NoError(t, h.fake.CompleteOrder(a["id"].(string)))
	require.NoError(t, h.fake.FailOrder(b["id"].(string), "provider down"))
	require.ErrorIs(t, h.fake.CompleteOrder(a["id"].(string)), ErrNoOrder, "already final")
	require.ErrorIs(t, h.fake.FailOrder("nope", ""), ErrNoOrder)
	h.fake.Flush()
	require.Equal(t, int32(2), got.Load())

	oa, ok := h.fake.Order(a["id"].(string))
	require.True(t, ok)
	require.Equal(t, PartnerStatusCompleted, oa.Status)
	require.Len(t, oa.Items[0].Delivery, 2)
	ob, ok := h.fake.OrderByExternalID("M-2")
	require.True(t, ok)
	require.Equal(t, PartnerStatusFailed, ob.Status)
	require.Equal(t, "provider down", ob.Items[0].ErrorMessage)
	require.Equal(t, "980.00", h.fake.Balance().StringFixed(2), "a failed order is refunded")
	_, ok = h.fake.OrderByExternalID("nope")
	require.False(t, ok)
	_, ok = h.fake.Order("nope")
	require.False(t, ok)
	h.fake.SetBalance(decimal.Zero)
	require.True(t, h.fake.Balance().IsZero())
}

func TestPartnerWebhookSignedAndRetried(t *testing.T) {
	for _, tc := range []struct {
		name         string
		failures     int32
		wantAttempts int
		lastCode     int
	}{
		{"accepted first time", 0, 1, 200},
		{"retried after non-2xx", 2, 3, 200},
		{"gives up after three attempts", 10, 3, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			verifier := signing.NewSigner([]byte(FakePartnerSecret))
			receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var ev struct {
					Event          string `json:"event"`
					IdempotencyKey string `json:"idempotency_key"`
					Data           struct {
						Order map[string]any `json:"order"`
					} `json:"data"`
				}
				if json.NewDecoder(r.Body).Decode(&ev) != nil || ev.Data.Order["external_id"] != "W-1" {
					w.WriteHeader(400)
					return
				}
				if err := verifier.VerifyPartnerWebhook(r.Header.Get("X-Timestamp"), r.Header.Get("X-Signature"), ev.Event, ev.IdempotencyKey, seedNow, signing.PartnerWebhookTolerance); err != nil {
					w.WriteHeader(401)
					return
				}
				if calls.Add(1) <= tc.failures {
					w.WriteHeader(500)
					return
				}
				w.WriteHeader(200)
			}))
			defer receiver.Close()
			h := newPartner(t, PartnerFakeConfig{WebhookURL: receiver.URL, WebhookRetryDelays: []time.Duration{time.Millisecond, time.Millisecond}})
			require.Equal(t, 201, h.order("W-1", PartnerSKUVoucher, 1).Status)
			h.fake.Flush()
			at := h.fake.WebhookAttempts()
			require.Len(t, at, tc.wantAttempts)
			for i, a := range at {
				require.Equal(t, i+1, a.Attempt)
				require.Equal(t, at[0].IdempotencyKey, a.IdempotencyKey, "retries keep the idempotency key")
				require.Equal(t, "completed", a.Status)
				require.NoError(t, a.Err)
			}
			require.Equal(t, tc.lastCode, at[len(at)-1].Code)
		})
	}
}

func TestPartnerWebhookTargets(t *testing.T) {
	h := newPartner(t, PartnerFakeConfig{WebhookRetryDelays: []time.Duration{time.Hour}})
	require.Equal(t, 201, h.order("T-0", PartnerSKUVoucher, 1).Status)
	h.fake.Flush()
	require.Empty(t, h.fake.WebhookAttempts(), "no target, no webhook")

	var hits atomic.Int32
	h.fake.SetWebhookHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	require.Equal(t, 201, h.order("T-1", PartnerSKUVoucher, 1).Status)
	h.fake.Flush()
	require.Equal(t, int32(1), hits.Load())

	// A dead URL fails with a transport error; the hour-long retry wait is
	// cut short by Close.
	h.fake.SetWebhookURL("http://127.0.0.1:1/hook")
	require.Equal(t, 201, h.order("T-2", PartnerSKUVoucher, 1).Status)
	require.Eventually(t, func() bool { return len(h.fake.WebhookAttempts()) == 2 }, 5*time.Second, time.Millisecond)
	h.fake.Close()
	require.Error(t, h.fake.WebhookAttempts()[1].Err)
}
