package topups

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

var ordersURL = testBase + "/customer/v2/orders"

// pagedOrders answers page N with orders_pageN.json and records queries.
func pagedOrders(t *testing.T, e *env, queries *[]url.Values) {
	e.mt.RegisterResponder(http.MethodGet, ordersURL, func(r *http.Request) (*http.Response, error) {
		*queries = append(*queries, r.URL.Query())
		name := "orders_page1.json"
		if r.URL.Query().Get("page") == "2" {
			name = "orders_page2.json"
		}
		return httpmock.NewStringResponse(200, fixture(t, name)), nil
	})
}

func TestListOrdersSendsEveryFilter(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	pagedOrders(t, e, &queries)
	pg, err := e.c.ListOrders(context.Background(), ListOrdersParams{
		Include:     []Include{IncludeSIMs, IncludeUser, IncludeStatus},
		CreatedFrom: time.Date(2023, 1, 1, 23, 0, 0, 0, time.UTC),
		CreatedTo:   time.Date(2023, 1, 31, 0, 0, 0, 0, time.UTC),
		Code:        "20230101-000001",
		OrderStatus: "completed",
		ICCID:       testICCID,
		Description: "customer-42",
		Type:        OrderTypeTopup,
		Cursor:      "1",
		Limit:       2,
	})
	require.NoError(t, err)
	require.Equal(t, url.Values{
		"include":              {"sims,user,status"},
		"filter[created_at]":   {"2023-01-01 - 2023-01-31"},
		"filter[code]":         {"20230101-000001"},
		"filter[order_status]": {"completed"},
		"filter[iccid]":        {testICCID},
		"filter[description]":  {"customer-42"},
		"type":                 {"topup"},
		"page":                 {"1"},
		"limit":                {"2"},
	}, queries[0])
	require.Equal(t, "2", pg.Next)
	require.NotNil(t, pg.Total)
	require.Equal(t, 3, *pg.Total)
	require.Len(t, pg.Items, 2)

	o := pg.Items[0]
	require.Equal(t, "1", o.ID)
	require.Equal(t, OrderTypeSIM, o.Type)
	require.Equal(t, OrderStatus{Name: "Completed", Slug: "completed"}, o.Status)
	require.Equal(t, "completed", o.Status.String())
	require.Equal(t, time.Date(2023, 1, 1, 10, 0, 0, 0, time.UTC), o.CreatedAt)
	require.True(t, decimal.RequireFromString("9.50").Equal(o.Price))
	require.Equal(t, 1, o.Quantity)
	require.Len(t, o.SIMs, 1)
	require.Equal(t, testICCID, o.SIMs[0].ICCID)
	require.NotNil(t, o.User)
	require.Equal(t, User{ID: "7", Name: "Jane", Email: "jane@example.com", Company: "Example",
		CreatedAt: time.Date(2022, 12, 1, 9, 0, 0, 0, time.UTC)}, *o.User)

	plain := pg.Items[1]
	require.Equal(t, OrderStatus{Name: "completed", Slug: "completed"}, plain.Status)
	require.Nil(t, plain.User)
}

func TestListOrdersSendsNothingForZeroParams(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	pagedOrders(t, e, &queries)
	_, err := e.c.ListOrders(context.Background(), ListOrdersParams{})
	require.NoError(t, err)
	require.Empty(t, queries[0])
}

// The iterator walks pages until meta.last_page and then stops.
func TestAllOrdersStopsAtLastPage(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	pagedOrders(t, e, &queries)
	var ids []string
	for o, err := range e.c.AllOrders(context.Background(), ListOrdersParams{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, o.ID)
	}
	require.Equal(t, []string{"1", "2", "3"}, ids)
	require.Equal(t, 2, e.calls(http.MethodGet, ordersURL))
	require.Equal(t, "", queries[0].Get("page"), "the first page is the provider's default")
	require.Equal(t, "2", queries[1].Get("page"))
	require.Equal(t, "2", queries[1].Get("limit"))
}

func TestAllOrdersBreakSendsNoMoreRequests(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	pagedOrders(t, e, &queries)
	for range e.c.AllOrders(context.Background(), ListOrdersParams{}) {
		break
	}
	require.Equal(t, 1, e.calls(http.MethodGet, ordersURL))
}

func TestAllOrdersStopsOnEmptyPage(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, ordersURL, jsonResponder(200, `{"data":[],"meta":{"current_page":1,"last_page":9}}`))
	n := 0
	for _, err := range e.c.AllOrders(context.Background(), ListOrdersParams{}) {
		require.NoError(t, err)
		n++
	}
	require.Zero(t, n)
	require.Equal(t, 1, e.calls(http.MethodGet, ordersURL))
}

func TestAllOrdersYieldsErrorOnce(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, ordersURL, jsonResponder(404, `{"meta":{"message":"Not found"}}`))
	var errs []error
	for _, err := range e.c.AllOrders(context.Background(), ListOrdersParams{Cursor: "3"}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], apierror.ErrNotFound)
}

func TestListOrdersMalformedAnswer(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, ordersURL, jsonResponder(200, `{"data":[{"id":{"x":1}}]}`))
	_, err := e.c.ListOrders(context.Background(), ListOrdersParams{})
	require.Error(t, err)
	var ae *apierror.Error
	require.ErrorAs(t, err, &ae)
}

// TestAllOrdersRangesTwice: one iterator ranged twice yields the same
// items from the same start, from the first page and from a given Cursor.
func TestAllOrdersRangesTwice(t *testing.T) {
	for _, tc := range []struct {
		cursor string
		want   []string
	}{{"", []string{"1", "2", "3"}}, {"2", []string{"3"}}} {
		t.Run("cursor="+tc.cursor, func(t *testing.T) {
			e := newEnv(t)
			var queries []url.Values
			pagedOrders(t, e, &queries)
			seq := e.c.AllOrders(context.Background(), ListOrdersParams{Limit: 2, Cursor: tc.cursor})
			for range 2 {
				var ids []string
				for o, err := range seq {
					require.NoError(t, err)
					ids = append(ids, o.ID)
				}
				require.Equal(t, tc.want, ids)
			}
		})
	}
}
