package simkittest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// plainClient is a Partner client written from the docs alone, with
// net/http and a hand-rolled HMAC: what a third party would write.
type plainClient struct {
	t      *testing.T
	base   string
	token  string
	secret string
	now    time.Time
	ctype  string
}

func (c *plainClient) sign(parts ...string) http.Header {
	ts := strconv.FormatInt(c.now.Unix(), 10)
	m := hmac.New(sha256.New, []byte(c.secret))
	m.Write([]byte(ts + strings.Join(parts, "")))
	return http.Header{"X-Timestamp": {ts}, "X-Signature": {hex.EncodeToString(m.Sum(nil))}}
}

// do sends one request and returns the status and the decoded JSON body.
func (c *plainClient) do(method, path string, body []byte, hdr http.Header) (int, any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", c.ctype)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var v any
	require.NoError(c.t, json.Unmarshal(raw, &v), "%s %s answered non-JSON: %s", method, path, raw)
	return resp.StatusCode, v
}

func (c *plainClient) createOrder(extID, sku string, extra string) (int, any) {
	body := `{"external_id":"` + extID + `","item":{"sku_id":"` + sku + `","quantity":1}` + extra + `}`
	return c.do("POST", "/orders", []byte(body), c.sign(sku, extID))
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// TestPartnerFidelity compares the fake's answer to every documented
// example (testdata/partner/published) with the example's structure.
func TestPartnerFidelity(t *testing.T) {
	var mu sync.Mutex
	var hooks [][]byte
	cfg := PartnerFakeConfig{WebhookHandler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hooks = append(hooks, b)
		mu.Unlock()
	})}
	h := newPartner(t, cfg)
	c := &plainClient{t: t, base: h.url, token: FakePartnerToken, secret: FakePartnerSecret, now: seedNow, ctype: "application/json"}

	st, created := c.createOrder("ORD-12345", PartnerSKUVoucher, "")
	require.Equal(t, 201, st, created)
	st, withMeta := c.createOrder("ORD-META", PartnerSKUVoucher, `,"metadata":{"customer_id":"cus_42"}`)
	require.Equal(t, 201, st, withMeta)
	topupBody := published(t, "partner", "topup_request.json")
	var tb struct {
		ExternalID string `json:"external_id"`
	}
	require.NoError(t, json.Unmarshal(topupBody, &tb))
	st, topup := c.do("POST", "/services/esim/"+PartnerICCID+"/topup", topupBody, c.sign(PartnerICCID, tb.ExternalID))
	require.Equal(t, 201, st, topup)
	orderID := dig(withMeta, "data", "id").(string)
	h.fake.SetBalance(decimal.Zero)
	_, refused := c.createOrder("ORD-BROKE", PartnerSKUVoucher, "")
	h.fake.Flush()

	get := func(path string) any {
		st, v := c.do("GET", path, nil, nil)
		require.Equal(t, 200, st, v)
		return v
	}
	mu.Lock()
	require.NotEmpty(t, hooks)
	var hook any
	for _, b := range hooks {
		var v any
		require.NoError(t, json.Unmarshal(b, &v))
		if dig(v, "data", "order", "external_id") == "ORD-META" {
			hook = v
		}
	}
	mu.Unlock()
	require.NotNil(t, hook, "the webhook of the order with metadata was delivered")

	tests := []struct {
		example string
		got     any
	}{
		{"me.json", get("/me")},
		{"balance.json", get("/balance")},
		{"balance_history.json", get("/balance/history")},
		{"products.json", get("/catalog/products?include_skus=true")},
		{"product.json", get("/catalog/products/" + seqUUID(1, 0))},
		{"product.json", get("/catalog/products/" + seqUUID(1, 2))},
		{"pricelist.json", get("/catalog/pricelist")},
		{"categories.json", get("/catalog/categories")},
		{"orders.json", get("/orders?external_id=ORD-META")},
		{"orders.json", get("/orders?external_id=" + tb.ExternalID)},
		{"order.json", get("/orders/" + orderID)},
		{"create_order.json", created},
		{"topup.json", topup},
		{"esim_status.json", get("/services/esim/" + PartnerICCID + "/status")},
		{"error.json", refused},
		{"webhook_order_status_changed.json", hook},
	}
	var nullable map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(published(t, "partner", "nullable.json"), &nullable))
	for _, tc := range tests {
		t.Run(tc.example, func(t *testing.T) {
			sh := shape{nullable: map[string]bool{}, numericStrings: true, extraAllowed: true}
			if raw, ok := nullable[tc.example]; ok {
				var paths []string
				require.NoError(t, json.Unmarshal(raw, &paths))
				for _, p := range paths {
					sh.nullable[p] = true
				}
			}
			problems, extra := sh.diff(decodeJSON(t, published(t, "partner", tc.example)), tc.got)
			require.Empty(t, problems, "the fake's answer differs from the documented example")
			seen := map[string]bool{}
			var distinct []string
			for _, e := range extra {
				if e = indexRE.ReplaceAllString(e, "[]"); !seen[e] {
					seen[e] = true
					distinct = append(distinct, e)
				}
			}
			if len(distinct) > 0 {
				t.Logf("fields beyond the example: %s", strings.Join(distinct, ", "))
			}
		})
	}

	// The documented nulls carry their meaning, not only their place.
	prod := get("/catalog/products/" + seqUUID(1, 2))
	skus := dig(prod, "data", "skus").([]any)
	require.Nil(t, skus[0].(map[string]any)["price"], "an open-range SKU's price is null")
	list := get("/catalog/products?include_skus=true")
	first := dig(list, "data").([]any)[0]
	_, hasPrice := dig(first, "skus").([]any)[0].(map[string]any)["price"]
	require.False(t, hasPrice, "the product list's SKUs come without pricing")
	require.Nil(t, dig(created, "data", "metadata"), "an order without metadata has null")
	require.Equal(t, false, dig(refused, "success"))
}
