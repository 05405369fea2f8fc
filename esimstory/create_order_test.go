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
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
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
				ExternalOrderID: "ORDER-1", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 3}},
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
		ExternalOrderID: "ORDER-1", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 3}},
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
		ExternalOrderID: "ORDER-1", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 3}},
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
	many := make([]esimstory.OrderProductParams, 0, 2)
	many = append(many, esimstory.OrderProductParams{OptionID: optionA, Qty: 60}, esimstory.OrderProductParams{OptionID: optionA, Qty: 60})
	tests := []struct {
		name string
		p    esimstory.CreateOrderParams
	}{
		{"empty external id", esimstory.CreateOrderParams{Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}}}},
		{"blank external id", esimstory.CreateOrderParams{ExternalOrderID: "  ", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}}}},
		{"no products", esimstory.CreateOrderParams{ExternalOrderID: "O"}},
		{"qty zero", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.OrderProductParams{{OptionID: optionA}}}},
		{"qty negative", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: -1}}}},
		{"empty option id", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.OrderProductParams{{Qty: 1}}}},
		{"qty over cap", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: esimstory.MaxUnits + 1}}}},
		{"total over cap", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: many}},
		{"option id not a UUID", esimstory.CreateOrderParams{ExternalOrderID: "O", Products: []esimstory.OrderProductParams{{OptionID: "opt-1", Qty: 1}}}},
		{"external id of 1 MiB", esimstory.CreateOrderParams{ExternalOrderID: strings.Repeat("x", 1<<20), Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}}}},
		{"external id with NUL", esimstory.CreateOrderParams{ExternalOrderID: "O\x00", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}}}},
		{"external id with newline", esimstory.CreateOrderParams{ExternalOrderID: "O\n1", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			c := testClient(t, mt, newClock())
			_, err := c.CreateOrder(context.Background(), tt.p)
			require.ErrorIs(t, err, apierror.ErrValidation)
			require.Zero(t, mt.GetTotalCallCount())
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, "POST /v1/api_partner/orders", e.Op)
			require.Less(t, len(err.Error()), 300, "the bad input is not echoed")
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
		{"no secret", func(o *esimstory.Options) { o.AccessKey = signing.NewSecret(testAccessKey) }, apierror.ErrNotConfigured},
		{"secret not base64", func(o *esimstory.Options) {
			o.AccessKey, o.SecretKey = signing.NewSecret(testAccessKey), signing.NewSecret("***")
		}, apierror.ErrValidation},
		{"bad base URL", func(o *esimstory.Options) {
			o.AccessKey, o.SecretKey, o.BaseURL = signing.NewSecret(testAccessKey), testSecret, "http://bad host/%zz"
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

func TestCreateOrderUnreadableAnswerTwiceStaysOpen(t *testing.T) {
	for _, body := range []string{`{"products":[]}`, `{"products":[`, `[]`} {
		t.Run(body, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, ordersURL, jsonResponder(200, []byte(body), nil))
			c := testClient(t, mt, newClock())
			_, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
				ExternalOrderID: "O", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}},
			})
			require.ErrorIs(t, err, apierror.ErrBadResponse)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.True(t, e.Ambiguous)
			require.Equal(t, 200, e.StatusCode)
			require.Equal(t, "O", e.Reference)
			require.Equal(t, 2, mt.GetTotalCallCount(), "asked once more with the same id, no more")
		})
	}
}

func TestCreateOrderAfterAmbiguousFailure(t *testing.T) {
	e500 := fixture(t, "error_500.json")
	tests := []struct {
		name      string
		answers   []any
		wantErr   error
		recovered bool
		wantCall  int
	}{
		{"500 then success", []any{500, e500, 200, fixture(t, "order_qty3.json")}, nil, false, 2},
		{"500 then duplicate is the order the first attempt created", []any{500, e500, 422, fixture(t, "error_422_taken.json")}, nil, true, 2},
		{"503 then duplicate", []any{503, []byte(`{"error":"Service Unavailable"}`), 422, fixture(t, "error_422_taken.json")}, nil, true, 2},
		{"500 then 401 keeps the ambiguity", []any{500, e500, 401, fixture(t, "error_401.json")}, apierror.ErrUnauthorized, false, 2},
		{"duplicate alone is a reused id", []any{422, fixture(t, "error_422_taken.json")}, apierror.ErrConflict, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, calls := sequence(t, tt.answers...)
			c := testClient(t, mt, newClock())
			order, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
				ExternalOrderID: "ORDER-9", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 2}, {OptionID: optionB, Qty: 1}},
			})
			require.Equal(t, tt.wantCall, *calls)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, order)
				var e *apierror.Error
				require.ErrorAs(t, err, &e)
				require.Equal(t, "POST /v1/api_partner/orders", e.Op)
				if errors.Is(err, apierror.ErrConflict) {
					require.Contains(t, err.Error(), `"ORDER-9"`)
					require.False(t, e.Ambiguous)
				} else {
					require.True(t, e.Ambiguous)
					require.Equal(t, "ORDER-9", e.Reference)
					require.Equal(t, newClock().Now(), e.Started)
					require.Equal(t, 401, e.StatusCode)
					require.Equal(t, "unauthorized", e.Code)
					require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.recovered, order.Recovered)
			require.Len(t, order.Units, 3)
			if tt.recovered {
				require.Empty(t, order.TopupIDs())
				require.Equal(t, []string{optionA, optionA, optionB}, []string{order.Units[0].OptionID, order.Units[1].OptionID, order.Units[2].OptionID})
			}
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
		ExternalOrderID: "ORDER-9", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}},
	})
	require.ErrorIs(t, err, apierror.ErrServer)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.True(t, e.Ambiguous, "a 500 may hide a created order")
	require.Equal(t, "ORDER-9", e.Reference)
	require.Equal(t, 1, mt.GetTotalCallCount())
}
