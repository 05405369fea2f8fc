// Command smsnumbers shows the SMS numbers client on its own: prices, and an
// activation (buy a number, wait for its code, finish it, or cancel it when
// no code comes) through the activation handle, and how to tell its errors
// apart.
//
// With SIMKIT_SMS_TOKEN set it talks to the real API and buys only with
// SIMKIT_QUICKSTART_BUY=1 (country, operator and product from
// SIMKIT_QUICKSTART_SMS_*); otherwise it starts the simkittest fake, which
// sends the SMS itself shortly after the purchase.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

func main() { os.Exit(realMain(os.Stdout, os.Stderr, os.LookupEnv)) }

// realMain returns the exit status, so deferred cleanups run before exit.
func realMain(stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	get := func(k string) string { v, _ := lookup(k); return v }

	optFn := func(o *smsnumbers.Options) {
		o.BaseURL = get(simkit.EnvSMSBaseURL) // empty: the public host
		o.Token = signing.NewSecret(get(simkit.EnvSMSToken))
	}
	buy := get("SIMKIT_QUICKSTART_BUY") == "1"
	req := smsnumbers.BuyActivationParams{
		Country:  cmp.Or(get("SIMKIT_QUICKSTART_SMS_COUNTRY"), smsnumbers.Any),
		Operator: cmp.Or(get("SIMKIT_QUICKSTART_SMS_OPERATOR"), smsnumbers.Any),
		Product:  cmp.Or(get("SIMKIT_QUICKSTART_SMS_PRODUCT"), "telegram"),
	}
	poll := smsnumbers.DefaultPollInterval
	if get(simkit.EnvSMSToken) == "" {
		// The fake plays the service: one SMS 200 ms after each purchase.
		env, err := simkittest.Start(func(c *simkittest.Config) { c.SMS.DeliverAfter = 200 * time.Millisecond })
		if err != nil {
			fmt.Fprintf(stderr, "smsnumbers example: FAILED: start fake: %v\n", err)
			return 1
		}
		defer env.Close()
		optFn, buy, poll = env.SMSOptions, true, 100*time.Millisecond
		req = smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "vkontakte"}
		fmt.Fprintln(stdout, "no SIMKIT_SMS_TOKEN: using the simkittest fake")
	}
	c, err := smsnumbers.New(optFn)
	if err != nil {
		fmt.Fprintf(stderr, "smsnumbers example: FAILED: %v\n", err)
		return 1
	}
	if err := run(ctx, stdout, c, req, buy, poll); err != nil {
		fmt.Fprintf(stderr, "smsnumbers example: FAILED: %v\n", err)
		return 1
	}
	return 0
}

// run is the part to copy.
func run(ctx context.Context, w io.Writer, c *smsnumbers.Client, req smsnumbers.BuyActivationParams, buy bool, poll time.Duration) error {
	prices, err := c.Prices(ctx, smsnumbers.PricesParams{Product: req.Product})
	if err != nil {
		return fmt.Errorf("prices: %w", err)
	}
	for i, p := range prices {
		if i == 3 {
			break
		}
		fmt.Fprintf(w, "price %s/%s/%s: %s, %d left\n", p.Country, p.Operator, p.Product, p.Cost.String(), p.Count)
	}

	// Bad input is refused before any request, as ErrValidation.
	_, err = c.BuyActivation(ctx, smsnumbers.BuyActivationParams{Product: req.Product})
	var apiErr *simkit.Error
	if !errors.Is(err, simkit.ErrValidation) || !errors.As(err, &apiErr) {
		return fmt.Errorf("buy without country: want a validation error, got %v", err)
	}
	fmt.Fprintf(w, "buy without country refused before sending: %s\n", apiErr.Message)

	if !buy {
		fmt.Fprintln(w, "buy: skipped (spends money; set SIMKIT_QUICKSTART_BUY=1)")
		return nil
	}
	// The activation handle buys, waits for the code and, when none comes
	// by the deadline (or ctx ends), cancels the number so its money comes
	// back. Every step is journaled in the client's Store; acts.Sweep
	// closes what a crashed process left open.
	acts := c.Activations(func(o *smsnumbers.ActivationsOptions) { o.PollInterval = poll })
	if rep, err := acts.Sweep(ctx, smsnumbers.SweepParams{}); err == nil && len(rep.Canceled)+len(rep.Finished) > 0 {
		fmt.Fprintf(w, "sweep: canceled %d and finished %d numbers left open\n", len(rep.Canceled), len(rep.Finished))
	}
	// The buy is never retried by the SDK: a second attempt could buy a
	// second number. A lost answer is looked up in the orders history;
	// when even that fails the outcome is unknown: do not buy again
	// blindly.
	a, err := acts.Activate(ctx, smsnumbers.ActivateParams{Buy: req, Deadline: 2 * time.Minute, AutoFinish: true})
	switch {
	case errors.Is(err, simkit.ErrOutcomeUnknown) && errors.As(err, &apiErr):
		return fmt.Errorf("the buy may have gone through: look for %s in the orders history since %s before buying again: %w",
			apiErr.Reference, apiErr.Started.Format(time.RFC3339), err)
	case errors.Is(err, simkit.ErrOutOfStock):
		return fmt.Errorf("no free numbers for %s in %s/%s: %w", req.Product, req.Country, req.Operator, err)
	case errors.Is(err, simkit.ErrInsufficientFunds):
		return fmt.Errorf("top up your balance first: %w", err)
	case err != nil:
		return fmt.Errorf("buy: %w", err)
	}
	order := a.Order()
	fmt.Fprintf(w, "bought order %d for %s\n", order.ID, order.Price.String())
	if order.Recovered {
		fmt.Fprintln(w, "(the answer was lost; the order was found in the orders history)")
	}

	sms, err := a.WaitForCode(ctx)
	if err != nil {
		// No code: the number was canceled (State says so), even when ctx
		// is what ended.
		if errors.Is(err, smsnumbers.ErrOrderEnded) {
			return fmt.Errorf("order %d ended without an SMS: %w", order.ID, err)
		}
		return fmt.Errorf("wait for code on order %d (%s): %w", order.ID, a.State(), err)
	}
	fmt.Fprintf(w, "code: %s\n", sms.Code)
	fmt.Fprintf(w, "order %d: %s\n", order.ID, a.Order().Status)
	return nil
}
