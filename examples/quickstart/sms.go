package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/redact"
	"github.com/simkit/simkit/smsnumbers"
)

// smsJourney: the account's balance, buy a number, wait for its SMS code,
// finish the order.
func smsJourney(ctx context.Context, j *journey) error {
	const p = "smsnumbers"
	c := j.client.SMS
	if c == nil {
		j.out.step(p, "skipped: not configured")
		return nil
	}

	prof, err := c.Profile(ctx)
	if err != nil {
		return fmt.Errorf("smsnumbers: profile: %w", err)
	}
	j.out.step(p, "profile: balance %s, rating %s", prof.Balance.StringFixed(2), prof.Rating.String())

	if !j.mayBuy(p, "buy number") {
		return nil
	}
	req := smsnumbers.BuyActivationParams{Country: j.cfg.SMSCountry, Operator: j.cfg.SMSOperator, Product: j.cfg.SMSProduct}
	order, err := c.BuyActivation(ctx, req)
	if errors.Is(err, simkit.ErrOutOfStock) {
		return fmt.Errorf("smsnumbers: no %s numbers in %s/%s right now; pick another with %s/%s: %w",
			req.Product, req.Country, req.Operator, envSMSCountry, envSMSOperator, err)
	}
	if err != nil {
		return fmt.Errorf("smsnumbers: buy %s: %w", req.Product, err)
	}
	j.out.step(p, "bought: order %d, number %s, price %s, status %s", order.ID, redact.Mask(order.Phone), order.Price.String(), order.Status)

	if j.fake != nil {
		// Play the service that sends the code to the number.
		if err := j.fake.SMS.DeliverSMS(order.ID, "Your code is 424242", "424242"); err != nil {
			return fmt.Errorf("smsnumbers: fake SMS delivery: %w", err)
		}
		j.out.step(p, "fake: SMS sent to %s", redact.Mask(order.Phone))
	} else {
		// The one place the whole number is printed: you need it to
		// request the code, and it is the number you just bought.
		j.out.step(p, "waiting for an SMS to %s: request the code from %s now", order.Phone, req.Product)
	}

	// A zero poll interval means the SDK's default.
	got, err := c.WaitForCode(ctx, order.ID, smsnumbers.WaitForCodeParams{PollInterval: j.poll})
	if err != nil {
		// No code: give the number back so its money is refunded.
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer ccancel()
		if _, cerr := c.Cancel(cctx, order.ID); cerr == nil {
			j.out.step(p, "no code: order %d canceled and refunded", order.ID)
		}
		return fmt.Errorf("smsnumbers: wait for code on order %d: %w", order.ID, err)
	}
	j.out.step(p, "code received: %s", got.Code())

	done, err := c.Finish(ctx, order.ID)
	if err != nil {
		return fmt.Errorf("smsnumbers: finish order %d: %w", order.ID, err)
	}
	j.out.step(p, "finished: order %d is %s", done.ID, done.Status)
	return nil
}
