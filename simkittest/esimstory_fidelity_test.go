package simkittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/signing"
)

// esimPublished reads one of eSIM Story's published examples.
func esimPublished(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "esimstory", "published", name))
	require.NoError(t, err)
	return b
}

// esimShapeDiff lists where got differs in structure from want: a field
// missing or added at any depth, a JSON type that differs, null where a
// value is documented (or the reverse). Array elements are compared with
// the example's first element.
func esimShapeDiff(path string, want, got any) []string {
	kind := func(v any) string {
		switch v.(type) {
		case nil:
			return "null"
		case string:
			return "string"
		case float64, json.Number:
			return "number"
		case bool:
			return "bool"
		case []any:
			return "array"
		case map[string]any:
			return "object"
		}
		return fmt.Sprintf("%T", v)
	}
	if kind(want) != kind(got) {
		return []string{fmt.Sprintf("%s: documented %s, fake sent %s", path, kind(want), kind(got))}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: documented, missing from the fake", path, k))
				continue
			}
			out = append(out, esimShapeDiff(path+"."+k, wv, gv)...)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: sent by the fake, not documented", path, k))
			}
		}
	case []any:
		g := got.([]any)
		if len(w) > 0 && len(g) == 0 {
			out = append(out, fmt.Sprintf("%s: documented elements, fake sent none", path))
		}
		for i, gv := range g {
			if len(w) > 0 {
				out = append(out, esimShapeDiff(fmt.Sprintf("%s[%d]", path, i), w[0], gv)...)
			}
		}
	}
	sort.Strings(out)
	return out
}

// esimKeyOrder returns the top-level keys of a JSON object in wire order.
func esimKeyOrder(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// esimTemplate turns a documented message with placeholders ("Status:
// [code], Message: [message]") into a pattern for the fake's message.
func esimTemplate(doc string) *regexp.Regexp {
	q := regexp.QuoteMeta(doc)
	for ph, re := range map[string]string{`\[code\]`: `\d+`, `\[message\]`: `.+`, `\[order_id\]`: `\d+`} {
		q = strings.ReplaceAll(q, ph, re)
	}
	return regexp.MustCompile("^" + q + "$")
}

func TestESIMStoryFidelity(t *testing.T) {
	other, err := signing.NewESIMStory(FakeESIMStoryAccessKey, signing.NewSecret("b3RoZXIta2V5"))
	require.NoError(t, err)
	good := esimOrder("FID-NEW", esimProduct(ESIMStoryOptionA, 1))
	tests := []struct {
		example string
		status  int
		// exact: the documented body is a fixed message the fake must send
		// verbatim; template: the documented message has placeholders.
		exact, template bool
		setup           func(h *esimHarness)
		send            func(h *esimHarness) esimReply
	}{
		{example: "order_response.json", status: 200, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, esimOrder("FID-1", esimProduct(ESIMStoryOptionA, 1), esimProduct(ESIMStoryOptionB, 2)), esimNow, nil)
		}},
		{example: "order_qty2.json", status: 200, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, esimOrder("FID-2", esimProduct(ESIMStoryOptionA, 2)), esimNow, nil)
		}},
		{example: "error_400_invalid_json.json", status: 400, exact: true, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, `{"external_order_id": "FID-3",`, esimNow, nil)
		}},
		{example: "error_401_invalid_signature.json", status: 401, exact: true, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, good, esimNow, func(hd http.Header) {
				hd.Set(signing.HeaderESIMStorySignature, other.Sign("POST", esimOrdersPath, esimNow.Unix()))
			})
		}},
		{example: "error_401_missing_headers.json", status: 401, exact: true, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, good, esimNow, func(hd http.Header) { hd.Del(signing.HeaderESIMStoryTimestamp) })
		}},
		{example: "error_401_invalid_access_key.json", status: 401, exact: true, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, good, esimNow, func(hd http.Header) { hd.Set(signing.HeaderESIMStoryAccessKey, "AK-unknown") })
		}},
		{example: "error_401_timestamp.json", status: 401, exact: true, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, good, esimNow.Add(-10*time.Minute), nil)
		}},
		{example: "error_422_option_not_found.json", status: 422, exact: true, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, esimOrder("FID-4", esimProduct("00000000-0000-0000-0000-000000000000", 1)), esimNow, nil)
		}},
		{example: "error_422_blank_id.json", status: 422, exact: true, send: func(h *esimHarness) esimReply {
			return h.post(esimOrdersPath, esimOrder("", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
		{example: "error_422_taken.json", status: 422, exact: true, send: func(h *esimHarness) esimReply {
			h.post(esimOrdersPath, esimOrder("FID-5", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
			return h.post(esimOrdersPath, esimOrder("FID-5", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
		{example: "error_422_esim_request_failed.json", status: 422, template: true, send: func(h *esimHarness) esimReply {
			h.fake.FailNextOrder(ESIMStoryUpstreamError)
			return h.post(esimOrdersPath, esimOrder("FID-6", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
		{example: "error_422_api_connection.json", status: 422, template: true, send: func(h *esimHarness) esimReply {
			h.fake.FailNextOrder(ESIMStoryConnectionError)
			return h.post(esimOrdersPath, esimOrder("FID-7", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
		{example: "error_500.json", status: 500, exact: true, send: func(h *esimHarness) esimReply {
			h.fake.FailNextOrder(ESIMStoryInternalError)
			return h.post(esimOrdersPath, esimOrder("FID-8", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			h := newESIMStory(t, ESIMStoryFakeConfig{})
			r := tt.send(h)
			doc := esimPublished(t, tt.example)
			var want, got any
			require.NoError(t, json.Unmarshal(doc, &want))
			require.NoError(t, json.Unmarshal([]byte(r.Raw), &got), r.Raw)
			require.Equal(t, tt.status, r.Status, r.Raw)
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			require.Empty(t, esimShapeDiff("$", want, got))
			switch {
			case tt.exact:
				require.JSONEq(t, string(doc), r.Raw)
			case tt.template:
				docMsg := want.(map[string]any)["errors"].([]any)[0].(string)
				require.Regexp(t, esimTemplate(docMsg), got.(map[string]any)["errors"].([]any)[0])
			}
			if tt.status == 200 {
				require.Len(t, got.(map[string]any)["products"], len(want.(map[string]any)["products"].([]any)), "one entry per unit")
				var ans struct{ Products []json.RawMessage }
				require.NoError(t, json.Unmarshal([]byte(r.Raw), &ans))
				require.Equal(t, []string{"topup_id", "option_id"}, esimKeyOrder(t, ans.Products[0]), "fields in the documented order")
			}
		})
	}
	t.Run("error_401_missing_secret.json", func(t *testing.T) {
		h := newESIMStory(t, ESIMStoryFakeConfig{AccessKey: FakeESIMStoryAccessKey, SecretKey: "not base64!"})
		r := h.post(esimOrdersPath, good, esimNow, nil)
		require.Equal(t, 401, r.Status)
		require.JSONEq(t, string(esimPublished(t, "error_401_missing_secret.json")), r.Raw)
	})
	t.Run("webhook_delivery.json", func(t *testing.T) {
		rc := &esimReceiver{}
		h := newESIMStory(t, ESIMStoryFakeConfig{WebhookHandler: rc})
		require.Equal(t, 200, h.post(esimOrdersPath, esimOrder("ORDER-123456", esimProduct(ESIMStoryOptionA, 2)), esimNow, nil).Status)
		require.NoError(t, h.fake.DeliverAll("ORDER-123456"))
		doc := esimPublished(t, "webhook_delivery.json")
		var want map[string]any
		require.NoError(t, json.Unmarshal(doc, &want))
		require.Len(t, rc.raws, 2, "one webhook per unit")
		for i, raw := range rc.raws {
			var got any
			require.NoError(t, json.Unmarshal(raw, &got))
			require.Empty(t, esimShapeDiff("$", want, got))
			require.Equal(t, esimKeyOrder(t, doc), esimKeyOrder(t, raw), "fields in the documented order")
			require.Equal(t, http.MethodPost, rc.methods[i])
			require.Equal(t, "application/json", rc.ctypes[i])
			g := got.(map[string]any)
			require.Equal(t, "ORDER-123456", g["external_order_id"])
			require.Regexp(t, `^LPA:1\$[^$]+\$[0-9A-F]+$`, g["download_link"])
			require.Regexp(t, `^\d{19,20}$`, g["iccid"])
			require.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, g["expired_date"])
		}
	})
}

// TestESIMStoryShapeDiff proves the comparator catches what fidelity means.
func TestESIMStoryShapeDiff(t *testing.T) {
	doc := `{"a":"x","n":1,"z":null,"o":{"k":"v"},"l":[{"id":"1"}]}`
	tests := []struct {
		name, got string
		diffs     int
	}{
		{"same shape, other values", `{"a":"y","n":2,"z":null,"o":{"k":"w"},"l":[{"id":"2"},{"id":"3"}]}`, 0},
		{"undocumented field", `{"a":"y","n":2,"z":null,"o":{"k":"w"},"l":[{"id":"2"}],"extra":1}`, 1},
		{"missing field", `{"n":2,"z":null,"o":{"k":"w"},"l":[{"id":"2"}]}`, 1},
		{"nested field missing", `{"a":"y","n":2,"z":null,"o":{},"l":[{"id":"2"}]}`, 1},
		{"number as string", `{"a":"y","n":"2","z":null,"o":{"k":"w"},"l":[{"id":"2"}]}`, 1},
		{"null sent as absent", `{"a":"y","n":2,"o":{"k":"w"},"l":[{"id":"2"}]}`, 1},
		{"null where a value is documented", `{"a":null,"n":2,"z":null,"o":{"k":"w"},"l":[{"id":"2"}]}`, 1},
		{"array element mistyped", `{"a":"y","n":2,"z":null,"o":{"k":"w"},"l":[{"id":2}]}`, 1},
		{"empty array", `{"a":"y","n":2,"z":null,"o":{"k":"w"},"l":[]}`, 1},
	}
	var want any
	require.NoError(t, json.Unmarshal([]byte(doc), &want))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got any
			require.NoError(t, json.Unmarshal([]byte(tt.got), &got))
			require.Len(t, esimShapeDiff("$", want, got), tt.diffs)
		})
	}
}
