package esimstory_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
)

// expectedSignature recomputes the SPEC vector with crypto/hmac directly,
// independent of the signing package.
func expectedSignature(method, path string, ts int64) string {
	mac := hmac.New(sha256.New, []byte(testRawSecret))
	mac.Write([]byte(method + "\n" + path + "\n" + strconv.FormatInt(ts, 10) + "\n" + testAccessKey))
	return hex.EncodeToString(mac.Sum(nil))
}

func TestCreateOrderSignatureMatchesIndependentVector(t *testing.T) {
	tests := []struct {
		name     string
		baseURL  string
		url      string
		fullPath string
	}{
		{"production /api prefix", "", ordersURL, "/api/v1/api_partner/orders"},
		{"sandbox", esimstory.SandboxURL, "https://sandbox-api.esimstory.com/api/v1/api_partner/orders", "/api/v1/api_partner/orders"},
		{"custom prefix with trailing slash", "https://gw.example/esim/api/", "https://gw.example/esim/api/v1/api_partner/orders", "/esim/api/v1/api_partner/orders"},
		{"no prefix", "https://gw.example", "https://gw.example/v1/api_partner/orders", "/v1/api_partner/orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			var seen []http.Header
			mt.RegisterResponder(http.MethodPost, tt.url, jsonResponder(200, fixture(t, "order_qty3.json"), &seen))
			clock := newClock()
			c := testClient(t, mt, clock, func(o *esimstory.Options) {
				o.BaseURL = tt.baseURL
				o.Sandbox = tt.baseURL == esimstory.SandboxURL
				if o.Sandbox {
					o.BaseURL = ""
				}
			})
			_, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
				ExternalOrderID: "ORDER-1", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 3}},
			})
			require.NoError(t, err)
			require.Len(t, seen, 1)
			h := seen[0]
			require.Equal(t, testAccessKey, h.Get("X-Esim-Story-Access-Key"))
			require.Equal(t, "1768478058", h.Get("X-Esim-Story-Timestamp"))
			require.Equal(t, expectedSignature(http.MethodPost, tt.fullPath, 1768478058), h.Get("X-Esim-Story-Signature"))
		})
	}
}

func TestCreateOrderResignsEveryAttempt(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var seen []http.Header
	var bodies []string
	calls := 0
	mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		calls++
		seen = append(seen, req.Header.Clone())
		b, _ := io.ReadAll(req.Body)
		bodies = append(bodies, string(b))
		if calls == 1 {
			return httpmock.NewStringResponse(503, ""), nil
		}
		return jsonResponder(200, fixture(t, "order_qty3.json"), nil)(req)
	})
	clock := newClock()
	c := testClient(t, mt, clock)
	var resp option.Response
	_, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
		ExternalOrderID: "ORDER-1", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 3}},
	}, option.WithResponse(&resp))
	require.NoError(t, err)
	require.Equal(t, 2, resp.Attempts)
	require.Len(t, seen, 2)
	for i, h := range seen {
		ts, err := strconv.ParseInt(h.Get("X-Esim-Story-Timestamp"), 10, 64)
		require.NoError(t, err, "attempt %d", i+1)
		require.Equal(t, testAccessKey, h.Get("X-Esim-Story-Access-Key"))
		require.Equal(t, expectedSignature(http.MethodPost, "/api/v1/api_partner/orders", ts), h.Get("X-Esim-Story-Signature"))
		require.Len(t, h.Values("X-Esim-Story-Signature"), 1, "a retry replaces the signature")
	}
	require.NotEqual(t, seen[0].Get("X-Esim-Story-Timestamp"), seen[1].Get("X-Esim-Story-Timestamp"))
	require.NotEqual(t, seen[0].Get("X-Esim-Story-Signature"), seen[1].Get("X-Esim-Story-Signature"))
	require.Equal(t, bodies[0], bodies[1], "the retry carries the same external_order_id")
}

func TestCreateOrderQtyThreeGivesThreeTopupIDs(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var sent map[string]any
	mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		require.NoError(t, json.NewDecoder(req.Body).Decode(&sent))
		return jsonResponder(200, fixture(t, "order_qty3.json"), nil)(req)
	})
	c := testClient(t, mt, newClock())
	order, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
		ExternalOrderID: "ORDER-1", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 3}},
	})
	require.NoError(t, err)
	require.Equal(t, "ORDER-1", order.ExternalOrderID)
	require.Equal(t, []string{"20250129123456123456789012", "20250129123456123456789013", "20250129123456123456789014"}, order.TopupIDs())
	for _, u := range order.Units {
		require.Equal(t, optionA, u.OptionID)
	}
	require.Equal(t, map[string]any{
		"external_order_id": "ORDER-1",
		"products":          []any{map[string]any{"option_id": optionA, "qty": float64(3)}},
	}, sent)
}

func TestCreateOrderValidationSendsNothing(t *testing.T) {
	many := make([]esimstory.ProductQty, 0, 2)
	many = append(many, esimstory.ProductQty{OptionID: optionA, Qty: 60}, esimstory.ProductQty{OptionID: optionA, Qty: 60})
	tests := []struct {
		name string
		p    esimstory.CreateOrderParams
	}{
		{"empty external id", esimstory.CreateOrderParams{Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 1}}}},
		{"blank external id", esimstory.CreateOrderParams{ExternalOrderID: "  ", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 1}}}},
		{"no products", esimstory.CreateOrderParams{ExternalOrderID: "O"}},
		{"qty zero", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.ProductQty{{OptionID: optionA}}}},
		{"qty negative", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: -1}}}},
		{"empty option id", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.ProductQty{{Qty: 1}}}},
		{"qty over cap", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: esimstory.MaxUnits + 1}}}},
		{"total over cap", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: many}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			c := testClient(t, mt, newClock())
			_, err := c.CreateOrder(context.Background(), tt.p)
			require.ErrorIs(t, err, apierror.ErrValidation)
			require.Zero(t, mt.GetTotalCallCount())
		})
	}
}

func TestNilClientIsNotConfigured(t *testing.T) {
	var c *esimstory.Client
	_, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{ExternalOrderID: "O"})
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
}

func TestNewRequiresCredentials(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*esimstory.Options)
		kind error
	}{
		{"no access key", func(o *esimstory.Options) { o.SecretKey = testSecret }, apierror.ErrNotConfigured},
		{"no secret", func(o *esimstory.Options) { o.AccessKey = testAccessKey }, apierror.ErrNotConfigured},
		{"secret not base64", func(o *esimstory.Options) { o.AccessKey, o.SecretKey = testAccessKey, "***" }, apierror.ErrValidation},
		{"bad base URL", func(o *esimstory.Options) {
			o.AccessKey, o.SecretKey, o.BaseURL = testAccessKey, testSecret, "http://bad host/%zz"
		}, apierror.ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := esimstory.New(tt.fn)
			require.Nil(t, c)
			require.ErrorIs(t, err, tt.kind)
		})
	}
}

func TestCreateOrderEmptyAnswerIsBadResponse(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, ordersURL, jsonResponder(200, []byte(`{"products":[]}`), nil))
	c := testClient(t, mt, newClock())
	_, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
		ExternalOrderID: "O", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 1}},
	})
	var e *apierror.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, 200, e.StatusCode)
	require.Contains(t, e.Message, "no products")
}

func TestCreateOrderAfterAmbiguousFailure(t *testing.T) {
	tests := []struct {
		name     string
		second   []byte
		status   int
		wantErr  error
		wantCall int
	}{
		{"500 then success", fixture(t, "order_qty3.json"), 200, nil, 2},
		{"500 then duplicate means the first went through", fixture(t, "error_422_taken.json"), 422, apierror.ErrConflict, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			calls := 0
			mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
				calls++
				if calls == 1 {
					return jsonResponder(500, fixture(t, "error_500.json"), nil)(req)
				}
				return jsonResponder(tt.status, tt.second, nil)(req)
			})
			c := testClient(t, mt, newClock())
			order, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
				ExternalOrderID: "ORDER-9", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 3}},
			})
			require.Equal(t, tt.wantCall, calls)
			if tt.wantErr == nil {
				require.NoError(t, err)
				require.Len(t, order.Units, 3)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.Contains(t, err.Error(), `"ORDER-9"`)
		})
	}
}

func TestCreateOrderRespectsCustomRetryable(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, ordersURL, jsonResponder(500, fixture(t, "error_500.json"), nil))
	c := testClient(t, mt, newClock(), func(o *esimstory.Options) {
		o.Retry.Retryable = func(*http.Response, error) bool { return false }
	})
	_, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
		ExternalOrderID: "ORDER-9", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 1}},
	})
	require.ErrorIs(t, err, apierror.ErrServer)
	require.Equal(t, 1, mt.GetTotalCallCount())
}
