// Command esimstory shows the eSIM Story client on its own: an order of two
// eSIMs, their delivery webhooks through the SDK handler, the tracker that
// knows when both arrived, and how to tell its errors apart.
//
// With SIMKIT_ESIMSTORY_ACCESS_KEY and SIMKIT_ESIMSTORY_SECRET_KEY set it
// talks to the real API and orders SIMKIT_QUICKSTART_ESIMSTORY_OPTION only
// with SIMKIT_QUICKSTART_BUY=1 (the eSIMs then arrive at the webhook URL you
// registered); otherwise it starts the simkittest fake, which delivers to
// the handler in-process.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
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
	fail := func(err error) int { fmt.Fprintf(stderr, "esimstory example: FAILED: %v\n", err); return 1 }

	// The webhook URL you register carries this token: eSIM Story signs
	// nothing, so the token is what tells its deliveries from forgeries.
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return fail(err)
	}
	token := hex.EncodeToString(raw)
	tracker := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
	hook, err := esimstory.NewWebhookHandler(func(_ context.Context, d *esimstory.Delivery) error {
		fmt.Fprintf(stdout, "webhook: unit %s delivered\n", d.TopupID)
		return nil // store the eSIM here; an error makes eSIM Story retry
	}, func(o *esimstory.WebhookOptions) {
		o.Auth = esimstory.TokenInURL("token", signing.NewSecret(token))
		o.Tracker = tracker
	})
	if err != nil {
		return fail(err)
	}

	optFn := func(o *esimstory.Options) {
		o.BaseURL = get(simkit.EnvESIMStoryBaseURL)
		o.Sandbox = get(simkit.EnvESIMStorySandbox) == "1"
		o.AccessKey = signing.NewSecret(get(simkit.EnvESIMStoryAccessKey))
		o.SecretKey = signing.NewSecret(get(simkit.EnvESIMStorySecretKey))
	}
	option, buy := get("SIMKIT_QUICKSTART_ESIMSTORY_OPTION"), get("SIMKIT_QUICKSTART_BUY") == "1"
	var deliver func(externalOrderID string) error
	if get(simkit.EnvESIMStoryAccessKey) == "" {
		env, err := simkittest.Start(func(c *simkittest.Config) { c.ESIMStory.WebhookToken = token })
		if err != nil {
			return fail(fmt.Errorf("start fake: %w", err))
		}
		defer env.Close()
		env.ESIMStory.SetWebhookHandler(hook)
		optFn, option, buy, deliver = env.ESIMStoryOptions, simkittest.ESIMStoryOptionA, true, env.ESIMStory.DeliverAll
		fmt.Fprintln(stdout, "no SIMKIT_ESIMSTORY_ACCESS_KEY: using the simkittest fake")
	}
	// Against the real API, serve hook at the URL registered with eSIM
	// Story: http.Handle("/webhooks/esimstory", hook).
	c, err := esimstory.New(optFn, func(o *esimstory.Options) { o.Tracker = tracker })
	if err != nil {
		return fail(err)
	}
	if err := run(ctx, stdout, c, tracker, option, buy, deliver); err != nil {
		return fail(err)
	}
	return 0
}

// run is the part to copy. deliver plays eSIM Story's webhooks (fake only);
// nil means they arrive at your registered URL on their own.
func run(ctx context.Context, w io.Writer, c *esimstory.Client, tracker *esimstory.Tracker, option string, buy bool, deliver func(string) error) error {
	// Bad input is refused before any request, as ErrValidation.
	_, err := c.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "x", Products: []esimstory.OrderProductParams{{OptionID: option, Qty: 0}}})
	var apiErr *simkit.Error
	if !errors.Is(err, simkit.ErrValidation) || !errors.As(err, &apiErr) {
		return fmt.Errorf("order of qty 0: want a validation error, got %v", err)
	}
	fmt.Fprintf(w, "order of qty 0 refused before sending: %s\n", apiErr.Message)

	if option == "" || !buy {
		fmt.Fprintln(w, "order: skipped (set SIMKIT_QUICKSTART_ESIMSTORY_OPTION and SIMKIT_QUICKSTART_BUY=1)")
		return nil
	}
	params := esimstory.CreateOrderParams{
		ExternalOrderID: fmt.Sprintf("example-%d", time.Now().UnixNano()), // keep it with your order
		Products:        []esimstory.OrderProductParams{{OptionID: option, Qty: 2}},
	}
	order, err := c.CreateOrder(ctx, params)
	var open *simkit.Error
	switch {
	case errors.As(err, &open) && open.Ambiguous:
		// The order may exist whatever the error says (a 401 after a lost
		// answer proves nothing). Calling again with the same id is safe:
		// it creates the order if it does not exist, never a second one.
		fmt.Fprintf(w, "order %s: outcome open (started %s); calling again with the same id\n", open.Reference, open.Started.Format(time.RFC3339))
		if order, err = c.CreateOrder(ctx, params); err != nil {
			return fmt.Errorf("order again: %w", err)
		}
	case errors.Is(err, simkit.ErrNotFound):
		return fmt.Errorf("option %s does not exist: %w", option, err)
	case err != nil:
		return fmt.Errorf("order: %w", err)
	}
	if order.Recovered {
		// An attempt created it but its answer was lost: the topup_ids
		// arrive with the deliveries, and the tracker counts them.
		fmt.Fprintf(w, "order %s: recovered, %d units\n", order.ExternalOrderID, len(order.Units))
	} else {
		fmt.Fprintf(w, "order %s: topup_ids %v\n", order.ExternalOrderID, order.TopupIDs())
	}

	// The same id again is this order: eSIM Story accepts each id once,
	// ever, and simkit answers its duplicate with the order it names.
	again, err := c.CreateOrder(ctx, params)
	if err != nil || !again.Recovered {
		return fmt.Errorf("order again: want the same order, got %v", err)
	}
	fmt.Fprintln(w, "same external_order_id again: the same order, nothing bought twice")
	// The same id for other products is refused.
	other := params
	other.Products = []esimstory.OrderProductParams{{OptionID: option, Qty: 1}}
	if _, err := c.CreateOrder(ctx, other); !errors.Is(err, simkit.ErrConflict) {
		return fmt.Errorf("order again for other products: want ErrConflict, got %v", err)
	}
	fmt.Fprintln(w, "same external_order_id for other products: refused with ErrConflict")

	if deliver == nil {
		fmt.Fprintln(w, "the eSIMs arrive at your webhook URL; Tracker.Wait there (or on any replica sharing its store)")
		return nil
	}
	if err := deliver(order.ExternalOrderID); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	got, err := tracker.Wait(ctx, order.ExternalOrderID)
	if err != nil {
		return fmt.Errorf("wait for eSIMs: %w", err)
	}
	for _, d := range got {
		fmt.Fprintf(w, "eSIM %s: LPA %s\n", redact.Mask(d.ICCID), redact.Mask(d.LPA)) // customer data: masked
	}
	return nil
}
