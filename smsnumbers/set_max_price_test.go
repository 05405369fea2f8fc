package smsnumbers

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

func TestMaxPriceCalls(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		reply  func() *http.Response
		call   func(c *Client) error
		method string
		body   string
	}{
		{
			name: "set", reply: text(http.StatusOK, `{"id":11,"product":"telegram","price":11.5}`), method: http.MethodPost,
			body: `{"product_name":"telegram","price":11.5}`,
			call: func(c *Client) error {
				return c.SetMaxPrice(ctx, SetMaxPriceParams{Product: "telegram", Price: decimal.RequireFromString("11.50")})
			},
		},
		{
			name: "set with an empty answer", reply: text(http.StatusOK, ``), method: http.MethodPost,
			body: `{"product_name":"vkontakte","price":3}`,
			call: func(c *Client) error {
				return c.SetMaxPrice(ctx, SetMaxPriceParams{Product: "vkontakte", Price: decimal.NewFromInt(3)})
			},
		},
		{
			name: "delete", reply: text(http.StatusOK, `{}`), method: http.MethodDelete,
			body: `{"product_name":"telegram"}`,
			call: func(c *Client) error { return c.DeleteMaxPrice(ctx, DeleteMaxPriceParams{Product: "telegram"}) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.reply(tt.reply)
			require.NoError(t, tt.call(h.c))
			reqs := h.requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			require.Equal(t, tt.method, r.Method)
			require.Equal(t, "/v1/user/max-prices", r.Path)
			require.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
			require.Contains(t, r.Header.Get("Content-Type"), "application/json")
			require.JSONEq(t, tt.body, string(r.Body))
			require.Equal(t, tt.body, string(r.Body), "the price goes out as an exact JSON number, never through float64")
		})
	}
}

func TestMaxPrices(t *testing.T) {
	h := newHarness(t)
	h.reply(text(http.StatusOK, fixture(t, "max_prices.json")))
	list, err := h.c.MaxPrices(context.Background())
	require.NoError(t, err)
	reqs := h.requests()
	require.Len(t, reqs, 1)
	require.Equal(t, http.MethodGet, reqs[0].Method)
	require.Equal(t, "/v1/user/max-prices", reqs[0].Path)
	require.Empty(t, reqs[0].Query)
	require.Equal(t, "Bearer "+testToken, reqs[0].Header.Get("Authorization"))
	require.Len(t, list, 2)
	require.Equal(t, MaxPrice{ID: 11, Product: "telegram", Price: decimal.RequireFromString("11.5"),
		CreatedAt: time.Date(2026, 3, 1, 10, 0, 0, 123456000, time.UTC)}, list[0])
	require.True(t, list[1].Price.Equal(decimal.NewFromInt(25)), "a price sent as a string decodes too")

	h = newHarness(t)
	h.reply(text(http.StatusOK, `[]`))
	list, err = h.c.MaxPrices(context.Background())
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestMaxPriceErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		status int
		body   string
		kind   error
		call   func(c *Client) error
	}{
		{"unknown product", http.StatusBadRequest, "no product", apierror.ErrNotFound, func(c *Client) error {
			return c.SetMaxPrice(ctx, SetMaxPriceParams{Product: "nope", Price: decimal.NewFromInt(1)})
		}},
		{"no such limit", http.StatusNotFound, "record not found", apierror.ErrNotFound, func(c *Client) error {
			return c.DeleteMaxPrice(ctx, DeleteMaxPriceParams{Product: "telegram"})
		}},
		{"bad token", http.StatusUnauthorized, "", apierror.ErrUnauthorized, func(c *Client) error {
			_, err := c.MaxPrices(ctx)
			return err
		}},
		{"unreadable list", http.StatusOK, `{"id":1}`, apierror.ErrBadResponse, func(c *Client) error {
			_, err := c.MaxPrices(ctx)
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.reply(text(tt.status, tt.body))
			err := tt.call(h.c)
			require.ErrorIs(t, err, tt.kind)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Contains(t, e.Op, "/v1/user/max-prices")
			require.Len(t, h.requests(), 1, "not retried")
		})
	}
}

func TestMaxPriceValidation(t *testing.T) {
	ctx := context.Background()
	for name, call := range map[string]func(c *Client) error{
		"set without product": func(c *Client) error { return c.SetMaxPrice(ctx, SetMaxPriceParams{Price: decimal.NewFromInt(1)}) },
		"set with zero price": func(c *Client) error { return c.SetMaxPrice(ctx, SetMaxPriceParams{Product: "telegram"}) },
		"set with negative": func(c *Client) error {
			return c.SetMaxPrice(ctx, SetMaxPriceParams{Product: "telegram", Price: decimal.NewFromInt(-1)})
		},
		"delete without product": func(c *Client) error { return c.DeleteMaxPrice(ctx, DeleteMaxPriceParams{}) },
		"delete with a slash":    func(c *Client) error { return c.DeleteMaxPrice(ctx, DeleteMaxPriceParams{Product: "a/b"}) },
		"buy capped with an operator": func(c *Client) error {
			_, err := c.BuyActivation(ctx, BuyActivationParams{Country: "russia", Operator: "beeline", Product: "telegram", MaxPrice: decimal.NewFromInt(5)})
			return err
		},
		"buy with a negative cap": func(c *Client) error {
			_, err := c.BuyActivation(ctx, BuyActivationParams{Country: "russia", Operator: Any, Product: "telegram", MaxPrice: decimal.NewFromInt(-5)})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.reply(text(http.StatusOK, `{}`))
			require.ErrorIs(t, call(h.c), apierror.ErrValidation)
			require.Empty(t, h.requests(), "nothing sent")
		})
	}
}

func TestBuyActivationMaxPrice(t *testing.T) {
	h := newHarness(t)
	h.reply(text(http.StatusOK, fixture(t, "buy_activation.json")))
	_, err := h.c.BuyActivation(context.Background(), BuyActivationParams{Country: "russia", Operator: Any, Product: "vkontakte", MaxPrice: decimal.RequireFromString("21.50")})
	require.NoError(t, err)
	reqs := h.requests()
	require.Len(t, reqs, 1)
	require.Equal(t, "/v1/user/buy/activation/russia/any/vkontakte", reqs[0].Path)
	require.Equal(t, map[string][]string{"maxPrice": {"21.5"}}, reqs[0].Query)
}
