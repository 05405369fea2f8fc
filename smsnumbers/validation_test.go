package smsnumbers

import (
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/signing"
)

// TestValidationBeforeSending: bad input is refused with ErrValidation and
// no request leaves the process.
func TestValidationBeforeSending(t *testing.T) {
	ctx := context.Background()
	buy := func(r BuyActivationParams) func(c *Client) error {
		return func(c *Client) error { _, err := c.BuyActivation(ctx, r); return err }
	}
	good := BuyActivationParams{Country: "russia", Operator: Any, Product: "telegram"}
	with := func(f func(r *BuyActivationParams)) BuyActivationParams { r := good; f(&r); return r }
	payout := WithdrawParams{Receiver: "1", Method: MethodQiwi, Amount: decimal.NewFromInt(1), Fee: FeeUnitpay}
	withdraw := func(f func(r *WithdrawParams)) func(c *Client) error {
		r := payout
		f(&r)
		return func(c *Client) error { _, err := c.Withdraw(ctx, r); return err }
	}
	tests := []struct {
		name string
		call func(c *Client) error
	}{
		{"activation number with letters", buy(with(func(r *BuyActivationParams) { r.ForwardingNumber = "7900abc4567" }))},
		{"activation number of 20 digits", buy(with(func(r *BuyActivationParams) { r.ForwardingNumber = "79001234567890123456" }))},
		{"activation number with +", buy(with(func(r *BuyActivationParams) { r.ForwardingNumber = "+7900123456" }))},
		{"activation empty country", buy(with(func(r *BuyActivationParams) { r.Country = "" }))},
		{"activation blank operator", buy(with(func(r *BuyActivationParams) { r.Operator = "  " }))},
		{"activation empty product", buy(with(func(r *BuyActivationParams) { r.Product = "" }))},
		{"activation 1 MiB country", buy(with(func(r *BuyActivationParams) { r.Country = strings.Repeat("a", 1<<20) }))},
		{"activation NUL in operator", buy(with(func(r *BuyActivationParams) { r.Operator = "bee\x00line" }))},
		{"activation slash in product", buy(with(func(r *BuyActivationParams) { r.Product = "tele/gram" }))},
		{"activation ref with newline", buy(with(func(r *BuyActivationParams) { r.Ref = "a\nb" }))},
		{"reuse slash in product", func(c *Client) error {
			_, err := c.Reuse(ctx, ReuseParams{Product: "../x", Number: "79006665544"})
			return err
		}},
		{"products NUL in country", func(c *Client) error {
			_, err := c.Products(ctx, ProductsParams{Country: "rus\x00sia", Operator: Any})
			return err
		}},
		{"prices slash in country", func(c *Client) error { _, err := c.Prices(ctx, PricesParams{Country: "a/b"}); return err }},
		{"orders bad cursor", func(c *Client) error {
			_, err := c.ListOrders(ctx, ListOrdersParams{Category: CategoryActivation, Cursor: "x"})
			return err
		}},
		{"orders order with space", func(c *Client) error {
			_, err := c.ListOrders(ctx, ListOrdersParams{Category: CategoryActivation, Order: "id desc"})
			return err
		}},
		{"wait negative interval", func(c *Client) error {
			_, err := c.WaitForCode(ctx, 1, WaitForCodeParams{PollInterval: -1})
			return err
		}},
		{"withdraw receiver with NUL", withdraw(func(r *WithdrawParams) { r.Receiver = "1\x002" })},
		{"hosting unknown product", func(c *Client) error {
			_, err := c.BuyHosting(ctx, BuyHostingParams{Country: "russia", Operator: Any, Product: "2days"})
			return err
		}},
		{"hosting empty country", func(c *Client) error {
			_, err := c.BuyHosting(ctx, BuyHostingParams{Operator: Any, Product: Hosting1Day})
			return err
		}},
		{"reuse number with letters", func(c *Client) error {
			_, err := c.Reuse(ctx, ReuseParams{Product: "telegram", Number: "79a06665544"})
			return err
		}},
		{"reuse number of 20 digits", func(c *Client) error {
			_, err := c.Reuse(ctx, ReuseParams{Product: "telegram", Number: "79006665544790066655"})
			return err
		}},
		{"reuse number with +", func(c *Client) error {
			_, err := c.Reuse(ctx, ReuseParams{Product: "telegram", Number: "+79006665544"})
			return err
		}},
		{"reuse number too short", func(c *Client) error {
			_, err := c.Reuse(ctx, ReuseParams{Product: "telegram", Number: "123"})
			return err
		}},
		{"reuse empty product", func(c *Client) error {
			_, err := c.Reuse(ctx, ReuseParams{Product: "", Number: "79006665544"})
			return err
		}},
		{"check id 0", func(c *Client) error { _, err := c.Check(ctx, 0); return err }},
		{"finish negative id", func(c *Client) error { _, err := c.Finish(ctx, -1); return err }},
		{"cancel id 0", func(c *Client) error { _, err := c.Cancel(ctx, 0); return err }},
		{"ban id 0", func(c *Client) error { _, err := c.Ban(ctx, 0); return err }},
		{"inbox id 0", func(c *Client) error { _, err := c.SMSInbox(ctx, 0); return err }},
		{"wait id 0", func(c *Client) error { _, err := c.WaitForCode(ctx, 0, WaitForCodeParams{}); return err }},
		{"products empty country", func(c *Client) error { _, err := c.Products(ctx, ProductsParams{Operator: Any}); return err }},
		{"products empty operator", func(c *Client) error { _, err := c.Products(ctx, ProductsParams{Country: "russia"}); return err }},
		{"notification unknown lang", func(c *Client) error { _, err := c.Notification(ctx, "de"); return err }},
		{"orders unknown category", func(c *Client) error { _, err := c.ListOrders(ctx, ListOrdersParams{Category: "rental"}); return err }},
		{"orders negative limit", func(c *Client) error {
			_, err := c.ListOrders(ctx, ListOrdersParams{Category: CategoryActivation, Limit: -1})
			return err
		}},
		{"payments negative offset", func(c *Client) error { _, err := c.ListPayments(ctx, ListPaymentsParams{Cursor: "-5"}); return err }},
		{"vendor orders empty category", func(c *Client) error { _, err := c.ListVendorOrders(ctx, ListVendorOrdersParams{}); return err }},
		{"vendor payments negative limit", func(c *Client) error {
			_, err := c.ListVendorPayments(ctx, ListVendorPaymentsParams{Limit: -1})
			return err
		}},
		{"all orders bad category", func(c *Client) error {
			for _, err := range c.AllOrders(ctx, ListOrdersParams{Category: "x"}) {
				return err
			}
			return nil
		}},
		{"withdraw empty receiver", withdraw(func(r *WithdrawParams) { r.Receiver = "" })},
		{"withdraw unknown method", withdraw(func(r *WithdrawParams) { r.Method = "paypal" })},
		{"withdraw unknown fee", withdraw(func(r *WithdrawParams) { r.Fee = "stripe" })},
		{"withdraw zero amount", withdraw(func(r *WithdrawParams) { r.Amount = decimal.Zero })},
		{"withdraw negative amount", withdraw(func(r *WithdrawParams) { r.Amount = decimal.NewFromInt(-3) })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.reply(text(200, "{}"))
			err := tc.call(h.c)
			require.ErrorIs(t, err, apierror.ErrValidation)
			require.Equal(t, 0, h.mt.GetTotalCallCount(), "bad input must not be sent")
		})
	}
}

// TestNilClient: a nil *Client (an unconfigured provider in the root
// client) answers every call with ErrNotConfigured instead of panicking.
func TestNilClient(t *testing.T) {
	ctx := context.Background()
	var c *Client
	calls := map[string]func() error{
		"Profile":       func() error { _, err := c.Profile(ctx); return err },
		"ListOrders":    func() error { _, err := c.ListOrders(ctx, ListOrdersParams{Category: CategoryActivation}); return err },
		"ListPayments":  func() error { _, err := c.ListPayments(ctx, ListPaymentsParams{}); return err },
		"Products":      func() error { _, err := c.Products(ctx, ProductsParams{Country: "russia", Operator: Any}); return err },
		"Prices":        func() error { _, err := c.Prices(ctx, PricesParams{}); return err },
		"BuyActivation": func() error { _, err := c.BuyActivation(ctx, BuyActivationParams{}); return err },
		"BuyHosting":    func() error { _, err := c.BuyHosting(ctx, BuyHostingParams{}); return err },
		"Reuse":         func() error { _, err := c.Reuse(ctx, ReuseParams{Product: "a", Number: "1234"}); return err },
		"Check":         func() error { _, err := c.Check(ctx, 1); return err },
		"Finish":        func() error { _, err := c.Finish(ctx, 1); return err },
		"Cancel":        func() error { _, err := c.Cancel(ctx, 1); return err },
		"Ban":           func() error { _, err := c.Ban(ctx, 1); return err },
		"SMSInbox":      func() error { _, err := c.SMSInbox(ctx, 1); return err },
		"Notification":  func() error { _, err := c.Notification(ctx, LangEN); return err },
		"VendorProfile": func() error { _, err := c.VendorProfile(ctx); return err },
		"Wallets":       func() error { _, err := c.Wallets(ctx); return err },
		"ListVendorOrders": func() error {
			_, err := c.ListVendorOrders(ctx, ListVendorOrdersParams{Category: CategoryActivation})
			return err
		},
		"ListVendorPayments": func() error { _, err := c.ListVendorPayments(ctx, ListVendorPaymentsParams{}); return err },
		"Withdraw":           func() error { _, err := c.Withdraw(ctx, WithdrawParams{}); return err },
		"Countries":          func() error { _, err := c.Countries(ctx); return err },
		"WaitForCode":        func() error { _, err := c.WaitForCode(ctx, 1, WaitForCodeParams{}); return err },
		"AllOrders":          func() error { return firstErr(c.AllOrders(ctx, ListOrdersParams{Category: CategoryActivation})) },
		"AllPayments":        func() error { return firstErr(c.AllPayments(ctx, ListPaymentsParams{})) },
		"AllVendorOrders": func() error {
			return firstErr(c.AllVendorOrders(ctx, ListVendorOrdersParams{Category: CategoryActivation}))
		},
		"AllVendorPayments": func() error { return firstErr(c.AllVendorPayments(ctx, ListVendorPaymentsParams{})) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, call(), apierror.ErrNotConfigured)
		})
	}
}

// TestNewNeedsToken: without a token the client is not configured.
func TestNewNeedsToken(t *testing.T) {
	c, err := New()
	require.Nil(t, c)
	require.ErrorIs(t, err, apierror.ErrNotConfigured)

	c, err = New(func(o *Options) { o.Token = signing.NewSecret("t"); o.BaseURL = "ftp://x" })
	require.Nil(t, c)
	require.ErrorIs(t, err, apierror.ErrValidation)

	c, err = New(func(o *Options) { o.Token = signing.NewSecret("t"); o.RatePerSecond = 5 })
	require.NoError(t, err)
	require.NotNil(t, c)
}

func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		return err
	}
	return nil
}
