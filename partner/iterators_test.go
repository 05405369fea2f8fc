package partner

import (
	"context"
	"iter"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// pagedEndpoint describes one cursor list and how to walk it.
type pagedEndpoint struct {
	name    string
	path    string
	fixture string // printf pattern with the page number
	cursor  string // cursor prefix the fixtures hand out
	walk    func(c *Client) iter.Seq2[string, error]
}

func pagedEndpoints() []pagedEndpoint {
	ctx := context.Background()
	return []pagedEndpoint{
		{"transactions", "/balance/history", "transactions_page%d.json", "tx-cursor-", func(c *Client) iter.Seq2[string, error] {
			return ids(c.AllTransactions(ctx, ListTransactionsParams{PerPage: 2}), func(v Transaction) string { return v.ID })
		}},
		{"products", "/catalog/products", "products_page%d.json", "prod-cursor-", func(c *Client) iter.Seq2[string, error] {
			return ids(c.AllProducts(ctx, ListProductsParams{PerPage: 2}), func(v Product) string { return v.ID })
		}},
		{"pricelist", "/catalog/pricelist", "pricelist_page%d.json", "price-cursor-", func(c *Client) iter.Seq2[string, error] {
			return ids(c.AllPricelist(ctx, ListPricelistParams{PerPage: 2}), func(v PricelistItem) string { return v.ID })
		}},
		{"orders", "/orders", "orders_page%d.json", "ord-cursor-", func(c *Client) iter.Seq2[string, error] {
			return ids(c.AllOrders(ctx, ListOrdersParams{PerPage: 2}), func(v Order) string { return v.ID })
		}},
	}
}

func ids[T any](seq iter.Seq2[T, error], id func(T) string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for v, err := range seq {
			if !yield(id(v), err) {
				return
			}
		}
	}
}

// servePages answers page n+1 for cursor prefix+n, page 1 without a cursor.
func servePages(t *testing.T, h *harness, ep pagedEndpoint) {
	h.onFunc("GET", ep.path, func(r *http.Request) (*http.Response, error) {
		page := 1
		switch r.URL.Query().Get("cursor") {
		case ep.cursor + "2":
			page = 2
		case ep.cursor + "3":
			page = 3
		case "":
		default:
			return jsonResponse(400, []byte(`{"success":false,"message":"bad cursor"}`)), nil
		}
		return jsonResponse(200, fixture(t, sprintf(ep.fixture, page))), nil
	})
}

// TestIteratorsCrossThreePages: each list walks all pages, passing the
// server's cursor along and keeping per_page.
func TestIteratorsCrossThreePages(t *testing.T) {
	for _, ep := range pagedEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			h := newHarness(t)
			servePages(t, h, ep)
			var got []string
			for id, err := range ep.walk(h.c) {
				require.NoError(t, err)
				got = append(got, id)
			}
			require.Len(t, got, 6)
			reqs := h.requests()
			require.Len(t, reqs, 3)
			require.Empty(t, reqs[0].Query["cursor"])
			require.Equal(t, []string{ep.cursor + "2"}, reqs[1].Query["cursor"])
			require.Equal(t, []string{ep.cursor + "3"}, reqs[2].Query["cursor"])
			for _, r := range reqs {
				require.Equal(t, []string{"2"}, r.Query["per_page"])
			}
		})
	}
}

// TestIteratorsStopOnBreak: a break never costs the next page.
func TestIteratorsStopOnBreak(t *testing.T) {
	for _, ep := range pagedEndpoints() {
		for _, stopAfter := range []int{1, 2, 3} {
			t.Run(sprintf("%s after %d", ep.name, stopAfter), func(t *testing.T) {
				h := newHarness(t)
				servePages(t, h, ep)
				n := 0
				for _, err := range ep.walk(h.c) {
					require.NoError(t, err)
					n++
					if n == stopAfter {
						break
					}
				}
				// two items per page: items 1-2 need one page, item 3 two
				wantCalls := (stopAfter + 1) / 2
				require.Equal(t, wantCalls, h.mt.GetTotalCallCount())
			})
		}
	}
}

// TestIteratorStopsOnError: a failing page ends the walk with its error.
func TestIteratorStopsOnError(t *testing.T) {
	h := newHarness(t)
	calls := 0
	h.onFunc("GET", "/orders", func(r *http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			return jsonResponse(200, fixture(t, "orders_page1.json")), nil
		}
		return jsonResponse(401, fixture(t, "error_unauthorized.json")), nil
	})
	var n int
	var last error
	for _, err := range h.c.AllOrders(context.Background(), ListOrdersParams{}) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	require.Equal(t, 2, n)
	require.ErrorIs(t, last, apierror.ErrUnauthorized)
	require.Equal(t, 2, calls)
}

// TestIteratorStartsAtGivenCursor: Cursor in the params resumes a walk.
func TestIteratorStartsAtGivenCursor(t *testing.T) {
	h := newHarness(t)
	ep := pagedEndpoints()[3]
	servePages(t, h, ep)
	n := 0
	for _, err := range h.c.AllOrders(context.Background(), ListOrdersParams{Cursor: "ord-cursor-3"}) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 2, n)
	require.Equal(t, 1, h.mt.GetTotalCallCount())
}

// TestIteratorsRangeTwice: one iterator ranged twice yields the same items
// from the same start, from the first page and from a given cursor alike.
func TestIteratorsRangeTwice(t *testing.T) {
	for _, ep := range pagedEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			h := newHarness(t)
			servePages(t, h, ep)
			seq := ep.walk(h.c)
			first, second := collectIDs(t, seq), collectIDs(t, seq)
			require.Len(t, first, 6)
			require.Equal(t, first, second)
			require.Len(t, h.requests(), 6, "each range fetches all three pages")
		})
	}
	t.Run("orders from a cursor", func(t *testing.T) {
		h := newHarness(t)
		servePages(t, h, pagedEndpoints()[3])
		p := ListOrdersParams{Cursor: "ord-cursor-2"}
		seq := h.c.AllOrders(context.Background(), p)
		first := collectIDs(t, ids(seq, func(v Order) string { return v.ID }))
		second := collectIDs(t, ids(seq, func(v Order) string { return v.ID }))
		require.Len(t, first, 4)
		require.Equal(t, first, second)
		require.Equal(t, "ord-cursor-2", p.Cursor)
	})
}

func collectIDs(t *testing.T, seq iter.Seq2[string, error]) []string {
	t.Helper()
	var got []string
	for id, err := range seq {
		require.NoError(t, err)
		got = append(got, id)
	}
	return got
}
