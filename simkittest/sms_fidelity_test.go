package simkittest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// smsPublished reads a documented response example kept as a fact.
func smsPublished(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "smsnumbers", "published", name))
	require.NoError(t, err)
	return b
}

// smsShapeRules says which objects of an answer are maps keyed by data
// (product, country or operator names) rather than records with fixed
// fields. Paths are "$" for the root, ".name" for a field, ".*" for any
// key of a map and "[]" for array elements.
type smsShapeRules struct {
	// maps are objects whose every value has the shape of the example's
	// first value.
	maps []string
	// mixed are records with these fixed fields whose other keys are data
	// (a country's operators).
	mixed map[string][]string
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// smsShapeDiff lists every way got's structure differs from want's: a
// field missing or extra, a JSON type (null included) that differs.
// Arrays are compared element by element against want's first element;
// an empty array on either side says nothing about elements.
func smsShapeDiff(path string, want, got any, rules smsShapeRules) []string {
	if wk, gk := jsonKind(want), jsonKind(got); wk != gk {
		return []string{fmt.Sprintf("%s: documented %s, fake sent %s", path, wk, gk)}
	}
	var out []string
	switch w := want.(type) {
	case []any:
		g := got.([]any)
		if len(w) == 0 {
			return nil
		}
		for _, e := range g {
			out = append(out, smsShapeDiff(path+"[]", w[0], e, rules)...)
		}
	case map[string]any:
		g := got.(map[string]any)
		for _, m := range rules.maps {
			if m == path {
				if len(w) == 0 {
					return nil
				}
				first := w[sortedKeys(w)[0]]
				for _, k := range sortedKeys(g) {
					out = append(out, smsShapeDiff(path+".*", first, g[k], rules)...)
				}
				return out
			}
		}
		fixed, mixed := rules.mixed[path]
		if mixed {
			var wData, gData []string
			isFixed := map[string]bool{}
			for _, f := range fixed {
				isFixed[f] = true
			}
			for _, k := range sortedKeys(w) {
				if !isFixed[k] {
					wData = append(wData, k)
				}
			}
			for _, k := range sortedKeys(g) {
				if !isFixed[k] {
					gData = append(gData, k)
				}
			}
			for _, f := range fixed {
				wv, wok := w[f]
				gv, gok := g[f]
				switch {
				case wok && !gok:
					out = append(out, path+"."+f+": documented field missing")
				case wok:
					out = append(out, smsShapeDiff(path+"."+f, wv, gv, rules)...)
				}
			}
			if len(wData) > 0 {
				for _, k := range gData {
					out = append(out, smsShapeDiff(path+".*", w[wData[0]], g[k], rules)...)
				}
			}
			return out
		}
		for _, k := range sortedKeys(w) {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k+": documented field missing")
				continue
			}
			out = append(out, smsShapeDiff(path+"."+k, w[k], gv, rules)...)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				out = append(out, path+"."+k+": field not in the documented answer")
			}
		}
	}
	return out
}

func decodeLoose(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v), string(b))
	return v
}

// TestSMSFidelity compares the fake's answer to each documented response
// example: same fields at every depth, same JSON types, null where the
// docs show null.
func TestSMSFidelity(t *testing.T) {
	type scenario struct {
		name, example string
		rules         smsShapeRules
		// answer drives the fake into the example's state and returns
		// the answer to compare.
		answer func(e *smsEnv) (int, string)
	}
	get := func(path string) func(e *smsEnv) (int, string) {
		return func(e *smsEnv) (int, string) { return e.get(path) }
	}
	// activation buys an activation order, with an SMS when withSMS.
	activation := func(e *smsEnv, withSMS bool) int64 {
		o := e.buy("/v1/user/buy/activation/russia/any/vkontakte")
		if withSMS {
			require.NoError(e.t, e.fake.DeliverSMS(o.ID, "VK: 09363 - use this code", "09363"))
		}
		return o.ID
	}
	then := func(withSMS bool, action string) func(e *smsEnv) (int, string) {
		return func(e *smsEnv) (int, string) {
			return e.get(fmt.Sprintf("/v1/user/%s/%d", action, activation(e, withSMS)))
		}
	}
	prices := smsShapeRules{maps: []string{"$", "$.*", "$.*.*"}}
	tests := []scenario{
		{name: "profile", example: "profile.json", answer: get("/v1/user/profile")},
		{name: "orders history", example: "orders.json", answer: func(e *smsEnv) (int, string) {
			activation(e, false)
			return e.get("/v1/user/orders?category=activation&limit=15&offset=0&order=id&reverse=true")
		}},
		{name: "payments history", example: "payments.json", answer: get("/v1/user/payments?limit=15&offset=0&order=id&reverse=true")},
		{name: "products", example: "products.json", rules: smsShapeRules{maps: []string{"$"}}, answer: get("/v1/guest/products/russia/any")},
		{name: "prices", example: "prices.json", rules: prices, answer: get("/v1/guest/prices")},
		{name: "prices by country", example: "prices_country.json", rules: prices, answer: get("/v1/guest/prices?country=russia")},
		{name: "prices by product", example: "prices_product.json", rules: prices, answer: get("/v1/guest/prices?product=telegram")},
		{name: "prices by country and product", example: "prices_country_product.json", rules: prices, answer: get("/v1/guest/prices?country=russia&product=telegram")},
		{name: "buy activation", example: "buy_activation.json", answer: get("/v1/user/buy/activation/russia/any/vkontakte")},
		{name: "re-buy", example: "buy_activation.json", answer: func(e *smsEnv) (int, string) {
			o := e.buy("/v1/user/buy/activation/russia/beeline/vkontakte?reuse=1")
			return e.get("/v1/user/reuse/vkontakte/" + strings.TrimPrefix(o.Phone, "+"))
		}},
		{name: "buy hosting", example: "buy_hosting.json", answer: get("/v1/user/buy/hosting/russia/any/1day")},
		{name: "hosting order with an SMS", example: "buy_hosting.json", answer: func(e *smsEnv) (int, string) {
			o := e.buy("/v1/user/buy/hosting/russia/any/1day")
			require.NoError(e.t, e.fake.DeliverSMS(o.ID, "Use 415127 as your login code", "415127"))
			return e.get(fmt.Sprintf("/v1/user/check/%d", o.ID))
		}},
		{name: "check", example: "check.json", answer: then(true, "check")},
		{name: "check before an SMS", example: "check.json", answer: then(false, "check")},
		{name: "finish", example: "finish.json", answer: then(true, "finish")},
		{name: "cancel", example: "cancel.json", answer: then(false, "cancel")},
		{name: "ban", example: "ban.json", answer: then(false, "ban")},
		{name: "sms structure", example: "sms.json", answer: func(e *smsEnv) (int, string) {
			s, b := then(true, "check")(e)
			var o map[string]json.RawMessage
			require.NoError(e.t, json.Unmarshal([]byte(b), &o))
			return s, `{"sms":` + string(o["sms"]) + `}`
		}},
		{name: "sms inbox", example: "sms_inbox.json", answer: func(e *smsEnv) (int, string) {
			return e.get(fmt.Sprintf("/v1/user/sms/inbox/%d", activation(e, true)))
		}},
		{name: "notification", example: "flash.json", answer: get("/v1/guest/flash/en")},
		{name: "vendor", example: "vendor.json", answer: get("/v1/user/vendor")},
		{name: "wallets", example: "wallets.json", rules: smsShapeRules{maps: []string{"$"}}, answer: get("/v1/vendor/wallets")},
		{name: "vendor orders", example: "vendor_orders.json", answer: get("/v1/vendor/orders?category=activation&limit=15&offset=0&order=id&reverse=true")},
		{name: "vendor payments", example: "vendor_payments.json", answer: get("/v1/vendor/payments?limit=15&offset=0&order=id&reverse=true")},
		{name: "countries", example: "countries.json", answer: get("/v1/guest/countries"), rules: smsShapeRules{
			maps:  []string{"$", "$.*.iso", "$.*.prefix", "$.*.*"},
			mixed: map[string][]string{"$.*": {"iso", "prefix", "text_en", "text_ru"}},
		}},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.example] = true
		t.Run(tc.name, func(t *testing.T) {
			e := newSMSEnv(t, nil)
			status, body := tc.answer(e)
			require.Equal(t, http.StatusOK, status, body)
			want := decodeLoose(t, smsPublished(t, tc.example))
			got := decodeLoose(t, []byte(body))
			require.Empty(t, smsShapeDiff("$", want, got, tc.rules), "fake answer: %s", body)
		})
	}
	entries, err := os.ReadDir(filepath.Join("..", "testdata", "smsnumbers", "published"))
	require.NoError(t, err)
	for _, en := range entries {
		if strings.HasSuffix(en.Name(), ".json") {
			require.True(t, covered[en.Name()], "no scenario compares the fake with %s", en.Name())
		}
	}
}

// TestSMSShapeDiffCatches: the comparison fails on each kind of
// difference, so a fidelity test that passes means something.
func TestSMSShapeDiffCatches(t *testing.T) {
	want := decodeLoose(t, []byte(`{"a":1,"b":null,"c":[{"x":"s"}],"m":{"k1":{"v":1}}}`))
	rules := smsShapeRules{maps: []string{"$.m"}}
	for name, got := range map[string]string{
		"missing field":         `{"b":null,"c":[],"m":{}}`,
		"extra field":           `{"a":1,"b":null,"c":[],"m":{},"z":1}`,
		"number as string":      `{"a":"1","b":null,"c":[],"m":{}}`,
		"null as array":         `{"a":1,"b":[],"c":[],"m":{}}`,
		"element field missing": `{"a":1,"b":null,"c":[{}],"m":{}}`,
		"map value mistyped":    `{"a":1,"b":null,"c":[],"m":{"other":{"v":"1"}}}`,
	} {
		require.NotEmpty(t, smsShapeDiff("$", want, decodeLoose(t, []byte(got)), rules), name)
	}
	require.Empty(t, smsShapeDiff("$", want, decodeLoose(t, []byte(`{"a":2,"b":null,"c":[{"x":"t"}],"m":{"q":{"v":3}}}`)), rules))
}

// TestSMSErrorFidelity: the plain-text errors come with the documented
// statuses and bodies.
func TestSMSErrorFidelity(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "smsnumbers", "published", "errors.txt"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		require.Len(t, parts, 3, line)
		n++
		t.Run(parts[2], func(t *testing.T) {
			e := newSMSEnv(t, nil)
			req, note, _ := strings.Cut(parts[2], " (")
			method, path, _ := strings.Cut(req, " ")
			token := smsTestToken
			switch note {
			case "sold out)":
				require.True(t, e.fake.SetStock("russia", "beeline", "vkontakte", 0))
			case "bad token)":
				token = "wrong"
			}
			status, body, h := e.do(method, path, token, "")
			require.Equal(t, parts[0], fmt.Sprint(status))
			require.Equal(t, parts[1], body)
			if status == http.StatusFound {
				require.Equal(t, "/404.html", h.Get("Location"))
			}
		})
	}
	require.NoError(t, sc.Err())
	require.Positive(t, n)
}
