// Command topups shows the top-up client on its own: the top-ups an eSIM
// can take, a top-up order, the rate-limited package history (the second
// call answered from the cache), a renewal, and how to tell its errors
// apart.
//
// With SIMKIT_TOPUPS_BASE_URL, SIMKIT_TOPUPS_CLIENT_ID and
// SIMKIT_TOPUPS_CLIENT_SECRET set (plus SIMKIT_RENEWAL_* for renewals) it
// talks to the real APIs about SIMKIT_QUICKSTART_ICCID, ordering and renewing
// SIMKIT_QUICKSTART_RENEW_EMAIL only with SIMKIT_QUICKSTART_BUY=1; otherwise
// it starts the simkittest fake.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/redact"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/topups"
)

func main() { os.Exit(realMain(os.Stdout, os.Stderr, os.LookupEnv)) }

// realMain returns the exit status, so deferred cleanups run before exit.
func realMain(stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	get := func(k string) string { v, _ := lookup(k); return v }
	fail := func(err error) int { fmt.Fprintf(stderr, "topups example: FAILED: %v\n", err); return 1 }

	optFn := func(o *topups.Options) {
		o.BaseURL = get(simkit.EnvTopupsBaseURL)
		o.ClientID = get(simkit.EnvTopupsClientID)
		o.ClientSecret = signing.NewSecret(get(simkit.EnvTopupsClientSecret))
		o.RenewalBaseURL = get(simkit.EnvTopupsRenewalBaseURL)
		o.RenewalKey = signing.NewSecret(get(simkit.EnvTopupsRenewalKey))
	}
	iccid, email := get("SIMKIT_QUICKSTART_ICCID"), get("SIMKIT_QUICKSTART_RENEW_EMAIL")
	buy := get("SIMKIT_QUICKSTART_BUY") == "1"
	if get(simkit.EnvTopupsClientID) == "" {
		env, err := simkittest.Start()
		if err != nil {
			return fail(fmt.Errorf("start fake: %w", err))
		}
		defer env.Close()
		optFn, iccid, email, buy = env.TopupsOptions, simkittest.TopupsSeedICCID, "user@example.com", true
		fmt.Fprintln(stdout, "no SIMKIT_TOPUPS_CLIENT_ID: using the simkittest fake")
	}
	c, err := topups.New(optFn)
	if err != nil {
		return fail(err)
	}
	if err := run(ctx, stdout, c, iccid, email, buy); err != nil {
		return fail(err)
	}
	return 0
}

// run is the part to copy.
func run(ctx context.Context, w io.Writer, c *topups.Client, iccid, email string, buy bool) error {
	// Bad input is refused before any request, as ErrValidation.
	_, err := c.TopupPackages(ctx, "not-an-iccid")
	var apiErr *simkit.Error
	if !errors.Is(err, simkit.ErrValidation) || !errors.As(err, &apiErr) {
		return fmt.Errorf("packages of a bad ICCID: want a validation error, got %v", err)
	}
	fmt.Fprintf(w, "bad ICCID refused before sending: %s\n", apiErr.Message)

	if iccid == "" {
		fmt.Fprintln(w, "packages: skipped (set SIMKIT_QUICKSTART_ICCID)")
		return nil
	}
	// Never cached: the list changes, so fetch it right before ordering.
	list, err := c.TopupPackages(ctx, iccid)
	if err != nil {
		return fmt.Errorf("packages of %s: %w", iccid, err)
	}
	pkgs := list.Packages
	if len(pkgs) == 0 {
		return fmt.Errorf("eSIM %s offers no top-ups", iccid)
	}
	for _, p := range pkgs {
		// Under discount pricing the net price is null (not zero): you pay
		// the retail price less the account's discount.
		pay := p.NetPrice.Decimal.String()
		if !p.NetPrice.Valid {
			pay = fmt.Sprintf("%s less %s%%", p.Price, list.Pricing.DiscountPercentage.Decimal)
		}
		fmt.Fprintf(w, "package %s: %s for %d days, you pay %s\n", p.ID, p.Data, p.Day, pay)
	}

	if buy {
		// Reference is your own order id: a repeated call with it (after a
		// timeout, a crash) returns the same top-up instead of a second one.
		order, err := c.SubmitTopup(ctx, topups.SubmitTopupParams{PackageID: pkgs[0].ID, ICCID: iccid, Reference: "customer-42 order-1001"})
		switch {
		case errors.As(err, &apiErr) && apiErr.Code == topups.CodePackageUnavailable:
			return fmt.Errorf("package %s went stale, list the packages again: %w", pkgs[0].ID, err)
		case errors.Is(err, simkit.ErrInsufficientFunds):
			return fmt.Errorf("top up your partner balance first: %w", err)
		case errors.Is(err, simkit.ErrOutcomeUnknown):
			// The answer was lost and the top-up could not be found yet:
			// call again later with the same Reference, never a new one.
			return fmt.Errorf("top-up %q: outcome unknown, retry with the same reference: %w", apiErr.Reference, err)
		case err != nil:
			// Nothing was placed: fix the cause before trying again.
			return fmt.Errorf("top-up: %w", err)
		}
		fmt.Fprintf(w, "top-up order %s: %s\n", order.Code, order.Package)
	} else {
		fmt.Fprintln(w, "top-up: skipped (spends money; set SIMKIT_QUICKSTART_BUY=1)")
	}

	// One request per eSIM per 15 minutes: the second call is the cached answer.
	for i := 1; i <= 2; i++ {
		h, err := c.PackageHistory(ctx, iccid)
		if errors.Is(err, simkit.ErrRateLimited) && errors.As(err, &apiErr) {
			return fmt.Errorf("package history: window used, retry in %s: %w", apiErr.RetryAfter, err)
		}
		if err != nil {
			return fmt.Errorf("package history: %w", err)
		}
		fmt.Fprintf(w, "package history call %d: %d packages, answer age %s\n", i, len(h.Packages), h.Age(time.Now()).Round(time.Microsecond))
	}

	if email == "" || !buy {
		fmt.Fprintln(w, "renewal: skipped (set SIMKIT_QUICKSTART_RENEW_EMAIL and SIMKIT_QUICKSTART_BUY=1)")
		return nil
	}
	res, err := c.RenewNumber(ctx, topups.RenewNumberParams{Email: email})
	switch {
	case errors.Is(err, simkit.ErrNotFound):
		// The API says so with a 404 or with success:false.
		return fmt.Errorf("renewal of %s: no such user: %w", email, err)
	case errors.Is(err, topups.ErrRenewalRefused):
		return fmt.Errorf("renewal of %s refused: %w", email, err)
	case errors.Is(err, simkit.ErrOutcomeUnknown):
		// No way to ask the API: check the subscription before renewing again.
		return fmt.Errorf("renewal of %s: outcome unknown, check before renewing again: %w", email, err)
	}
	if err != nil {
		return fmt.Errorf("renewal of %s: %w", email, err)
	}
	fmt.Fprintf(w, "renewal of %s: %s\n", redact.Mask(email), res.Message)
	return nil
}
