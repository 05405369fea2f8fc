package simkittest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// publishedDir holds the provider's documented examples (see its README).
var publishedDir = filepath.Join("..", "testdata", "partner", "published")

func published(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(publishedDir, name))
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(b, &v), name)
	return v
}

// shape.problems compares got with the documented example want: every key
// of want at every depth must be in got with the same JSON type (a decimal
// or an id may be a number or a numeric string, as the provider sends
// both), null must stay null, and each element of a got array must match
// one of want's elements (the documented variants). An empty object or
// array in want accepts any content. Keys the fake sends beyond the
// example are returned as extra, not as problems.
// shape holds the paths ("$.data[].price") the docs give as nullable: there
// null and the example's type are both right.
type shape struct{ nullable map[string]bool }

var indexRE = regexp.MustCompile(`\[\d+\]`)

func (s shape) problems(path string, want, got any) (problems, extra []string) {
	if s.nullable[indexRE.ReplaceAllString(path, "[]")] && (got == nil || want == nil) {
		return nil, nil
	}
	switch w := want.(type) {
	case nil:
		if got != nil {
			problems = append(problems, fmt.Sprintf("%s: want null, got %s", path, jsonType(got)))
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %s", path, jsonType(got))}, nil
		}
		if len(w) == 0 {
			return nil, nil
		}
		for _, k := range sortedKeys(w) {
			gv, ok := g[k]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			p, e := s.problems(path+"."+k, w[k], gv)
			problems, extra = append(problems, p...), append(extra, e...)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				extra = append(extra, path+"."+k)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want array, got %s", path, jsonType(got))}, nil
		}
		if len(w) == 0 {
			return nil, nil
		}
		for i, gv := range g {
			var best []string
			var bestExtra []string
			for _, variant := range w {
				p, e := s.problems(fmt.Sprintf("%s[%d]", path, i), variant, gv)
				if best == nil || len(p) < len(best) {
					best, bestExtra = p, e
				}
				if len(p) == 0 {
					break
				}
			}
			problems, extra = append(problems, best...), append(extra, bestExtra...)
		}
	case string:
		if isDecimal(w) {
			if !isNumberLike(got) {
				problems = append(problems, fmt.Sprintf("%s: want a number or numeric string, got %s", path, jsonType(got)))
			}
		} else if _, ok := got.(string); !ok {
			problems = append(problems, fmt.Sprintf("%s: want string, got %s", path, jsonType(got)))
		}
	case float64:
		if !isNumberLike(got) {
			problems = append(problems, fmt.Sprintf("%s: want number, got %s", path, jsonType(got)))
		}
	case bool:
		if _, ok := got.(bool); !ok {
			problems = append(problems, fmt.Sprintf("%s: want boolean, got %s", path, jsonType(got)))
		}
	}
	return problems, extra
}

func isDecimal(s string) bool {
	_, err := decimal.NewFromString(s)
	return err == nil && strings.TrimSpace(s) == s && s != ""
}

func isNumberLike(v any) bool {
	switch x := v.(type) {
	case float64:
		return true
	case string:
		return isDecimal(x)
	}
	return false
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestShapeProblemsCatchesDrift: the comparison itself fails on a missing
// field, a mistyped one, a value where null is documented, and an array
// element matching no variant.
func TestShapeProblemsCatchesDrift(t *testing.T) {
	want := map[string]any{"a": "x", "n": "1.00", "z": nil, "list": []any{map[string]any{"k": true}}}
	tests := []struct {
		name string
		got  string
		bad  int
	}{
		{"null where the docs allow it", `{"a":"x","n":null,"z":null,"list":[]}`, 0},
		{"same shape, number for a decimal string", `{"a":"y","n":1,"z":null,"list":[{"k":false}],"more":1}`, 0},
		{"missing field", `{"n":"1","z":null,"list":[]}`, 1},
		{"mistyped field", `{"a":1,"n":"1","z":null,"list":[]}`, 1},
		{"value where null is documented", `{"a":"x","n":"1","z":"v","list":[]}`, 1},
		{"array element matching no variant", `{"a":"x","n":"1","z":null,"list":[{"k":"yes"}]}`, 1},
		{"non-numeric string for a decimal", `{"a":"x","n":"abc","z":null,"list":[]}`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got any
			require.NoError(t, json.Unmarshal([]byte(tc.got), &got))
			p, _ := shape{nullable: map[string]bool{"$.n": true}}.problems("$", want, got)
			require.Len(t, p, tc.bad, p)
		})
	}
}

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
	topupBody, err := os.ReadFile(filepath.Join(publishedDir, "topup_request.json"))
	require.NoError(t, err)
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
	b, err := os.ReadFile(filepath.Join(publishedDir, "nullable.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &nullable))
	for _, tc := range tests {
		t.Run(tc.example, func(t *testing.T) {
			sh := shape{nullable: map[string]bool{}}
			if raw, ok := nullable[tc.example]; ok {
				var paths []string
				require.NoError(t, json.Unmarshal(raw, &paths))
				for _, p := range paths {
					sh.nullable[p] = true
				}
			}
			problems, extra := sh.problems("$", published(t, tc.example), tc.got)
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
