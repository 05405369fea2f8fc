package simkittest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/signing"
)

// esimTemplate turns a documented message with placeholders ("Status:
// [code], Message: [message]") into a pattern for the fake's message.
func esimTemplate(doc string) *regexp.Regexp {
	q := regexp.QuoteMeta(doc)
	for ph, re := range map[string]string{`\[code\]`: `\d+`, `\[message\]`: `.+`, `\[order_id\]`: `\d+`} {
		q = strings.ReplaceAll(q, ph, re)
	}
	return regexp.MustCompile("^" + q + "$")
}

// esimShape: eSIM Story documents every field it sends, with fixed JSON
// types, and an example's array always has elements.
var esimShape = shape{elements: true}

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
		send            func(h *esimHarness) reply
	}{
		{example: "order_response.json", status: 200, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, esimOrder("FID-1", esimProduct(ESIMStoryOptionA, 1), esimProduct(ESIMStoryOptionB, 2)), esimNow, nil)
		}},
		{example: "order_qty2.json", status: 200, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, esimOrder("FID-2", esimProduct(ESIMStoryOptionA, 2)), esimNow, nil)
		}},
		{example: "error_400_invalid_json.json", status: 400, exact: true, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, `{"external_order_id": "FID-3",`, esimNow, nil)
		}},
		{example: "error_401_invalid_signature.json", status: 401, exact: true, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, good, esimNow, func(hd http.Header) {
				hd.Set(signing.HeaderESIMStorySignature, other.Sign("POST", esimOrdersPath, esimNow.Unix()))
			})
		}},
		{example: "error_401_missing_headers.json", status: 401, exact: true, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, good, esimNow, func(hd http.Header) { hd.Del(signing.HeaderESIMStoryTimestamp) })
		}},
		{example: "error_401_invalid_access_key.json", status: 401, exact: true, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, good, esimNow, func(hd http.Header) { hd.Set(signing.HeaderESIMStoryAccessKey, "AK-unknown") })
		}},
		{example: "error_401_timestamp.json", status: 401, exact: true, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, good, esimNow.Add(-10*time.Minute), nil)
		}},
		{example: "error_422_option_not_found.json", status: 422, exact: true, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, esimOrder("FID-4", esimProduct("00000000-0000-0000-0000-000000000000", 1)), esimNow, nil)
		}},
		{example: "error_422_blank_id.json", status: 422, exact: true, send: func(h *esimHarness) reply {
			return h.post(esimOrdersPath, esimOrder("", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
		{example: "error_422_taken.json", status: 422, exact: true, send: func(h *esimHarness) reply {
			h.post(esimOrdersPath, esimOrder("FID-5", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
			return h.post(esimOrdersPath, esimOrder("FID-5", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
		{example: "error_422_esim_request_failed.json", status: 422, template: true, send: func(h *esimHarness) reply {
			h.fake.FailNextOrder(ESIMStoryUpstreamError)
			return h.post(esimOrdersPath, esimOrder("FID-6", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
		{example: "error_422_api_connection.json", status: 422, template: true, send: func(h *esimHarness) reply {
			h.fake.FailNextOrder(ESIMStoryConnectionError)
			return h.post(esimOrdersPath, esimOrder("FID-7", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
		{example: "error_500.json", status: 500, exact: true, send: func(h *esimHarness) reply {
			h.fake.FailNextOrder(ESIMStoryInternalError)
			return h.post(esimOrdersPath, esimOrder("FID-8", esimProduct(ESIMStoryOptionA, 1)), esimNow, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			h := newESIMStory(t, ESIMStoryFakeConfig{})
			r := tt.send(h)
			doc := published(t, "esimstory", tt.example)
			want, got := decodeJSON(t, doc), decodeJSON(t, []byte(r.Raw))
			require.Equal(t, tt.status, r.Status, r.Raw)
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			problems, _ := esimShape.diff(want, got)
			require.Empty(t, problems)
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
				require.Equal(t, []string{"topup_id", "option_id"}, jsonKeyOrder(t, ans.Products[0]), "fields in the documented order")
			}
		})
	}
	t.Run("error_401_missing_secret.json", func(t *testing.T) {
		h := newESIMStory(t, ESIMStoryFakeConfig{AccessKey: FakeESIMStoryAccessKey, SecretKey: "not base64!"})
		r := h.post(esimOrdersPath, good, esimNow, nil)
		require.Equal(t, 401, r.Status)
		require.JSONEq(t, string(published(t, "esimstory", "error_401_missing_secret.json")), r.Raw)
	})
	t.Run("webhook_delivery.json", func(t *testing.T) {
		rc := &esimReceiver{}
		h := newESIMStory(t, ESIMStoryFakeConfig{WebhookHandler: rc})
		require.Equal(t, 200, h.post(esimOrdersPath, esimOrder("ORDER-123456", esimProduct(ESIMStoryOptionA, 2)), esimNow, nil).Status)
		require.NoError(t, h.fake.DeliverAll("ORDER-123456"))
		doc := published(t, "esimstory", "webhook_delivery.json")
		want := decodeJSON(t, doc)
		require.Len(t, rc.raws, 2, "one webhook per unit")
		for i, raw := range rc.raws {
			got := decodeJSON(t, raw)
			problems, _ := esimShape.diff(want, got)
			require.Empty(t, problems)
			require.Equal(t, jsonKeyOrder(t, doc), jsonKeyOrder(t, raw), "fields in the documented order")
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
