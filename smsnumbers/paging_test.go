package smsnumbers

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// ordersPageBody renders a page of n orders with ids from first on.
func ordersPageBody(first, n, total int) string {
	data := make([]map[string]any, 0, n)
	for i := 0; i < n; i++ {
		data = append(data, map[string]any{"id": first + i, "status": "FINISHED", "price": "1.5"})
	}
	b, _ := json.Marshal(map[string]any{"Data": data, "Total": total})
	return string(b)
}

// pagedServer answers offset-paginated requests over total records with
// pages of size limit.
func pagedServer(h *harness, total, limit int) {
	h.mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		h.mu.Lock()
		h.reqs = append(h.reqs, sent{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query()})
		h.mu.Unlock()
		off, _ := strconv.Atoi(req.URL.Query().Get("offset"))
		n := min(limit, max(total-off, 0))
		return text(http.StatusOK, ordersPageBody(off+1, n, total))(), nil
	})
}

func TestAllOrdersWalksEveryPage(t *testing.T) {
	h := newHarness(t)
	pagedServer(h, 5, 2)
	var ids []int64
	for o, err := range h.c.AllOrders(context.Background(), ListOrdersParams{Category: CategoryActivation, Limit: 2, Order: "id"}) {
		require.NoError(t, err)
		ids = append(ids, o.ID)
	}
	require.Equal(t, []int64{1, 2, 3, 4, 5}, ids)
	var offsets []string
	for _, r := range h.requests() {
		offsets = append(offsets, r.Query["offset"][0])
		require.Equal(t, "activation", r.Query["category"][0])
		require.Equal(t, "2", r.Query["limit"][0])
	}
	require.Equal(t, []string{"0", "2", "4"}, offsets, "stops once offset reaches Total")
}

func TestAllVendorOrdersStartsAtOffsetAndStopsOnBreak(t *testing.T) {
	h := newHarness(t)
	pagedServer(h, 100, 3)
	var ids []int64
	for o, err := range h.c.AllVendorOrders(context.Background(), ListVendorOrdersParams{Category: CategoryHosting, Limit: 3, Cursor: "10"}) {
		require.NoError(t, err)
		ids = append(ids, o.ID)
		if len(ids) == 4 {
			break
		}
	}
	require.Equal(t, []int64{11, 12, 13, 14}, ids)
	require.Len(t, h.requests(), 2, "a break costs no further request")
	require.Equal(t, "/v1/vendor/orders", h.requests()[0].Path)
}

func TestAllPaymentsStopsOnEmptyPage(t *testing.T) {
	h := newHarness(t)
	// Total claims more than the server ever returns.
	h.reply(
		text(http.StatusOK, `{"Data":[{"ID":1,"Amount":"10"},{"ID":2,"Amount":5}],"Total":10}`),
		text(http.StatusOK, `{"Data":[],"Total":10}`),
	)
	var ids []int64
	for p, err := range h.c.AllPayments(context.Background(), ListPaymentsParams{}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	require.Equal(t, []int64{1, 2}, ids)
	reqs := h.requests()
	require.Len(t, reqs, 2)
	require.Equal(t, "2", reqs[1].Query["offset"][0])
}

func TestAllVendorPaymentsYieldsError(t *testing.T) {
	h := newHarness(t)
	h.reply(
		text(http.StatusOK, `{"Data":[{"ID":1}],"Total":3}`),
		text(http.StatusBadRequest, "record not found"),
	)
	var n int
	var last error
	for _, err := range h.c.AllVendorPayments(context.Background(), ListVendorPaymentsParams{Limit: 1}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	require.Equal(t, 1, n)
	require.ErrorIs(t, last, apierror.ErrNotFound)
	require.Equal(t, "/v1/vendor/payments", h.requests()[1].Path)
}

func TestOrderCodeAndStatus(t *testing.T) {
	var nilOrder *Order
	require.Equal(t, "", nilOrder.Code())
	o := &Order{SMS: []SMS{{Code: "111"}, {Code: "222"}, {Text: "no code here"}}}
	require.Equal(t, "222", o.Code(), "latest SMS with a code")
	for s, final := range map[Status]bool{
		StatusPending: false, StatusReceived: false, StatusCanceled: true,
		StatusTimeout: true, StatusFinished: true, StatusBanned: true,
	} {
		require.Equal(t, final, s.Final(), fmt.Sprint(s))
	}
}

// TestIteratorsRangeTwice: every list iterator, ranged twice, yields the
// same items from the same start (the params' Cursor).
func TestIteratorsRangeTwice(t *testing.T) {
	ctx := context.Background()
	orderIDs := func(seq iter.Seq2[Order, error]) func(t *testing.T) []int64 {
		return func(t *testing.T) []int64 {
			var ids []int64
			for o, err := range seq {
				require.NoError(t, err)
				ids = append(ids, o.ID)
			}
			return ids
		}
	}
	paymentIDs := func(seq iter.Seq2[Payment, error]) func(t *testing.T) []int64 {
		return func(t *testing.T) []int64 {
			var ids []int64
			for p, err := range seq {
				require.NoError(t, err)
				ids = append(ids, p.ID)
			}
			return ids
		}
	}
	for _, tc := range []struct {
		name string
		walk func(c *Client) func(t *testing.T) []int64
	}{
		{"orders", func(c *Client) func(t *testing.T) []int64 {
			return orderIDs(c.AllOrders(ctx, ListOrdersParams{Category: CategoryActivation, Limit: 2, Cursor: "1"}))
		}},
		{"vendor orders", func(c *Client) func(t *testing.T) []int64 {
			return orderIDs(c.AllVendorOrders(ctx, ListVendorOrdersParams{Category: CategoryHosting, Limit: 2, Cursor: "1"}))
		}},
		{"payments", func(c *Client) func(t *testing.T) []int64 {
			return paymentIDs(c.AllPayments(ctx, ListPaymentsParams{Limit: 2, Cursor: "1"}))
		}},
		{"vendor payments", func(c *Client) func(t *testing.T) []int64 {
			return paymentIDs(c.AllVendorPayments(ctx, ListVendorPaymentsParams{Limit: 2, Cursor: "1"}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			pagedServer(h, 5, 2)
			rangeOnce := tc.walk(h.c)
			first, second := rangeOnce(t), rangeOnce(t)
			require.Equal(t, []int64{2, 3, 4, 5}, first, "starts at the Cursor offset")
			require.Equal(t, first, second)
		})
	}
}
