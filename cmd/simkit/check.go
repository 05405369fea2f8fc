package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/topups"
)

const checkHelp = `Usage: simkit check [flags]

Reads the SIMKIT_* variables (as simkit.FromEnv does), makes one read-only
call per configured provider and prints a table of provider, result,
latency and request id. It exits 1 when any call fails, naming the
provider; secrets are never printed.

  partner     GET /balance            (SIMKIT_PARTNER_TOKEN, SIMKIT_PARTNER_SECRET)
  smsnumbers  GET /v1/user/profile    (SIMKIT_SMS_TOKEN)
  esimstory   no read-only call exists; shown as skipped (SIMKIT_ESIMSTORY_ACCESS_KEY)
  topups      token, GET /customer/v2/orders (SIMKIT_TOPUPS_CLIENT_ID, SIMKIT_TOPUPS_CLIENT_SECRET)

Flags:
`

// providerCheck is one provider's row: the variable that switches it on,
// the ones it then needs, and its read-only call.
type providerCheck struct {
	name     string
	enable   string
	requires []string
	call     func(ctx context.Context, c *simkit.Client, resp *option.Response) error
}

// errSkipped marks a provider that has no read-only call to make.
var errSkipped = errors.New("skipped")

// providerChecks lists the checks in table order.
func providerChecks() []providerCheck {
	return []providerCheck{
		{"partner", simkit.EnvPartnerToken, []string{simkit.EnvPartnerSecret}, func(ctx context.Context, c *simkit.Client, r *option.Response) error {
			_, err := c.Partner.Balance(ctx, option.WithResponse(r))
			return err
		}},
		{"smsnumbers", simkit.EnvSMSToken, nil, func(ctx context.Context, c *simkit.Client, r *option.Response) error {
			_, err := c.SMS.Profile(ctx, option.WithResponse(r))
			return err
		}},
		{"esimstory", simkit.EnvESIMStoryAccessKey, []string{simkit.EnvESIMStorySecretKey}, func(context.Context, *simkit.Client, *option.Response) error {
			// Its only call creates (and charges) an order.
			return fmt.Errorf("%w: eSIM Story has no read-only call, credentials not checked", errSkipped)
		}},
		{"topups", simkit.EnvTopupsClientID, []string{simkit.EnvTopupsClientSecret}, func(ctx context.Context, c *simkit.Client, r *option.Response) error {
			// Listing orders fetches a token first, so both the client
			// credentials and the token's use are checked.
			_, err := c.Topups.ListOrders(ctx, topups.ListOrdersParams{}, option.WithResponse(r))
			return err
		}},
	}
}

// checkRow is one line of the table.
type checkRow struct {
	provider, result, requestID string
	latency                     time.Duration
	failed                      bool
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer, lookup lookupFunc) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	timeout := fs.Duration("timeout", 10*time.Second, "deadline of each provider's call")
	if code, done := parseFlags(fs, args, stdout, stderr, checkHelp); done {
		return code
	}
	has := func(k string) bool { v, ok := lookup(k); return ok && v != "" }
	var active []providerCheck
	var missing []string
	for _, pc := range providerChecks() {
		if !has(pc.enable) {
			continue
		}
		active = append(active, pc)
		for _, k := range pc.requires {
			if !has(k) {
				missing = append(missing, fmt.Sprintf("%s is set but %s is not: set it", pc.enable, k))
			}
		}
	}
	if len(active) == 0 {
		fmt.Fprintf(stderr, "simkit check: no provider configured; set at least one of %s, %s, %s or %s (and its base URL for a sandbox)\n",
			simkit.EnvPartnerToken, simkit.EnvSMSToken, simkit.EnvESIMStoryAccessKey, simkit.EnvTopupsClientID)
		return exitUsage
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "simkit check: %s\n", strings.Join(missing, "; "))
		return exitUsage
	}
	// One attempt each: the check reports what one call does, and a
	// closed port should fail fast rather than after backoff.
	client, err := simkit.New(append(simkit.EnvOptions(lookup), simkit.WithRetry(retry.Policy{MaxAttempts: 1}))...)
	if err != nil {
		fmt.Fprintf(stderr, "simkit check: %v\n", err)
		return exitUsage
	}
	rows := make([]checkRow, 0, len(active))
	for _, pc := range active {
		rows = append(rows, checkOne(ctx, client, pc, *timeout))
	}
	printTable(stdout, rows)
	var failed []string
	for _, r := range rows {
		if r.failed {
			failed = append(failed, r.provider)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "simkit check: failed: %s\n", strings.Join(failed, ", "))
		return exitFail
	}
	return exitOK
}

// checkOne times one provider's call.
func checkOne(ctx context.Context, c *simkit.Client, pc providerCheck, timeout time.Duration) checkRow {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var resp option.Response
	start := time.Now()
	err := pc.call(ctx, c, &resp)
	row := checkRow{provider: pc.name, latency: time.Since(start), requestID: resp.RequestID, result: "ok"}
	var apiErr *simkit.Error
	switch {
	case errors.Is(err, errSkipped):
		row.result, row.latency = err.Error(), 0
	case err != nil:
		row.failed, row.result = true, "FAIL: "+oneLine(err.Error())
		if errors.As(err, &apiErr) && row.requestID == "" {
			row.requestID = apiErr.RequestID
		}
	}
	return row
}

// oneLine keeps an error on one table row. SDK errors never carry
// secrets or bodies, so the text is safe to print.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

func printTable(w io.Writer, rows []checkRow) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tRESULT\tLATENCY\tREQUEST ID")
	for _, r := range rows {
		lat, id := "-", r.requestID
		if r.latency > 0 {
			lat = fmt.Sprintf("%.1fms", float64(r.latency.Microseconds())/1000)
		}
		if id == "" {
			id = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.provider, r.result, lat, id)
	}
	_ = tw.Flush()
}
