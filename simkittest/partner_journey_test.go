package simkittest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPartnerPlainClientJourney walks the documented journey with a client
// written from the docs alone (plainClient: net/http and a hand-rolled
// HMAC, nothing of simkit's), once per request encoding the API accepts.
func TestPartnerPlainClientJourney(t *testing.T) {
	encodings := []struct {
		name  string
		ctype string
		// body renders the order request; PHP and Java clients send
		// numbers as strings, empty maps as [] and pretty-printed JSON.
		order func(extID, sku string) string
		topup func(extID, sku string) string
	}{
		{"application/json", "application/json",
			func(ext, sku string) string {
				return `{"external_id":"` + ext + `","item":{"sku_id":"` + sku + `","quantity":1},"metadata":{"customer_id":"cus_42"}}`
			},
			func(ext, sku string) string { return `{"external_id":"` + ext + `","sku_uuid":"` + sku + `"}` }},
		{"application/json; charset=utf-8, PHP-style values", "application/json; charset=utf-8",
			func(ext, sku string) string {
				return "{\n  \"external_id\": \"" + ext + "\",\n  \"item\": {\"sku_id\": \"" + sku + "\", \"quantity\": \"1\", \"fields\": []},\n  \"metadata\": []\n}"
			},
			func(ext, sku string) string { return `{"external_id":"` + ext + `","sku_uuid":null}` }},
		{"application/json;charset=UTF-8, no optional fields", "application/json;charset=UTF-8",
			func(ext, sku string) string { return `{"external_id":"` + ext + `","item":{"sku_id":"` + sku + `"}}` },
			func(ext, sku string) string { return `{"external_id":"` + ext + `"}` }},
	}
	for _, enc := range encodings {
		t.Run(enc.name, func(t *testing.T) {
			h := newPartner(t, PartnerFakeConfig{})
			c := &plainClient{t: t, base: h.url, token: FakePartnerToken, secret: FakePartnerSecret, now: seedNow, ctype: enc.ctype}
			get := func(path string) any {
				t.Helper()
				st, v := c.do("GET", path, nil, nil)
				require.Equal(t, 200, st, "GET %s: %v", path, v)
				require.Equal(t, true, dig(v, "success"))
				return v
			}

			me := get("/me")
			require.Equal(t, "USD", dig(me, "data", "partner", "currency"))
			require.Equal(t, "1000.00", dig(get("/balance"), "data", "available_balance"))

			// Catalog: walk every page by meta.next_cursor.
			products, cursor := 0, ""
			for pages := 0; ; pages++ {
				require.Less(t, pages, 10, "the cursor ends")
				path := "/catalog/products?include_skus=true"
				if cursor != "" {
					path += "&cursor=" + cursor
				}
				pg := get(path)
				products += len(dig(pg, "data").([]any))
				next, _ := dig(pg, "meta", "next_cursor").(string)
				if next == "" {
					break
				}
				cursor = next
			}
			require.Equal(t, 250, products)
			prod := get("/catalog/products/" + seqUUID(1, 0))
			sku := dig(prod, "data", "skus").([]any)[0].(map[string]any)
			require.Equal(t, PartnerSKUVoucher, sku["id"])
			require.NotEmpty(t, dig(get("/catalog/pricelist?type=esim&per_page=5"), "data"))
			require.NotEmpty(t, dig(get("/catalog/categories?target=sku"), "data"))

			// Signed order, then read it back two ways.
			st, created := c.do("POST", "/orders", []byte(enc.order("ORD-12345", PartnerSKUVoucher)), c.sign(PartnerSKUVoucher, "ORD-12345"))
			require.Equal(t, 201, st, created)
			require.Equal(t, "Order created successfully", dig(created, "message"))
			id := dig(created, "data", "id").(string)
			order := get("/orders/" + id)
			require.Equal(t, "ORD-12345", dig(order, "data", "external_id"))
			require.Equal(t, "completed", dig(order, "data", "status"))
			found := dig(get("/orders?external_id=ORD-12345"), "data").([]any)
			require.Len(t, found, 1)

			// The same external id again is refused: one order per id.
			st, dup := c.do("POST", "/orders", []byte(enc.order("ORD-12345", PartnerSKUVoucher)), c.sign(PartnerSKUVoucher, "ORD-12345"))
			require.Equal(t, 409, st, dup)

			// eSIM: status, then a signed top-up (message signs the ICCID).
			status := get("/services/esim/" + PartnerICCID + "/status")
			require.Equal(t, true, dig(status, "data", "can_renew"))
			st, topup := c.do("POST", "/services/esim/"+PartnerICCID+"/topup", []byte(enc.topup("topup-12345", PartnerSKUESIM)), c.sign(PartnerICCID, "topup-12345"))
			require.Equal(t, 201, st, topup)
			require.Equal(t, "Top-up order created successfully", dig(topup, "message"))

			hist := dig(get("/balance/history"), "data").([]any)
			require.Len(t, hist, 3, "opening topup, order charge, top-up charge")
			require.Equal(t, "charge", dig(hist[1], "type"))
			require.Equal(t, id, dig(hist[1], "order_id"))
			require.Equal(t, "985.00", dig(get("/balance"), "data", "balance"), "10.00 voucher + 5.00 top-up")
		})
	}
}

// TestPartnerRefusesUndocumentedEncodings: the docs give JSON as the only
// request encoding, so a form body (or none announced) is refused and buys
// nothing, as the service would.
func TestPartnerRefusesUndocumentedEncodings(t *testing.T) {
	for _, ctype := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", ""} {
		t.Run(ctype, func(t *testing.T) {
			h := newPartner(t, PartnerFakeConfig{})
			c := &plainClient{t: t, base: h.url, token: FakePartnerToken, secret: FakePartnerSecret, now: seedNow, ctype: ctype}
			body := "external_id=ORD-1&item[sku_id]=" + PartnerSKUVoucher
			if strings.HasPrefix(ctype, "text") || ctype == "" {
				body = `{"external_id":"ORD-1","item":{"sku_id":"` + PartnerSKUVoucher + `"}}`
			}
			st, v := c.do("POST", "/orders", []byte(body), c.sign(PartnerSKUVoucher, "ORD-1"))
			require.Equal(t, 415, st, v)
			require.Equal(t, false, dig(v, "success"))
			require.Empty(t, h.fake.Orders())
		})
	}
}
