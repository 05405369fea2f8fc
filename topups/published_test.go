package topups

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// published reads a documented response example.
func published(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "topups", "published", name))
	require.NoError(t, err)
	return string(b)
}

// The money fields of the published v2 shapes decode exactly under both
// pricing models: a null net price stays "not given", never zero.
func TestPublishedPackagesDecode(t *testing.T) {
	tests := []struct {
		file     string
		net      amount
		model    PricingModel
		discount string
		voice    int
		info     string
	}{
		{"topups_list.json", amount{"6", true}, "", "", 100, "This eSIM doesn't come with a phone number."},
		{"topups_list_discount.json", amount{}, DiscountPricing, "10", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := newEnv(t)
			e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(200, published(t, tt.file)))
			list, err := e.c.TopupPackages(context.Background(), testICCID)
			require.NoError(t, err)
			require.Len(t, list.Packages, 1)
			p := list.Packages[0]
			require.Equal(t, "example-30days-3gb-topup", p.ID)
			require.Equal(t, "topup", p.Type)
			require.True(t, dec("10").Equal(p.Price))
			tt.net.check(t, p.NetPrice.Valid, p.NetPrice.Decimal.String())
			require.Equal(t, Megabytes(3072), p.Amount)
			require.False(t, p.IsUnlimited)
			require.Equal(t, 30, p.Day)
			require.Equal(t, tt.voice, p.Voice)
			require.Equal(t, tt.info, p.ShortInfo)
			require.Equal(t, tt.model, list.Pricing.Model)
			if tt.discount != "" {
				require.True(t, dec(tt.discount).Equal(list.Pricing.DiscountPercentage.Decimal))
				require.NotNil(t, p.Prices)
				require.Empty(t, p.Prices.NetPrice)
				require.True(t, dec("10").Equal(p.Prices.RecommendedRetailPrice["USD"]))
			}
		})
	}
}

// amount is an expected nullable amount.
type amount struct {
	value string
	valid bool
}

func (d amount) check(t *testing.T, valid bool, got string) {
	t.Helper()
	require.Equal(t, d.valid, valid, "null is not zero")
	if d.valid {
		require.True(t, dec(d.value).Equal(dec(got)), "want %s, got %s", d.value, got)
	}
}

func TestPublishedSubmitDecodes(t *testing.T) {
	tests := []struct {
		file                                    string
		net, pct, discount, unitPaid, totalPaid amount
	}{
		{file: "submit_topup.json"},
		{file: "submit_topup_discount.json", pct: amount{"10", true}, discount: amount{"1", true}, unitPaid: amount{"9", true}, totalPaid: amount{"9", true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := newEnv(t)
			var queries []url.Values
			ordersAnswer(e, &queries, ``)
			e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(200, published(t, tt.file)))
			o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "example-30days-3gb-topup", ICCID: testICCID, Reference: "Top-up for customer 42"})
			require.NoError(t, err)
			require.Equal(t, "174", o.ID)
			require.Equal(t, "20230207-000174", o.Code)
			require.Equal(t, 1, o.Quantity)
			require.Equal(t, "30", o.Validity)
			require.Equal(t, "Prepaid", o.ESIMType)
			require.Equal(t, "USD", o.Currency)
			require.True(t, dec("10").Equal(o.Price), "price is the retail price")
			require.Equal(t, map[string]string{"en": "https://example.com/installation-guide"}, o.InstallationGuides)
			tt.net.check(t, o.NetPrice.Valid, o.NetPrice.Decimal.String())
			tt.pct.check(t, o.DiscountPercentage.Valid, o.DiscountPercentage.Decimal.String())
			tt.discount.check(t, o.DiscountAmount.Valid, o.DiscountAmount.Decimal.String())
			tt.unitPaid.check(t, o.UnitPaidPrice.Valid, o.UnitPaidPrice.Decimal.String())
			tt.totalPaid.check(t, o.TotalAmountPaid.Valid, o.TotalAmountPaid.Decimal.String())
		})
	}
}

func TestPublishedHistoryDecodes(t *testing.T) {
	tests := []struct {
		file  string
		net   amount
		model PricingModel
	}{
		{"package_history.json", amount{"6", true}, ""},
		{"package_history_discount.json", amount{}, DiscountPricing},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := newEnv(t)
			e.mt.RegisterResponder(http.MethodGet, historyURL, jsonResponder(200, published(t, tt.file)))
			h, err := e.c.PackageHistory(context.Background(), testICCID)
			require.NoError(t, err)
			require.Len(t, h.Packages, 1)
			p := h.Packages[0]
			require.Equal(t, int64(728), p.ID)
			require.Equal(t, PackageActive, p.Status)
			require.Equal(t, Megabytes(2378), p.Remaining)
			require.True(t, p.FinishedAt.IsZero())
			require.Equal(t, "example-30days-3gb-topup", p.Package.ID)
			require.Equal(t, "topup", p.Package.Type)
			require.Equal(t, Megabytes(3072), p.Package.Amount)
			require.Equal(t, "3 GB", p.Package.Data)
			tt.net.check(t, p.Package.NetPrice.Valid, p.Package.NetPrice.Decimal.String())
			require.Equal(t, tt.model, h.Pricing.Model)
		})
	}
}

func TestPublishedOrdersWithStatusDecode(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, ordersURL, jsonResponder(200, published(t, "orders_list_status.json")))
	pg, err := e.c.ListOrders(context.Background(), ListOrdersParams{Include: []Include{IncludeStatus}})
	require.NoError(t, err)
	require.Len(t, pg.Items, 1)
	require.Equal(t, "", pg.Next)
	o := pg.Items[0]
	require.Equal(t, OrderStatus{Name: "Completed", Slug: "completed"}, o.Status)
	require.Equal(t, 1, o.Quantity)
	require.True(t, dec("10").Equal(o.Price))
	require.True(t, dec("6").Equal(o.NetPrice.Decimal))
	require.Equal(t, "USD", o.Currency)
}

// Bad credentials are ErrUnauthorized whether the token endpoint says 401
// or 422 naming client_id; an IP off the allow list is too, with code 89.
func TestPublishedRefusals(t *testing.T) {
	tests := []struct {
		name, file string
		status     int
		token      bool
		code       string
	}{
		{"token 401", "token_refused_401.json", 401, true, ""},
		{"token 422 client_id", "token_refused_422.json", 422, true, ""},
		{"ip allow list", "ip_not_allowed_403.json", 403, false, CodeIPNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.token {
				e.mt.RegisterResponder(http.MethodPost, tokenURL, jsonResponder(tt.status, published(t, tt.file)))
			} else {
				e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(tt.status, published(t, tt.file)))
			}
			_, err := e.c.TopupPackages(context.Background(), testICCID)
			require.ErrorIs(t, err, apierror.ErrUnauthorized)
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tt.code, ae.Code)
			require.Equal(t, tt.status, ae.StatusCode)
		})
	}
}
