package main

import (
	"context"
	"fmt"
	"time"

	"github.com/simkit/simkit/partner"
)

// partnerJourney: balance, the first catalog products, a signed order and
// its webhook, then the same external id again to show the order is made
// exactly once.
func partnerJourney(ctx context.Context, j *journey) error {
	const p = "partner"
	c := j.client.Partner
	if c == nil {
		j.out.step(p, "skipped: not configured")
		return nil
	}

	bal, err := c.Balance(ctx)
	if err != nil {
		return fmt.Errorf("partner: balance: %w", err)
	}
	j.out.step(p, "balance: %s %s (available %s)", bal.Balance.StringFixed(2), bal.Currency, bal.AvailableBalance.StringFixed(2))

	// The iterator fetches pages lazily: breaking after three products
	// costs one request, however large the catalog is.
	n := 0
	for prod, err := range c.AllProducts(ctx, partner.ListProductsParams{PerPage: 10}) {
		if err != nil {
			return fmt.Errorf("partner: catalog: %w", err)
		}
		j.out.step(p, "catalog: %s (%s)", prod.Name, prod.Type)
		if n++; n == 3 {
			break
		}
	}

	if j.cfg.PartnerSKU == "" {
		j.out.step(p, "order: skipped (set %s to the SKU to buy)", envPartnerSKU)
		return nil
	}
	if !j.mayBuy(p, "order") {
		return nil
	}
	// Your own order id. Store it with your order BEFORE calling: calling
	// again with the same id after a timeout can never buy twice.
	extID := fmt.Sprintf("quickstart-%d", time.Now().UnixNano())
	params := partner.CreateOrderParams{
		ExternalID: extID,
		Item:       partner.OrderItemParams{SKUID: j.cfg.PartnerSKU, Quantity: 1},
		Metadata:   map[string]any{"source": "simkit quickstart"},
	}
	order, err := c.CreateOrder(ctx, params)
	if err != nil {
		return fmt.Errorf("partner: create order %s: %w", extID, err)
	}
	j.out.step(p, "order: %s external_id=%s status=%s total=%s %s", order.ID, order.ExternalID, order.Status, order.TotalAmount.StringFixed(2), order.Currency)

	if j.hooks != nil {
		if err := j.hooks.waitPartnerEvent(ctx, order.ID); err != nil {
			return fmt.Errorf("partner: webhook for order %s: %w", order.ID, err)
		}
	} else {
		j.out.step(p, "webhook: skipped (real API: serve Client.WebhookHandler at the URL in your partner settings)")
	}

	again, err := c.CreateOrder(ctx, params)
	if err != nil {
		return fmt.Errorf("partner: repeat order %s: %w", extID, err)
	}
	if again.ID != order.ID {
		return fmt.Errorf("partner: repeat order %s: got order %s, want the first order %s", extID, again.ID, order.ID)
	}
	j.out.step(p, "same external_id again: same order %s (exactly once)", again.ID)

	if j.hooks != nil && j.fake != nil {
		// Wait for every webhook the fake has sent, then count ours: the
		// repeated call must not have produced a second order or event.
		j.fake.Partner.Flush()
		got := j.hooks.partnerEventCount(order.ID)
		if got != 1 {
			return fmt.Errorf("partner: order %s: received %d order.status_changed webhooks, want 1", order.ID, got)
		}
		j.out.step(p, "webhook: order.status_changed received once for order %s", order.ID)
	}
	return nil
}
