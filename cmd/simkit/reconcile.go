package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/internal/respstore"
	"github.com/simkit/simkit/reconcile"
)

// envRedis names the Store's Redis address when --redis is not given.
const envRedis = "SIMKIT_REDIS_ADDR"

const reconcileHelp = `Usage: simkit reconcile [flags]

Closes the books: compares the ledger (the fleet's record of money calls,
kept in the Store the fleet shares) with each configured provider's own
history over a time window, and prints a table of anomalies per provider.

Providers are configured by the SIMKIT_* variables, as for "simkit check".
The Store is the fleet's Redis (--redis, or SIMKIT_REDIS_ADDR), in
contrib/redisstore's layout (--redis-prefix is its Options.Prefix): a
single server or a Sentinel's current master, not a Redis Cluster (use
Client.Reconcile from a program for a cluster).

It only reads from the providers, within their rate limits. It writes to
the ledger only to settle outcomes the providers' histories prove (unless
--no-settle). Two runs at once do not both work: each provider is locked
in the Store for the run; a run that finds a provider locked exits 2, or
skips it with --skip-busy (for a schedule on every replica).

Exit status: 0 the books are clean, 1 anomalies were found, 2 it could
not run (bad flags or variables, the Store or a provider unreachable).

Anomaly kinds:
  outcome_unknown     a money call's outcome is still unknown (renewals: only a person can check)
  unaccounted_charge  the provider charged for something no ledger entry accounts for
  not_delivered       paid but not delivered (eSIM unit late, partner order stuck, SMS open past expiry)
  amount_mismatch     the ledger and the provider state different amounts

Flags:
`

// providerReconcile is one provider's run: whether it is configured, and
// its Reconcile call.
type providerReconcile struct {
	name       string
	configured func(c *simkit.Client) bool
	run        func(ctx context.Context, c *simkit.Client, p reconcile.Params) (*reconcile.Report, error)
}

func providerReconciles() []providerReconcile {
	return []providerReconcile{
		{"partner", func(c *simkit.Client) bool { return c.Partner != nil }, func(ctx context.Context, c *simkit.Client, p reconcile.Params) (*reconcile.Report, error) {
			return c.Partner.Reconcile(ctx, p)
		}},
		{"smsnumbers", func(c *simkit.Client) bool { return c.SMS != nil }, func(ctx context.Context, c *simkit.Client, p reconcile.Params) (*reconcile.Report, error) {
			return c.SMS.Reconcile(ctx, p)
		}},
		{"esimstory", func(c *simkit.Client) bool { return c.ESIMStory != nil }, func(ctx context.Context, c *simkit.Client, p reconcile.Params) (*reconcile.Report, error) {
			return c.ESIMStory.Reconcile(ctx, p)
		}},
		{"topups", func(c *simkit.Client) bool { return c.Topups != nil }, func(ctx context.Context, c *simkit.Client, p reconcile.Params) (*reconcile.Report, error) {
			return c.Topups.Reconcile(ctx, p)
		}},
	}
}

// reconcileRun is one provider's result, as printed.
type reconcileRun struct {
	Provider string            `json:"provider"`
	Report   *reconcile.Report `json:"report,omitempty"`
	Skipped  string            `json:"skipped,omitempty"`
	Error    string            `json:"error,omitempty"`
}

func runReconcile(ctx context.Context, args []string, stdout, stderr io.Writer, lookup lookupFunc) int {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	redisAddr := fs.String("redis", "", "the fleet Store's Redis: host:port or redis://[user:password@]host:port/db (default $"+envRedis+")")
	prefix := fs.String("redis-prefix", respstore.DefaultPrefix, "key prefix of the fleet's contrib/redisstore Store (its Options.Prefix)")
	window := fs.Duration("window", reconcile.DefaultWindow, "reconcile the calls and charges of this long before --to")
	fromFlag := fs.String("from", "", "start of the window, RFC 3339 (overrides --window)")
	toFlag := fs.String("to", "", "end of the window, RFC 3339 (default now)")
	grace := fs.Duration("grace", reconcile.DefaultGrace, "leave calls and charges younger than this alone (still in flight)")
	deadline := fs.Duration("delivery-deadline", reconcile.DefaultDeliveryDeadline, "how long a paid order may wait for delivery")
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	skipBusy := fs.Bool("skip-busy", false, "skip a provider another run holds, instead of exiting 2")
	noSettle := fs.Bool("no-settle", false, "write nothing to the ledger, even outcomes a history proves")
	timeout := fs.Duration("timeout", 10*time.Minute, "deadline of the whole run")
	lockTTL := fs.Duration("lock-ttl", reconcile.DefaultLockTTL, "how long a run that dies keeps other runs of a provider out (longer than a run takes)")
	if code, done := parseFlags(fs, args, stdout, stderr, reconcileHelp); done {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "simkit reconcile: "+format+"\n", a...)
		return exitUsage
	}
	p := reconcile.Params{Grace: *grace, DeliveryDeadline: *deadline, NoSettle: *noSettle, LockTTL: *lockTTL}
	var err error
	if p.To, err = parseTime(*toFlag); err != nil {
		return fail("--to: %v", err)
	}
	if p.From, err = parseTime(*fromFlag); err != nil {
		return fail("--from: %v", err)
	}
	if p.From.IsZero() {
		to := p.To
		if to.IsZero() {
			to = time.Now()
		}
		p.From = to.Add(-*window)
	}
	if *redisAddr == "" {
		*redisAddr, _ = lookup(envRedis)
	}
	if strings.TrimSpace(*redisAddr) == "" {
		return fail("the ledger lives in the fleet's Store: give --redis or set %s", envRedis)
	}
	st, err := respstore.New(strings.TrimSpace(*redisAddr), *prefix)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := st.Ping(ctx); err != nil {
		return fail("the Store does not answer: %v", err)
	}
	envOpts, err := simkit.EnvOptions(lookup)
	if err != nil {
		return fail("%v", err)
	}
	envOpts = append(envOpts, simkit.WithStore(st))
	if v, _ := lookup(simkit.EnvESIMStoryAccessKey); strings.TrimSpace(v) != "" {
		// The fleet's Tracker records eSIM Story deliveries in the Store
		// under its default prefix; reading them checks delivery.
		envOpts = append(envOpts, simkit.WithESIMStory(func(o *esimstory.Options) { o.Tracker = esimstory.NewTracker(st) }))
	}
	client, err := simkit.New(envOpts...)
	if err != nil {
		return fail("%v", err)
	}
	var runs []reconcileRun
	for _, pr := range providerReconciles() {
		if !pr.configured(client) {
			continue
		}
		rep, err := pr.run(ctx, client, p)
		run := reconcileRun{Provider: pr.name, Report: rep}
		switch {
		case errors.Is(err, reconcile.ErrBusy) && *skipBusy:
			run.Skipped = "another run holds it"
		case err != nil:
			run.Error = oneLine(err.Error())
		}
		runs = append(runs, run)
	}
	if len(runs) == 0 {
		return fail("no provider configured; set the SIMKIT_* variables of at least one (see simkit check --help)")
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"providers": runs})
	} else {
		printReconcile(stdout, runs)
	}
	for _, r := range runs {
		if r.Report != nil && r.Report.Entries == 0 && r.Report.Counts[reconcile.UnaccountedCharge] > 0 {
			// Every charge is unaccounted when the ledger read is not the
			// fleet's: say where to look.
			fmt.Fprintf(stderr, "simkit reconcile: %s: no ledger entry in the window but %d unaccounted charges; is --redis-prefix the fleet's redisstore Options.Prefix, and are these the fleet's credentials?\n", r.Provider, r.Report.Counts[reconcile.UnaccountedCharge])
		}
	}
	code := exitOK
	for _, r := range runs {
		switch {
		case r.Error != "":
			fmt.Fprintf(stderr, "simkit reconcile: %s could not run: %s\n", r.Provider, r.Error)
			return exitUsage
		case r.Report != nil && !r.Report.Clean():
			code = exitFail
		}
	}
	return code
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, s)
}

// printReconcile prints, per provider, a summary line and a table of its
// findings. Findings hold ids, never customer data.
func printReconcile(w io.Writer, runs []reconcileRun) {
	for i, r := range runs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		switch {
		case r.Error != "":
			fmt.Fprintf(w, "%s: could not run: %s\n", r.Provider, r.Error)
			continue
		case r.Skipped != "":
			fmt.Fprintf(w, "%s: skipped: %s\n", r.Provider, r.Skipped)
			continue
		}
		rep := r.Report
		var counts []string
		for _, k := range reconcile.Kinds() {
			counts = append(counts, fmt.Sprintf("%s %d", k, rep.Counts[k]))
		}
		state := "clean"
		if !rep.Clean() {
			state = fmt.Sprintf("%d anomalies", rep.Anomalies())
		}
		fmt.Fprintf(w, "%s: %s (%s to %s; %d ledger entries, %d provider records, %d settled)\n  %s\n",
			r.Provider, state, rep.From.UTC().Format(time.RFC3339), rep.To.UTC().Format(time.RFC3339),
			rep.Entries, rep.Records, rep.Settled, strings.Join(counts, ", "))
		for _, n := range rep.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		if len(rep.Findings) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  KIND\tCALL\tREFERENCE\tPROVIDER ID\tSTATUS\tAMOUNT\tEXPECTED\tAGE\tDETAIL\tACTION")
		for _, f := range rep.Findings {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Kind, dash(f.Call), dash(f.Reference), dash(f.ProviderID),
				dash(f.Status), amount(f.Amount.Valid, f.Amount.Decimal.String(), f.Currency),
				amount(f.Expected.Valid, f.Expected.Decimal.String(), f.Currency),
				f.Age.Round(time.Second), oneLine(f.Detail), f.Action)
		}
		_ = tw.Flush()
		if rep.Omitted > 0 {
			fmt.Fprintf(w, "  ... and %d more (counts above are exact; narrow the window)\n", rep.Omitted)
		}
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func amount(valid bool, v, cur string) string {
	if !valid {
		return "-"
	}
	return strings.TrimSpace(v + " " + cur)
}
