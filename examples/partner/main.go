// Command partner shows the Partner S2S client on its own: balance, the
// pricelist, a signed exactly-once order, and how to tell its errors apart.
//
// With SIMKIT_PARTNER_BASE_URL, SIMKIT_PARTNER_TOKEN and
// SIMKIT_PARTNER_SECRET set it talks to the real API (ordering
// SIMKIT_QUICKSTART_PARTNER_SKU only with SIMKIT_QUICKSTART_BUY=1);
// otherwise it starts the simkittest fake.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/redact"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

func main() { os.Exit(realMain(os.Stdout, os.Stderr, os.LookupEnv)) }

// realMain returns the exit status, so deferred cleanups run before exit.
func realMain(stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	get := func(k string) string { v, _ := lookup(k); return v }

	var (
		optFn func(*partner.Options)
		sku   = get("SIMKIT_QUICKSTART_PARTNER_SKU")
		buy   = get("SIMKIT_QUICKSTART_BUY") == "1"
	)
	if get(simkit.EnvPartnerToken) != "" {
		optFn = func(o *partner.Options) {
			o.BaseURL = get(simkit.EnvPartnerBaseURL)
			o.Token = signing.NewSecret(get(simkit.EnvPartnerToken))
			o.Secret = signing.NewSecret(get(simkit.EnvPartnerSecret))
		}
		fmt.Fprintln(stdout, "using the real Partner API from SIMKIT_PARTNER_*")
	} else {
		env, err := simkittest.Start()
		if err != nil {
			fmt.Fprintf(stderr, "partner example: FAILED: start fake: %v\n", err)
			return 1
		}
		defer env.Close()
		optFn, sku, buy = env.PartnerOptions, simkittest.PartnerSKUVoucher, true
		fmt.Fprintln(stdout, "no SIMKIT_PARTNER_TOKEN: using the simkittest fake")
	}
	c, err := partner.New(optFn)
	if err != nil {
		fmt.Fprintf(stderr, "partner example: FAILED: %v\n", err)
		return 1
	}
	if err := run(ctx, stdout, c, sku, buy); err != nil {
		fmt.Fprintf(stderr, "partner example: FAILED: %v\n", err)
		return 1
	}
	return 0
}

// run is the part to copy: balance, pricelist, order, errors.
func run(ctx context.Context, w io.Writer, c *partner.Client, sku string, buy bool) error {
	bal, err := c.Balance(ctx)
	if err != nil {
		return fmt.Errorf("balance: %w", err)
	}
	fmt.Fprintf(w, "balance: %s %s\n", bal.AvailableBalance.StringFixed(2), bal.Currency)

	n := 0
	for item, err := range c.AllPricelist(ctx, partner.ListPricelistParams{PerPage: 5}) {
		if err != nil {
			return fmt.Errorf("pricelist: %w", err)
		}
		price := "open range"
		if item.Price.Valid {
			price = item.Price.Decimal.StringFixed(2) + " " + item.Currency
		}
		fmt.Fprintf(w, "sku %s: %s, %s, in stock: %t\n", item.ID, item.Name, price, item.Stock.Available)
		if n++; n == 5 {
			break // the iterator stops fetching here
		}
	}

	// Bad input is refused before any request, as ErrValidation.
	_, err = c.CreateOrder(ctx, partner.CreateOrderParams{Item: partner.OrderItemParams{SKUID: sku}})
	var apiErr *simkit.Error
	if errors.Is(err, simkit.ErrValidation) && errors.As(err, &apiErr) {
		fmt.Fprintf(w, "order without external_id refused before sending: %s (op %s)\n", apiErr.Message, apiErr.Op)
	} else {
		return fmt.Errorf("order without external_id: want a validation error, got %v", err)
	}

	if sku == "" || !buy {
		fmt.Fprintln(w, "order: skipped (set SIMKIT_QUICKSTART_PARTNER_SKU and SIMKIT_QUICKSTART_BUY=1)")
		return nil
	}
	extID, err := partner.NewExternalID() // store it with your order first
	if err != nil {
		return err
	}
	order, err := c.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: extID, Item: partner.OrderItemParams{SKUID: sku, Quantity: 1}})
	switch {
	case errors.Is(err, simkit.ErrInsufficientFunds):
		return fmt.Errorf("order: top up your partner balance first: %w", err)
	case errors.Is(err, simkit.ErrOutOfStock):
		return fmt.Errorf("order: SKU %s is sold out, pick another: %w", sku, err)
	case errors.As(err, &apiErr) && apiErr.Ambiguous:
		// The order may exist but could not be found yet. The provider
		// dedupes by external id, so calling again with extID is safe.
		return fmt.Errorf("order %s not settled (began %s); call again with the same external id: %w",
			apiErr.Reference, apiErr.Started.Format(time.RFC3339), err)
	case errors.As(err, &apiErr):
		// Anything else the provider or SDK named; the request id is what
		// the provider's support asks for.
		return fmt.Errorf("order %s (request id %q): %w", extID, apiErr.RequestID, err)
	case err != nil:
		return fmt.Errorf("order %s: %w", extID, err)
	}
	fmt.Fprintf(w, "order %s: %s, %s %s\n", order.ID, order.Status, order.TotalAmount.StringFixed(2), order.Currency)
	for _, it := range order.Items {
		for _, d := range it.DeliveryData {
			// A PIN is what the customer paid for: never print or log it whole.
			fmt.Fprintf(w, "delivered: PIN %s\n", redact.Mask(d.PIN))
		}
	}
	// A timeout above would be resolved by calling again with extID: the
	// provider keeps it unique, and the SDK returns the existing order.
	again, err := c.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: extID, Item: partner.OrderItemParams{SKUID: sku, Quantity: 1}})
	if err != nil {
		return fmt.Errorf("order %s again: %w", extID, err)
	}
	fmt.Fprintf(w, "same external_id again: order %s (same: %t)\n", again.ID, again.ID == order.ID)
	return nil
}
