// Command quickstart walks the main journey of every simkit provider and
// prints one line per step.
//
// With no SIMKIT_* credentials in the environment it starts the simkittest
// fakes on loopback and needs nothing but Go:
//
//	go run ./examples/quickstart
//
// With credentials (see simkit.FromEnv) it talks to the real APIs of the
// providers that are configured and skips the others. Steps that spend money
// (orders, number purchases, top-ups, renewals) run against real APIs only
// with SIMKIT_QUICKSTART_BUY=1; the SIMKIT_QUICKSTART_* variables below say
// what to buy.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/simkittest"
)

// Variables that steer the quickstart against real APIs. The fakes ignore
// them: they have their own seeded catalog.
const (
	envBuy             = "SIMKIT_QUICKSTART_BUY"              // "1" allows steps that spend money
	envPartnerSKU      = "SIMKIT_QUICKSTART_PARTNER_SKU"      // SKU to order
	envSMSCountry      = "SIMKIT_QUICKSTART_SMS_COUNTRY"      // default "any"
	envSMSOperator     = "SIMKIT_QUICKSTART_SMS_OPERATOR"     // default "any"
	envSMSProduct      = "SIMKIT_QUICKSTART_SMS_PRODUCT"      // default "telegram"
	envESIMStoryOption = "SIMKIT_QUICKSTART_ESIMSTORY_OPTION" // option_id to order
	envTopupsICCID     = "SIMKIT_QUICKSTART_ICCID"            // eSIM to list and top up
	envRenewEmail      = "SIMKIT_QUICKSTART_RENEW_EMAIL"      // user to renew
)

// Time budgets. The fakes answer in milliseconds, so a fake run that takes
// longer than fakeTimeout is a bug; a real run waits for a real SMS.
const (
	fakeTimeout = 15 * time.Second
	realTimeout = 3 * time.Minute
)

func main() {
	if err := run(context.Background(), os.Stdout, os.LookupEnv); err != nil {
		fmt.Fprintf(os.Stderr, "quickstart: FAILED: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("quickstart: all journeys done")
}

// run picks the mode from the environment (read through lookup, so tests
// can pass their own) and walks every journey.
func run(ctx context.Context, w io.Writer, lookup func(string) (string, bool)) error {
	out := newStepLog(w)
	if !hasCredentials(lookup) {
		out.step("quickstart", "no SIMKIT_* credentials: starting the simkittest fakes on loopback")
		env, err := simkittest.Start()
		if err != nil {
			return fmt.Errorf("start fakes: %w", err)
		}
		defer env.Close()
		ctx, cancel := context.WithTimeout(ctx, fakeTimeout)
		defer cancel()
		return runFake(ctx, out, env)
	}
	ctx, cancel := context.WithTimeout(ctx, realTimeout)
	defer cancel()
	return runReal(ctx, out, lookup)
}

// hasCredentials reports whether any provider's SIMKIT_* credential is set.
func hasCredentials(lookup func(string) (string, bool)) bool {
	for _, k := range []string{simkit.EnvPartnerToken, simkit.EnvSMSToken, simkit.EnvESIMStoryAccessKey, simkit.EnvTopupsClientID} {
		if v, _ := lookup(k); v != "" {
			return true
		}
	}
	return false
}

// runFake walks every journey against the fakes of env. Webhooks travel
// over real HTTP: the fakes post them to a loopback server running the
// SDK's handlers, as a provider would post to yours.
func runFake(ctx context.Context, out *stepLog, env *simkittest.Env) error {
	tracker := esimstory.NewTracker(nil)
	c, err := simkit.New(
		simkit.WithPartner(env.PartnerOptions),
		simkit.WithSMS(env.SMSOptions),
		simkit.WithESIMStory(env.ESIMStoryOptions),
		simkit.WithTopups(env.TopupsOptions),
		withTracker(tracker),
	)
	if err != nil {
		return fmt.Errorf("build client: %w", err)
	}
	hooks, err := startWebhooks(out, c, tracker)
	if err != nil {
		return err
	}
	defer hooks.Close()
	env.Partner.SetWebhookURL(hooks.PartnerURL())
	env.ESIMStory.SetWebhookURL(hooks.ESIMStoryURL())
	out.step("quickstart", "webhooks served by the SDK handlers at %s", hooks.base)
	j := &journey{
		out: out, client: c, tracker: tracker, hooks: hooks, fake: env, buy: true,
		poll: 100 * time.Millisecond,
		cfg: settings{
			PartnerSKU: simkittest.PartnerSKUVoucher,
			SMSCountry: "russia", SMSOperator: "beeline", SMSProduct: "vkontakte",
			ESIMStoryOption: simkittest.ESIMStoryOptionA,
			TopupsICCID:     simkittest.TopupsSeedICCID,
			RenewEmail:      "user@example.com",
		},
	}
	return j.all(ctx)
}

// runReal walks every configured provider's journey against the real APIs.
// Webhooks need a public URL registered with the provider, so their steps
// are skipped here.
func runReal(ctx context.Context, out *stepLog, lookup func(string) (string, bool)) error {
	get := func(k, def string) string {
		if v, ok := lookup(k); ok && v != "" {
			return v
		}
		return def
	}
	tracker := esimstory.NewTracker(nil)
	envOpts, err := simkit.EnvOptions(lookup)
	if err != nil {
		return fmt.Errorf("read SIMKIT_* variables: %w", err)
	}
	c, err := simkit.New(append(envOpts, withTracker(tracker))...)
	if err != nil {
		return fmt.Errorf("build client from SIMKIT_* variables: %w", err)
	}
	j := &journey{
		out: out, client: c, tracker: tracker, buy: get(envBuy, "") == "1",
		cfg: settings{
			PartnerSKU: get(envPartnerSKU, ""),
			SMSCountry: get(envSMSCountry, "any"), SMSOperator: get(envSMSOperator, "any"),
			SMSProduct:      get(envSMSProduct, "telegram"),
			ESIMStoryOption: get(envESIMStoryOption, ""),
			TopupsICCID:     get(envTopupsICCID, ""),
			RenewEmail:      get(envRenewEmail, ""),
		},
	}
	if j.buy {
		out.step("quickstart", "real APIs, %s=1: steps that spend money WILL run", envBuy)
	} else {
		out.step("quickstart", "real APIs, read-only: set %s=1 to run the steps that spend money", envBuy)
	}
	return j.all(ctx)
}

// withTracker attaches tracker to the eSIM Story client, only when eSIM
// Story is configured: adding an option to an unconfigured provider would
// make simkit.New try (and fail) to build it.
func withTracker(tracker *esimstory.Tracker) simkit.Option {
	return func(o *simkit.Options) {
		if len(o.ESIMStory) > 0 {
			o.ESIMStory = append(o.ESIMStory, func(eo *esimstory.Options) { eo.Tracker = tracker })
		}
	}
}

// settings says what the journeys buy and look at.
type settings struct {
	PartnerSKU                          string
	SMSCountry, SMSOperator, SMSProduct string
	ESIMStoryOption                     string
	TopupsICCID                         string
	RenewEmail                          string
}

// journey is what every provider journey needs.
type journey struct {
	out     *stepLog
	client  *simkit.Client
	tracker *esimstory.Tracker
	cfg     settings
	// buy allows the steps that spend money.
	buy bool
	// fake is the running fakes (nil against real APIs): the journeys use
	// it only to play the provider's side, such as sending an SMS.
	fake *simkittest.Env
	// hooks receives webhooks (nil against real APIs).
	hooks *webhooks
	// poll is how often WaitForCode checks; 0 keeps the SDK default.
	poll time.Duration
}

// all runs the four journeys in turn and stops at the first failure.
func (j *journey) all(ctx context.Context) error {
	for _, run := range []func(context.Context, *journey) error{partnerJourney, smsJourney, esimStoryJourney, topupsJourney} {
		if err := run(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

// mayBuy reports whether a step that spends money may run, and says so when
// it may not.
func (j *journey) mayBuy(provider, what string) bool {
	if !j.buy {
		j.out.step(provider, "%s: skipped (spends money; set %s=1)", what, envBuy)
	}
	return j.buy
}

// stepLog prints one aligned line per step; webhook handlers write to it
// from their own goroutines, hence the lock.
type stepLog struct {
	mu sync.Mutex
	w  io.Writer
}

func newStepLog(w io.Writer) *stepLog { return &stepLog{w: w} }

// step prints "[provider]   message".
func (l *stepLog) step(provider, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%-12s %s\n", "["+provider+"]", fmt.Sprintf(format, args...))
}
