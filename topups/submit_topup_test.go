package topups

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

var submitURL = testBase + "/customer/v2/orders/topups"

func TestTopupPackagesDecodes(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(200, fixture(t, "topup_packages.json")))
	pkgs, err := e.c.TopupPackages(context.Background(), testICCID)
	require.NoError(t, err)
	require.Equal(t, []TopupPackage{
		{ID: "bonjour-7days-1gb-topup", Price: decimal.RequireFromString("9.5"), NetPrice: decimal.RequireFromString("7.60"),
			Amount: 1024, Day: 7, Title: "1 GB - 7 Days", Data: "1 GB"},
		{ID: "bonjour-30days-3gb-topup", Price: decimal.RequireFromString("19.00"), NetPrice: decimal.RequireFromString("15.2"),
			Amount: 3072, Day: 30, Title: "3 GB - 30 Days", Voice: 100, Text: 50, Data: "3 GB"},
	}, pkgs)
	require.Equal(t, "1024 MB", pkgs[0].Amount.String())
}

// The list changes over time, so every call asks the provider.
func TestTopupPackagesNeverCached(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(200, fixture(t, "topup_packages.json")))
	for range 3 {
		_, err := e.c.TopupPackages(context.Background(), testICCID)
		require.NoError(t, err)
	}
	require.Equal(t, 3, e.calls(http.MethodGet, topupsURL))
}

func TestSubmitTopupSendsMultipartAndDecodes(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodPost, submitURL, func(r *http.Request) (*http.Response, error) {
		require.Equal(t, "Bearer tok-1", r.Header.Get("Authorization"))
		require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data"))
		require.NoError(t, r.ParseMultipartForm(1<<20))
		require.Equal(t, "bonjour-7days-1gb-topup", r.FormValue("package_id"))
		require.Equal(t, testICCID, r.FormValue("iccid"))
		require.Equal(t, "customer-42/order-7", r.FormValue("description"))
		return httpmock.NewStringResponse(200, fixture(t, "submit_topup.json")), nil
	})
	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{
		PackageID: "bonjour-7days-1gb-topup", ICCID: testICCID, Description: "customer-42/order-7",
	})
	require.NoError(t, err)
	require.Equal(t, "9666", o.OrderID)
	require.Equal(t, "20230316-009666", o.Code)
	require.Equal(t, OrderTypeTopup, o.Type)
	require.Equal(t, "7", o.Validity)
	require.Equal(t, "1 GB", o.Data)
	require.True(t, decimal.RequireFromString("9.50").Equal(o.Price))
	require.True(t, decimal.RequireFromString("7.6").Equal(o.NetPrice))
	require.Equal(t, time.Date(2023, 3, 16, 14, 12, 24, 0, time.UTC), o.CreatedAt)
	require.Len(t, o.SIMs, 1)
	require.Equal(t, "11028", o.SIMs[0].ID)
	require.Equal(t, testICCID, o.SIMs[0].ICCID)
	require.Equal(t, time.Date(2023, 3, 16, 14, 12, 24, 0, time.UTC), o.SIMs[0].CreatedAt.UTC())
}

func TestSubmitTopupOmitsEmptyDescription(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodPost, submitURL, func(r *http.Request) (*http.Response, error) {
		require.NoError(t, r.ParseMultipartForm(1<<20))
		_, sent := r.MultipartForm.Value["description"]
		require.False(t, sent)
		return httpmock.NewStringResponse(200, `{"data":{"order_id":"77"}}`), nil
	})
	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID})
	require.NoError(t, err)
	require.Equal(t, "77", o.OrderID)
}

// Bad input is refused before anything is sent, token fetch included.
func TestBadInputRefusedBeforeSending(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RenewalBaseURL = testRenewal; o.RenewalKey = "rk" })
	ctx := context.Background()
	calls := []struct {
		name string
		call func() error
	}{
		{"packages bad iccid", func() error { _, err := e.c.TopupPackages(ctx, "8985-234"); return err }},
		{"packages letters", func() error { _, err := e.c.TopupPackages(ctx, "8985234123456789012X"); return err }},
		{"submit empty package", func() error {
			_, err := e.c.SubmitTopup(ctx, SubmitTopupParams{PackageID: " ", ICCID: testICCID})
			return err
		}},
		{"submit bad iccid", func() error {
			_, err := e.c.SubmitTopup(ctx, SubmitTopupParams{PackageID: "p", ICCID: "123"})
			return err
		}},
		{"history bad iccid", func() error { _, err := e.c.PackageHistory(ctx, "89852341234567890123456"); return err }},
		{"orders bad iccid", func() error { _, err := e.c.ListOrders(ctx, ListOrdersParams{ICCID: "abc"}); return err }},
		{"orders bad type", func() error { _, err := e.c.ListOrders(ctx, ListOrdersParams{Type: "esim"}); return err }},
		{"orders bad include", func() error {
			_, err := e.c.ListOrders(ctx, ListOrdersParams{Include: []Include{"package"}})
			return err
		}},
		{"orders half date range", func() error {
			_, err := e.c.ListOrders(ctx, ListOrdersParams{CreatedFrom: time.Now()})
			return err
		}},
		{"orders reversed date range", func() error {
			_, err := e.c.ListOrders(ctx, ListOrdersParams{CreatedFrom: time.Now(), CreatedTo: time.Now().AddDate(0, 0, -1)})
			return err
		}},
		{"orders negative page", func() error { _, err := e.c.ListOrders(ctx, ListOrdersParams{Page: -1}); return err }},
		{"iterator bad limit", func() error {
			for _, err := range e.c.AllOrders(ctx, ListOrdersParams{Limit: -5}) {
				return err
			}
			return nil
		}},
		{"renew bad email", func() error { _, err := e.c.RenewNumber(ctx, "not-an-email"); return err }},
		{"renew empty email", func() error { _, err := e.c.RenewNumber(ctx, ""); return err }},
		{"renew two addresses", func() error { _, err := e.c.RenewNumber(ctx, "a@b.com,c@d.com"); return err }},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.ErrorIs(t, err, apierror.ErrValidation)
			require.Equal(t, 0, e.mt.GetTotalCallCount())
		})
	}
}

// A top-up charges and the provider does not dedupe it: never retried.
func TestSubmitTopupNeverRetried(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(503, `{"message":"Service Unavailable"}`))
	_, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID})
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.Equal(t, 1, e.calls(http.MethodPost, submitURL))
	require.Empty(t, *e.sleeps)
}

// A GET is retried on 503 through the injected sleeper.
func TestTopupPackagesRetried(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, topupsURL, httpmock.ResponderFromMultipleResponses([]*http.Response{
		httpmock.NewStringResponse(503, `{}`),
		httpmock.NewStringResponse(200, `{"data":[{"id":"x"}]}`),
	}))
	pkgs, err := e.c.TopupPackages(context.Background(), testICCID)
	require.NoError(t, err)
	require.Len(t, pkgs, 1)
	require.Len(t, *e.sleeps, 1)
}
