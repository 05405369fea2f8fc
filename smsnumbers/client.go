// Package smsnumbers is the client for the SMS activation numbers API
// (5sim-style): virtual numbers for SMS codes, hosting numbers, vendor
// payouts. Its errors arrive as plain text and are mapped to simkit's
// sentinels.
//
// Decisions a user may rely on:
//
//   - Authentication: the token is sent as "Authorization: Bearer" on
//     /v1/user and /v1/vendor calls only; /v1/guest calls (products, prices,
//     countries, notification) go out without it.
//   - Pacing: the client waits for a token-bucket limiter before every
//     attempt (DefaultRatePerSecond, burst 10) so it stays under the
//     provider's 100 req/s per key; Options.RatePerSecond or Shared.Limiter
//     change it. 429 and 503 are rate limiting here: safe calls are retried
//     after the policy's RateLimitDelay, doubling per retry, never at full
//     speed, because hitting the limit 5 times in 10 minutes bans the
//     account for 10 minutes.
//   - Buying is never retried automatically. BuyActivation, BuyHosting and
//     Reuse are GETs that spend money and the provider has no idempotency
//     key, so after a timeout or reset a second attempt could buy a second
//     number; each reaches the provider at most once per call. When the
//     answer is lost (no answer, a 5xx, a body that cannot be read) the
//     client looks the order up in the orders history itself and returns it
//     with Order.Recovered set; when it cannot find it, the error matches
//     simkit.ErrOutcomeUnknown (see Settling below). Withdraw works the same
//     way against the vendor payments history.
//   - Settling: every buy and withdrawal records itself in a ledger in
//     Options.Store before it sends and its outcome after (see Client.Ledger
//     and package ledger), so replicas sharing the Store see each other's
//     calls in flight. A call whose answer was lost reads the history for
//     entries created within its own attempts' window (widened by
//     SettleSkew for the provider's clock) that match what it asked for
//     (country, operator and product, or the number for Reuse), waits
//     (at most SettleWait) for the other calls that could have made one of
//     them to record their answer, and takes the one entry that no other
//     call holds or could have made; it claims it in the ledger, so no
//     order is ever handed to two callers and no call ever takes an order
//     created outside its own attempts. When that cannot be proven (another
//     lost answer could have made the same order, a call never recorded
//     its outcome, an order no call accounts for, a Store without the
//     store.Indexer capability), the answer is simkit.ErrOutcomeUnknown,
//     never a guess. These guarantees need every buyer on the account to go
//     through simkit with one Store (the history has no caller reference):
//     an order bought elsewhere can be taken for a lost one.
//   - Finish, Cancel and Ban are retried like any GET: they move one order
//     to a final state, so a repeat cannot change more than the first
//     attempt did. A repeat whose first attempt already landed may answer
//     with a conflict error (ErrConflict) although the order did change;
//     call Check to see its state.
//   - Errors: the provider answers in plain text ("no free phones", "not
//     enough user balance", ...); each known text maps to a sentinel:
//     balance to simkit.ErrInsufficientFunds, no free phones (even with
//     status 200) to simkit.ErrOutOfStock, not found to simkit.ErrNotFound,
//     an order or number in the wrong state to simkit.ErrConflict, a missing
//     or unknown country or operator to simkit.ErrValidation. A path the API
//     does not know answers a redirect to /404.html, reported as
//     simkit.ErrNotFound.
//   - Call labels (Error.Op and the "route" log attribute) are route templates
//     such as "GET /v1/user/reuse/{product}/{number}": no phone numbers,
//     countries or products.
//
// # Activations
//
// Client.Activations returns a manager (one per process) that runs an
// activation from buy to finish, so no money stays on a number without a
// code. Its lifecycle:
//
//   - Activations.Activate checks the guards before any buy request (the
//     rating floor, ActivationsOptions.MinRating: ErrRatingTooLow; the
//     spend limit, ActivationsOptions.SpendLimit per SpendPeriod, counted
//     in the Store across replicas: ErrSpendLimit), buys (BuyActivation,
//     or Reuse), and records the order in a journal in the client's Store
//     under the manager's Owner, with a lease.
//   - Activation.WaitForCode checks the order, renewing the lease, until a
//     new SMS arrives. At its deadline (ActivateParams.Deadline, by default
//     DefaultCancelMargin before the order expires) it cancels the number
//     on a context of its own, so a caller that gave up still gets its
//     money back (ErrNoCode).
//   - Activation.Finish and Activation.Cancel take the order's close claim
//     in the Store first, so two replicas or a sweep never close one order
//     twice (ErrClaimed).
//   - Activations.Sweep, run at start-up and on a timer, closes what a
//     crashed process left open: orders whose owner's lease lapsed, or
//     that no manager journaled (SweepParams says what to do with each).
//
// A journal entry (Activations.Journal) moves from ActivationBought to
// ActivationReceived (both open) and ends ActivationFinished,
// ActivationCanceled or ActivationEnded. The journal is part of the
// ledger: the buy's ledger entry becomes ledger.StateDelivered once the
// order is finished and ledger.StateRefunded once it is canceled, timed
// out or banned.
package smsnumbers

import (
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// Provider is the name this package reports in errors and logs.
const Provider = "smsnumbers"

// DefaultBaseURL is the public host of this API.
const DefaultBaseURL = "https://5sim.net"

// DefaultRatePerSecond keeps the client below the provider's 100 requests
// per second per key: hitting that limit 5 times in 10 minutes bans the
// account for 10 minutes, so simkit paces itself with a margin.
const DefaultRatePerSecond = 80

// DefaultRetryPolicy is the policy used when the caller sets none: at most
// one retry, the first 2 s after a 429/503. Two calls retrying three times
// each would already hit the provider's limit five times, and five hits in
// ten minutes ban the account for ten minutes.
func DefaultRetryPolicy() retry.Policy {
	p := retry.Default()
	p.MaxAttempts = banSafeAttempts
	p.RateLimitDelay = banSafeRateLimitDelay
	return p
}

// The ban-safe bounds: a policy set for every provider at once
// (simkit.WithRetry) is held to them; Options.Retry, set for this provider
// alone, is taken as given.
const (
	banSafeAttempts       = 2
	banSafeRateLimitDelay = 2 * time.Second
)

// limitRetry holds a fleet-wide policy to the ban-safe bounds, keeping its
// other fields (backoff, sleeper, jitter).
func limitRetry(p retry.Policy) retry.Policy {
	if p.MaxAttempts <= 0 || p.MaxAttempts > banSafeAttempts {
		p.MaxAttempts = banSafeAttempts
	}
	if p.RateLimitDelay < banSafeRateLimitDelay {
		p.RateLimitDelay = banSafeRateLimitDelay
	}
	if p.MaxRetryAfter <= 0 {
		// Unset would wait out any Retry-After, however long.
		p.MaxRetryAfter = retry.Default().MaxRetryAfter
	}
	return p
}

// SettleSkew is the default Options.SettleSkew: the most this machine's
// clock (and every replica's) may differ from the provider's, plus how
// late the provider may still act on a request its client gave up on.
const SettleSkew = 2 * time.Second

// Options configures a Client. Set fields inside the functions passed to New.
type Options struct {
	option.Shared
	// BaseURL defaults to DefaultBaseURL.
	BaseURL string
	// Token is the API key (Bearer) for /v1/user and /v1/vendor calls.
	Token signing.Secret
	// RatePerSecond paces requests; 0 means DefaultRatePerSecond. A
	// Shared.Limiter, when set, replaces this pacing.
	RatePerSecond float64
	// SettleSkew is how far the provider's clock may be from this
	// machine's, plus how long after a client gave up on a request the
	// provider may still act on it: settling a lost answer widens every
	// call's attempts' window by it on both sides when it compares them
	// with the history's creation times. Wider is safer and settles fewer
	// lost answers (more calls' windows overlap); it must exceed the real
	// difference. Zero means SettleSkew; negative means none (a test whose
	// fake shares the clock and answers at once).
	SettleSkew time.Duration
	// SettleWait bounds how long a call whose answer was lost waits for the
	// other buys in flight on the same product to record their outcome
	// before it settles (see Settling). Zero means DefaultSettleWait.
	SettleWait time.Duration
}

// Client calls the SMS numbers API. It is safe for concurrent use. A nil
// *Client answers every call with an error matching simkit.ErrNotConfigured.
type Client struct {
	t *transport.Client
	// st is the Store the activation journal and reconciliation's lock
	// live in (the ledger keeps its own reference to it).
	st store.Store
	// ledger records every buy and withdrawal of this account in the
	// Store, so settling never hands one order to two callers.
	ledger *ledger.Ledger
	// settleSkew and settleWait are Options.SettleSkew and SettleWait
	// with their defaults.
	settleSkew, settleWait time.Duration
	// authHeader is built once per client. It sits behind a pointer
	// because fmt prints a nested pointer as an address, never the token.
	authHeader *http.Header
}

// New builds a Client. Token is required; guest calls work with any token.
func New(optFns ...func(*Options)) (*Client, error) {
	o := transport.Configure(optFns, func(o *Options) *option.Shared { return &o.Shared })
	if o.Token.IsZero() {
		return nil, apierror.NotConfigured(Provider)
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	rps := o.RatePerSecond
	if rps <= 0 {
		rps = DefaultRatePerSecond
	}
	// The token is not a fixed header: userCall adds it per request so
	// guest calls never carry it.
	t, err := transport.New(transport.Config{
		Provider:       Provider,
		BaseURL:        o.BaseURL,
		Shared:         o.Shared,
		DefaultLimiter: transport.NewLimiter(rps, 10),
		DecodeError:    decodeError,
		Unwrap:         unwrap,
		DefaultRetry:   DefaultRetryPolicy(),
		LimitRetry:     limitRetry,
	})
	if err != nil {
		return nil, err
	}
	skew := o.SettleSkew
	switch {
	case skew == 0:
		skew = SettleSkew
	case skew < 0:
		skew = 0
	}
	wait := o.SettleWait
	if wait <= 0 {
		wait = DefaultSettleWait
	}
	return &Client{
		t:          t,
		st:         o.Store,
		ledger:     ledger.New(o.Store, Provider, o.Token.Reveal(), func(lo *ledger.Options) { lo.Now = o.Now }),
		settleSkew: skew,
		settleWait: wait,
		authHeader: &http.Header{"Authorization": []string{"Bearer " + o.Token.Reveal()}[:1:1]},
	}, nil
}

func (c *Client) ready() error {
	if c == nil || c.t == nil {
		return apierror.NotConfigured(Provider)
	}
	return nil
}
