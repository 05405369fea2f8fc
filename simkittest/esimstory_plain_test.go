package simkittest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// esimPlainSign signs an eSIM Story request the way its docs describe,
// with nothing from simkit: hex HMAC-SHA256, keyed with the base64-decoded
// secret, over METHOD\nPATH\nTIMESTAMP\nACCESS_KEY.
func esimPlainSign(t *testing.T, req *http.Request, accessKey, secretB64 string, now time.Time) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(secretB64)
	require.NoError(t, err)
	ts := strconv.FormatInt(now.Unix(), 10)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(req.Method + "\n" + req.URL.Path + "\n" + ts + "\n" + accessKey))
	req.Header.Set("X-Esim-Story-Access-Key", accessKey)
	req.Header.Set("X-Esim-Story-Timestamp", ts)
	req.Header.Set("X-Esim-Story-Signature", hex.EncodeToString(mac.Sum(nil)))
}

// esimHook is the partner's webhook endpoint: it keeps every delivery.
type esimHook struct {
	mu     sync.Mutex
	bodies []map[string]any
}

func (h *esimHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b map[string]any
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&b) != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if r.URL.Query().Get("token") != "hook-secret" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	h.mu.Lock()
	h.bodies = append(h.bodies, b)
	h.mu.Unlock()
}

// TestESIMStoryPlainClientJourney walks the documented journey with a bare
// net/http client, once per body encoding the API accepts: order two
// units, receive their two delivery webhooks, get the duplicate refused.
func TestESIMStoryPlainClientJourney(t *testing.T) {
	hook := &esimHook{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	fake := NewESIMStoryFake(ESIMStoryFakeConfig{
		AccessKey: FakeESIMStoryAccessKey, SecretKey: FakeESIMStorySecretKey,
		WebhookURL: hookSrv.URL + "/esim", WebhookToken: "hook-secret",
	})
	defer fake.Close()
	api := httptest.NewServer(fake)
	defer api.Close()
	hc := &http.Client{Timeout: 5 * time.Second}
	do := func(body []byte, ctype string, sign bool) (int, map[string]any) {
		req, err := http.NewRequest(http.MethodPost, api.URL+"/api/v1/api_partner/orders", bytes.NewReader(body))
		require.NoError(t, err)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("Accept", "application/json")
		if sign {
			esimPlainSign(t, req, FakeESIMStoryAccessKey, FakeESIMStorySecretKey, time.Now())
		}
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(raw, &out), string(raw))
		return resp.StatusCode, out
	}
	for _, enc := range []struct{ name, ctype string }{
		{"JSON", "application/json"},
		{"JSON with charset", "application/json; charset=utf-8"},
		{"JSON without Content-Type", ""},
		{"JSON sent as text/plain", "text/plain"},
	} {
		t.Run(enc.name, func(t *testing.T) {
			ext := "PLAIN-" + enc.name
			body, _ := json.Marshal(map[string]any{"external_order_id": ext, "products": []any{map[string]any{"option_id": ESIMStoryOptionB, "qty": 2}}})
			status, out := do(body, enc.ctype, true)
			require.Equal(t, 200, status, out)
			products := out["products"].([]any)
			require.Len(t, products, 2)
			ids := map[string]bool{}
			for _, p := range products {
				u := p.(map[string]any)
				require.Equal(t, ESIMStoryOptionB, u["option_id"])
				ids[u["topup_id"].(string)] = true
			}

			require.NoError(t, fake.DeliverAll(ext))
			hook.mu.Lock()
			got := 0
			for _, b := range hook.bodies {
				if b["external_order_id"] == ext {
					require.True(t, ids[b["topup_id"].(string)], "each delivery names a unit of the order")
					require.NotEmpty(t, b["download_link"])
					got++
				}
			}
			hook.mu.Unlock()
			require.Equal(t, 2, got, "one webhook per unit")

			status, out = do(body, enc.ctype, true)
			require.Equal(t, 422, status)
			require.Equal(t, []any{"External order id has already been taken"}, out["errors"])
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		status, out := do([]byte(`{"external_order_id":"PLAIN-X","products":[{"option_id":"`+ESIMStoryOptionA+`","qty":1}]}`), "application/json", false)
		require.Equal(t, 401, status)
		require.Equal(t, "Missing required authentication headers.", out["error"].(map[string]any)["message"])
	})
	t.Run("form-encoded body is not JSON", func(t *testing.T) {
		status, out := do([]byte("external_order_id=PLAIN-F&products[][option_id]="+ESIMStoryOptionA+"&products[][qty]=1"), "application/x-www-form-urlencoded", true)
		require.Equal(t, 400, status)
		require.Equal(t, "Invalid JSON format", out["error"])
	})
	t.Run("external_order_id as a number", func(t *testing.T) {
		status, out := do([]byte(`{"external_order_id":4711,"products":[{"option_id":"`+ESIMStoryOptionA+`","qty":1}]}`), "application/json", true)
		require.Equal(t, 200, status, out)
		require.Len(t, fake.Units("4711"), 1)
	})
	require.Equal(t, 5, fake.OrderCount())
}
