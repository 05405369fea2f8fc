package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/simkit/simkit"
)

const checkHelp = `Usage: simkit check [flags]

Reads the SIMKIT_* variables (as simkit.FromEnv does) and verifies every
credential of every configured provider without moving money
(simkit.Check), then prints a table of provider, result, credential,
latency, request id and how it was checked. Each call is tried once;
secrets are never printed.

  partner     token: GET /balance
              secret: an order for a product that does not exist, signed
              first with a random secret (it must be refused for its
              signature) and then with yours (it must be refused as
              invalid, not for its signature). If the provider does not
              check signatures first, the secret is shown as unverified.
  smsnumbers  token: GET /v1/user/profile
  esimstory   access key and secret key: the same pair of orders, for an
              option that does not exist (the API has no read-only call)
  topups      client id and secret: one token, then GET /customer/v2/orders
              (never a second token in one run: the provider issues 3 a
              minute to the whole account); renewal key: unverified, its
              only call renews a subscription

Exit status: 0 when nothing failed, 1 when a credential failed (or, with
--strict, could not be verified), 2 for bad usage. A deploy check next to
live replicas should call simkit.Check with the fleet's options instead,
so it uses the top-ups token the fleet shares through its Store.

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

// runCheck is `simkit check`. extra options are applied after the
// environment's (tests share a Store across runs with them).
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer, lookup lookupFunc, extra ...simkit.Option) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	timeout := fs.Duration("timeout", 10*time.Second, "deadline of each call")
	strict := fs.Bool("strict", false, "exit 1 when a credential could not be verified")
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
	if len(envOpts) == 0 {
		fmt.Fprintf(stderr, "simkit check: no provider configured; set the variables of at least one (%s and %s for partner, %s for smsnumbers, %s, %s and %s or %s for esimstory, %s, %s and %s for topups)\n",
			simkit.EnvPartnerToken, simkit.EnvPartnerSecret, simkit.EnvSMSToken,
			simkit.EnvESIMStoryAccessKey, simkit.EnvESIMStorySecretKey, simkit.EnvESIMStorySandbox, simkit.EnvESIMStoryBaseURL,
			simkit.EnvTopupsBaseURL, simkit.EnvTopupsClientID, simkit.EnvTopupsClientSecret)
		return exitUsage
	}
	opts := append(append(envOpts, simkit.WithTimeout(*timeout)), extra...)
	results, err := simkit.Check(ctx, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "simkit check: %v\n", err)
		return exitUsage
	}
	printTable(stdout, results)
	var failed, unverified []string
	for _, r := range results {
		switch r.Status {
		case simkit.CheckFailed:
			failed = append(failed, r.Provider+" "+r.Credential)
		case simkit.CheckUnverified:
			unverified = append(unverified, r.Provider+" "+r.Credential)
		}
	}
	if len(unverified) > 0 {
		fmt.Fprintf(stderr, "simkit check: not verified: %s\n", strings.Join(unverified, ", "))
	}
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "simkit check: failed: %s\n", strings.Join(failed, ", "))
		return exitFail
	}
	if *strict && len(unverified) > 0 {
		return exitFail
	}
	return exitOK
}

// oneLine keeps a detail on one table row. SDK errors never carry
// secrets or bodies, so the text is safe to print.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

func printTable(w io.Writer, rows []simkit.CheckResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tRESULT\tCREDENTIAL\tLATENCY\tREQUEST ID\tHOW")
	for _, r := range rows {
		lat, id := "-", r.RequestID
		if r.Latency > 0 {
			lat = fmt.Sprintf("%.1fms", float64(r.Latency.Microseconds())/1000)
		}
		if id == "" {
			id = "-"
		}
		result := string(r.Status)
		if r.Status == simkit.CheckFailed {
			result = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Provider, result, r.Credential, lat, id, oneLine(r.Detail))
	}
	_ = tw.Flush()
}
