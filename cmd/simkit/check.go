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

  partner     GET /balance
  smsnumbers  GET /v1/user/profile
  esimstory   none: its only call creates an order, so it is shown as skipped
  topups      a token, then GET /customer/v2/orders

A provider is configured when any of its variables is set; it then needs
all of them (simkit check names the missing ones):

  partner     SIMKIT_PARTNER_BASE_URL, SIMKIT_PARTNER_TOKEN, SIMKIT_PARTNER_SECRET
  smsnumbers  SIMKIT_SMS_TOKEN (SIMKIT_SMS_BASE_URL optional)
  esimstory   SIMKIT_ESIMSTORY_ACCESS_KEY, SIMKIT_ESIMSTORY_SECRET_KEY and
              SIMKIT_ESIMSTORY_SANDBOX=1|0 or SIMKIT_ESIMSTORY_BASE_URL
  topups      SIMKIT_TOPUPS_BASE_URL, SIMKIT_TOPUPS_CLIENT_ID, SIMKIT_TOPUPS_CLIENT_SECRET
              (SIMKIT_RENEWAL_BASE_URL and SIMKIT_RENEWAL_KEY optional, both or neither)

Flags:
`

// providerCheck is one provider's row: whether the environment configured
// it, and its read-only call.
type providerCheck struct {
	name       string
	configured func(c *simkit.Client) bool
	call       func(ctx context.Context, c *simkit.Client, resp *option.Response) error
}

// errSkipped marks a provider that has no read-only call to make.
var errSkipped = errors.New("skipped")

// providerChecks lists the checks in table order.
func providerChecks() []providerCheck {
	return []providerCheck{
		{"partner", func(c *simkit.Client) bool { return c.Partner != nil }, func(ctx context.Context, c *simkit.Client, r *option.Response) error {
			_, err := c.Partner.Balance(ctx, option.WithResponse(r))
			return err
		}},
		{"smsnumbers", func(c *simkit.Client) bool { return c.SMS != nil }, func(ctx context.Context, c *simkit.Client, r *option.Response) error {
			_, err := c.SMS.Profile(ctx, option.WithResponse(r))
			return err
		}},
		{"esimstory", func(c *simkit.Client) bool { return c.ESIMStory != nil }, func(context.Context, *simkit.Client, *option.Response) error {
			// Its only call creates (and charges) an order.
			return fmt.Errorf("%w: eSIM Story has no read-only call, credentials not checked", errSkipped)
		}},
		{"topups", func(c *simkit.Client) bool { return c.Topups != nil }, func(ctx context.Context, c *simkit.Client, r *option.Response) error {
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
	// The environment's own rules (a provider set in part names every
	// missing variable) apply as they do for simkit.FromEnv.
	envOpts, err := simkit.EnvOptions(lookup)
	if err != nil {
		fmt.Fprintf(stderr, "simkit check: %v\n", err)
		return exitUsage
	}
	// One attempt each: the check reports what one call does, and a
	// closed port should fail fast rather than after backoff.
	client, err := simkit.New(append(envOpts, simkit.WithRetry(retry.Policy{MaxAttempts: 1}))...)
	if err != nil {
		fmt.Fprintf(stderr, "simkit check: %v\n", err)
		return exitUsage
	}
	var active []providerCheck
	for _, pc := range providerChecks() {
		if pc.configured(client) {
			active = append(active, pc)
		}
	}
	if len(active) == 0 {
		fmt.Fprintf(stderr, "simkit check: no provider configured; set the variables of at least one (%s and %s for partner, %s for smsnumbers, %s, %s and %s or %s for esimstory, %s, %s and %s for topups)\n",
			simkit.EnvPartnerToken, simkit.EnvPartnerSecret, simkit.EnvSMSToken,
			simkit.EnvESIMStoryAccessKey, simkit.EnvESIMStorySecretKey, simkit.EnvESIMStorySandbox, simkit.EnvESIMStoryBaseURL,
			simkit.EnvTopupsBaseURL, simkit.EnvTopupsClientID, simkit.EnvTopupsClientSecret)
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
