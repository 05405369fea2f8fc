package esimstory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/signing"
)

var hookToken = signing.NewSecret("hook-token-0123456789")

func withToken(o *esimstory.WebhookOptions) { o.Auth = esimstory.TokenInURL("token", hookToken) }

// deliveryBody returns the documented delivery with topupID and order id.
func deliveryBody(t *testing.T, topupID, externalOrderID string) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "delivery.json"), &m))
	m["topup_id"] = topupID
	m["external_order_id"] = externalOrderID
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func post(h http.Handler, target string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestNewWebhookHandlerRefusesMissingAuthOrFunction(t *testing.T) {
	fn := func(context.Context, *esimstory.Delivery) error { return nil }
	tests := []struct {
		name string
		fn   func(context.Context, *esimstory.Delivery) error
		opts []func(*esimstory.WebhookOptions)
	}{
		{"no auth", fn, nil},
		{"nil function", nil, []func(*esimstory.WebhookOptions){withToken}},
		{"empty token", fn, []func(*esimstory.WebhookOptions){func(o *esimstory.WebhookOptions) { o.Auth = esimstory.TokenInURL("token", signing.NewSecret("")) }}},
		{"empty param", fn, []func(*esimstory.WebhookOptions){func(o *esimstory.WebhookOptions) { o.Auth = esimstory.TokenInURL("", hookToken) }}},
		{"empty basic password", fn, []func(*esimstory.WebhookOptions){func(o *esimstory.WebhookOptions) {
			o.Auth = esimstory.BasicAuth(signing.NewSecret("user"), signing.NewSecret(""))
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := esimstory.NewWebhookHandler(tt.fn, tt.opts...)
			require.Nil(t, h)
			require.ErrorIs(t, err, apierror.ErrValidation)
		})
	}
}

func TestWebhookAuthentication(t *testing.T) {
	body := fixture(t, "delivery.json")
	basic := func(o *esimstory.WebhookOptions) {
		o.Auth = esimstory.BasicAuth(signing.NewSecret("esim"), signing.NewSecret("pa55word"))
	}
	custom := func(o *esimstory.WebhookOptions) {
		o.Auth = esimstory.AuthFunc(func(r *http.Request) bool { return r.Header.Get("X-Gateway") == "ok" })
	}
	tests := []struct {
		name   string
		opt    func(*esimstory.WebhookOptions)
		target string
		header func(*http.Request)
		status int
	}{
		{"token ok", withToken, "/hook?token=" + hookToken.Reveal(), nil, 200},
		{"token wrong", withToken, "/hook?token=nope", nil, 401},
		{"token prefix only", withToken, "/hook?token=hook-token", nil, 401},
		{"token missing", withToken, "/hook", nil, 401},
		{"basic ok", basic, "/hook", func(r *http.Request) { r.SetBasicAuth("esim", "pa55word") }, 200},
		{"basic wrong password", basic, "/hook", func(r *http.Request) { r.SetBasicAuth("esim", "guess") }, 401},
		{"basic wrong user", basic, "/hook", func(r *http.Request) { r.SetBasicAuth("root", "pa55word") }, 401},
		{"basic missing", basic, "/hook", nil, 401},
		{"custom ok", custom, "/hook", func(r *http.Request) { r.Header.Set("X-Gateway", "ok") }, 200},
		{"custom refused", custom, "/hook", nil, 401},
		{"insecure no auth", esimstory.InsecureNoAuth(), "/hook", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error {
				calls.Add(1)
				return nil
			}, tt.opt)
			require.NoError(t, err)
			req := httptest.NewRequest(http.MethodPost, tt.target, bytes.NewReader(body))
			if tt.header != nil {
				tt.header(req)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code)
			want := int32(0)
			if tt.status == 200 {
				want = 1
			}
			require.Equal(t, want, calls.Load())
		})
	}
}

func TestWebhookDecodesDelivery(t *testing.T) {
	var got *esimstory.Delivery
	h, err := esimstory.NewWebhookHandler(func(_ context.Context, d *esimstory.Delivery) error {
		got = d
		return nil
	}, withToken)
	require.NoError(t, err)
	rec := post(h, "/hook?token="+hookToken.Reveal(), fixture(t, "delivery.json"))
	require.Equal(t, 200, rec.Code)
	require.Equal(t, &esimstory.Delivery{
		TopupID:         "20250129123456123456789012",
		OptionID:        optionA,
		ICCID:           "89852341234567890123",
		SMDP:            "rsp1.cmlink.com",
		ActivationCode:  "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6",
		LPA:             "LPA:1$rsp1.cmlink.com$A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6",
		QRCodeURL:       "https://func-usimsa-prod-01.azurewebsites.net/api/iccid/qrcode/LPA:1%24rsp1.cmlink.com%24A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6/120",
		ExpiresAt:       time.Date(2026, 7, 28, 0, 0, 0, 0, time.UTC),
		ExpiredDate:     "2026-07-28",
		ExternalOrderID: "ORDER-123456",
	}, got)
}

func TestDeliveryExpiryParsedDefensively(t *testing.T) {
	tests := []struct {
		raw  string
		want time.Time
		text string
	}{
		{`"2026-07-28"`, time.Date(2026, 7, 28, 0, 0, 0, 0, time.UTC), "2026-07-28"},
		{`"2026-07-28T10:30:00+09:00"`, time.Date(2026, 7, 28, 1, 30, 0, 0, time.UTC), "2026-07-28T10:30:00+09:00"},
		{`"2026-07-28 10:30:00"`, time.Date(2026, 7, 28, 10, 30, 0, 0, time.UTC), "2026-07-28 10:30:00"},
		{`1785196800`, time.Date(2026, 7, 28, 0, 0, 0, 0, time.UTC), "1785196800"},
		{`"28 July"`, time.Time{}, "28 July"},
		{`null`, time.Time{}, ""},
		{`""`, time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			var d esimstory.Delivery
			require.NoError(t, json.Unmarshal([]byte(`{"topup_id":"1","expired_date":`+tt.raw+`}`), &d))
			require.True(t, tt.want.Equal(d.ExpiresAt), "got %v", d.ExpiresAt)
			require.Equal(t, tt.text, d.ExpiredDate)
		})
	}
}

func TestWebhookRejectsBadRequests(t *testing.T) {
	tests := []struct {
		name   string
		method string
		body   string
		status int
	}{
		{"malformed JSON", http.MethodPost, `{"topup_id":`, 400},
		{"wrong type", http.MethodPost, `{"topup_id": {}}`, 400},
		{"missing topup_id", http.MethodPost, `{"iccid":"89852341234567890123"}`, 400},
		{"too large", http.MethodPost, `{"topup_id":"1","pad":"` + strings.Repeat("x", 200) + `"}`, 413},
		{"GET", http.MethodGet, ``, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error {
				called = true
				return nil
			}, withToken, func(o *esimstory.WebhookOptions) { o.MaxBody = 100 })
			require.NoError(t, err)
			req := httptest.NewRequest(tt.method, "/hook?token="+hookToken.Reveal(), strings.NewReader(tt.body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code)
			require.False(t, called)
		})
	}
}

func TestWebhookDuplicateHandedOverOnce(t *testing.T) {
	var calls atomic.Int32
	h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error {
		calls.Add(1)
		return nil
	}, withToken)
	require.NoError(t, err)
	target := "/hook?token=" + hookToken.Reveal()
	for i := 0; i < 3; i++ {
		require.Equal(t, 200, post(h, target, fixture(t, "delivery.json")).Code)
	}
	require.Equal(t, int32(1), calls.Load())
}

func TestWebhookFailedFunctionIsRetried(t *testing.T) {
	var calls atomic.Int32
	h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error {
		if calls.Add(1) == 1 {
			return errors.New("database down")
		}
		return nil
	}, withToken)
	require.NoError(t, err)
	target := "/hook?token=" + hookToken.Reveal()
	require.Equal(t, 500, post(h, target, fixture(t, "delivery.json")).Code)
	require.Equal(t, 200, post(h, target, fixture(t, "delivery.json")).Code)
	require.Equal(t, 200, post(h, target, fixture(t, "delivery.json")).Code)
	require.Equal(t, int32(2), calls.Load())
}

func TestWebhookConcurrentDuplicateGets409(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error {
		close(entered)
		<-release
		return nil
	}, withToken)
	require.NoError(t, err)
	target := "/hook?token=" + hookToken.Reveal()
	var wg sync.WaitGroup
	var first *httptest.ResponseRecorder
	wg.Add(1)
	go func() {
		defer wg.Done()
		first = post(h, target, fixture(t, "delivery.json"))
	}()
	<-entered
	require.Equal(t, 409, post(h, target, fixture(t, "delivery.json")).Code)
	close(release)
	wg.Wait()
	require.Equal(t, 200, first.Code)
}

func TestWebhookTrackerRejectsUnknownTopups(t *testing.T) {
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
	require.NoError(t, tr.Track(context.Background(), &esimstory.Order{
		ExternalOrderID: "ORDER-1", Units: []esimstory.OrderedUnit{{TopupID: "T1", OptionID: optionA}},
	}))
	var calls atomic.Int32
	h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error {
		calls.Add(1)
		return nil
	}, withToken, func(o *esimstory.WebhookOptions) { o.Tracker = tr })
	require.NoError(t, err)
	target := "/hook?token=" + hookToken.Reveal()

	require.Equal(t, 404, post(h, target, deliveryBody(t, "T-unknown", "ORDER-1")).Code)
	require.Equal(t, 404, post(h, target, deliveryBody(t, "T1", "ORDER-other")).Code, "a known topup_id under another order is refused")
	require.Equal(t, int32(0), calls.Load())
	require.Equal(t, 200, post(h, target, deliveryBody(t, "T1", "ORDER-1")).Code)
	require.Equal(t, int32(1), calls.Load())
	delivered, expected, err := tr.Progress(context.Background(), "ORDER-1")
	require.NoError(t, err)
	require.Equal(t, [2]int{1, 1}, [2]int{delivered, expected})
}
