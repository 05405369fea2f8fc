package main

import (
	"context"
	"fmt"
	"time"

	"github.com/simkit/simkit/redact"
	"github.com/simkit/simkit/topups"
)

// topupsJourney: the top-ups an eSIM can take, one top-up order, its
// package history twice (the second answer from the cache, since the
// provider allows one request per eSIM per 15 minutes), and a renewal.
func topupsJourney(ctx context.Context, j *journey) error {
	const p = "topups"
	c := j.client.Topups
	if c == nil {
		j.out.step(p, "skipped: not configured")
		return nil
	}
	iccid := j.cfg.TopupsICCID
	if iccid == "" {
		j.out.step(p, "packages: skipped (set %s to one of your eSIMs)", envTopupsICCID)
	} else if err := topupsForSIM(ctx, j, c, iccid); err != nil {
		return err
	}

	if j.cfg.RenewEmail == "" {
		j.out.step(p, "renewal: skipped (set %s to the user to renew)", envRenewEmail)
		return nil
	}
	if !j.mayBuy(p, "renewal") {
		return nil
	}
	res, err := c.RenewNumber(ctx, topups.RenewNumberParams{Email: j.cfg.RenewEmail})
	if err != nil {
		return fmt.Errorf("topups: renew %s: %w", j.cfg.RenewEmail, err)
	}
	j.out.step(p, "renewal of %s: %s", redact.Mask(j.cfg.RenewEmail), res.Message)
	return nil
}

// topupsForSIM lists the top-ups of one eSIM, orders the first, and reads
// the package history twice.
func topupsForSIM(ctx context.Context, j *journey, c *topups.Client, iccid string) error {
	const p = "topups"
	list, err := c.TopupPackages(ctx, iccid)
	if err != nil {
		return fmt.Errorf("topups: packages of %s: %w", iccid, err)
	}
	pkgs := list.Packages
	if len(pkgs) == 0 {
		return fmt.Errorf("topups: eSIM %s offers no top-up packages", iccid)
	}
	for _, pkg := range pkgs {
		j.out.step(p, "package %s: %s, %d days, net %s (retail %s)", pkg.ID, pkg.Data, pkg.Day, netPrice(pkg), pkg.Price.String())
	}

	if j.mayBuy(p, "top-up order") {
		// The provider does not deduplicate top-ups: the reference lets
		// the SDK find this top-up again, so repeating the call with the
		// same reference never orders twice.
		ref := fmt.Sprintf("quickstart-%d", time.Now().UnixNano())
		order, err := c.SubmitTopup(ctx, topups.SubmitTopupParams{PackageID: pkgs[0].ID, ICCID: iccid, Reference: ref})
		if err != nil {
			return fmt.Errorf("topups: top-up %s on %s: %w", pkgs[0].ID, iccid, err)
		}
		j.out.step(p, "top-up order %s (code %s): %s, price %s", order.ID, order.Code, order.Package, order.Price.String())
	}

	first, err := c.PackageHistory(ctx, iccid)
	if err != nil {
		return fmt.Errorf("topups: package history of %s: %w", iccid, err)
	}
	j.out.step(p, "package history: %d packages, fetched at %s", len(first.Packages), first.FetchedAt.Format(time.RFC3339Nano))
	// A second request inside the window would be refused with 429; the
	// client answers from its cache instead, with the first fetch time.
	second, err := c.PackageHistory(ctx, iccid)
	if err != nil {
		return fmt.Errorf("topups: package history again of %s: %w", iccid, err)
	}
	if !second.FetchedAt.Equal(first.FetchedAt) {
		return fmt.Errorf("topups: package history again of %s: fetched anew at %s, want the cached answer of %s", iccid, second.FetchedAt, first.FetchedAt)
	}
	j.out.step(p, "package history again: from cache, age %s (one request per eSIM per %s)",
		second.Age(time.Now()).Round(time.Microsecond), topups.HistoryWindow)
	if j.fake != nil {
		j.out.step(p, "fake: %d package-history request(s) reached the provider", j.fake.Topups.HistoryRequests(iccid))
	}
	return nil
}

// netPrice renders a package's net price, which is null (not given) under
// the discount pricing model.
func netPrice(p topups.Package) string {
	if !p.NetPrice.Valid {
		return "n/a (discount pricing)"
	}
	return p.NetPrice.Decimal.String()
}
