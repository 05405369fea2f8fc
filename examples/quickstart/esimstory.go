package main

import (
	"context"
	"fmt"
	"time"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/redact"
)

// esimStoryJourney: an order of two eSIMs, both delivered by webhook
// through the SDK handler, collected with the tracker.
func esimStoryJourney(ctx context.Context, j *journey) error {
	const p = "esimstory"
	c := j.client.ESIMStory
	if c == nil {
		j.out.step(p, "skipped: not configured")
		return nil
	}
	if j.cfg.ESIMStoryOption == "" {
		j.out.step(p, "order: skipped (set %s to the option_id to buy)", envESIMStoryOption)
		return nil
	}
	if !j.mayBuy(p, "order") {
		return nil
	}

	// eSIM Story accepts an external_order_id once, ever: keep it with
	// your order so a retry after a timeout cannot buy twice.
	extID := fmt.Sprintf("quickstart-%d", time.Now().UnixNano())
	order, err := c.CreateOrder(ctx, esimstory.CreateOrderParams{
		ExternalOrderID: extID,
		Products:        []esimstory.OrderProductParams{{OptionID: j.cfg.ESIMStoryOption, Qty: 2}},
	})
	if err != nil {
		return fmt.Errorf("esimstory: create order %s: %w", extID, err)
	}
	j.out.step(p, "order %s: %d units, topup_ids %v", order.ExternalOrderID, len(order.Units), order.TopupIDs())

	if j.fake == nil {
		j.out.step(p, "deliveries: skipped (real API: they arrive at the webhook URL you registered; serve esimstory.NewWebhookHandler there)")
		return nil
	}
	// Play eSIM Story: one webhook per unit, over HTTP to our handler.
	if err := j.fake.ESIMStory.DeliverAll(extID); err != nil {
		return fmt.Errorf("esimstory: fake delivery: %w", err)
	}

	got, err := j.tracker.Wait(ctx, extID)
	if err != nil {
		return fmt.Errorf("esimstory: wait for order %s: %w", extID, err)
	}
	j.out.step(p, "tracker: all %d eSIMs of order %s delivered", len(got), extID)
	for _, d := range got {
		// ICCIDs and LPA codes are the customer's: never print them whole.
		j.out.step(p, "eSIM ICCID %s LPA %s", redact.Mask(d.ICCID), redact.Mask(d.LPA))
	}
	return nil
}
