// Package topups is the client for the eSIM top-up API (Airalo partner v2
// shape under /customer/v2) and the number-renewal API: OAuth token cache,
// top-up packages and orders, the one-request-per-15-minutes package
// history, and renewals.
//
// # Token
//
// Every call carries an OAuth client-credentials token fetched from
// POST /customer/v2/token. The token endpoint allows only a few calls a
// minute, so the token is cached in the Store (key
// "topups:token:"+ClientID+"@"+BaseURL) until TokenRefreshMargin before
// it expires, and concurrent first calls share one fetch: in-process
// through a single flight and across replicas sharing a Store through a
// Store lock. A 401 on any call drops the cached token (only if it is
// still the one the provider refused), fetches one new token and replays
// the request once; a second 401 is returned as ErrUnauthorized. A 401
// means the provider did not act on the request, so the replay is safe
// even for a top-up order. The token is never logged and never appears in
// errors.
//
// # Errors
//
// Provider codes map to the shared sentinels (see the Code constants): 11
// ErrInsufficientFunds, 13 ErrUnavailable, 14, 23 and 43 ErrValidation, 33
// and 34 ErrOutOfStock, 53 ErrServer, 89 (caller IP not on the allow list)
// ErrUnauthorized; without a code, 422 is ErrValidation and 429
// ErrRateLimited. The token endpoint's refusal of bad credentials (401, or
// 422 naming client_id or client_secret) is ErrUnauthorized. The
// provider's message is kept in Error.Message and its code in Error.Code.
//
// # Money
//
// Prices are decimals, never floats. Under the discount pricing model the
// API sends "net_price": null, which stays distinguishable from zero
// (decimal.NullDecimal), and a submitted top-up says what was charged
// (Order.UnitPaidPrice, Order.TotalAmountPaid). SubmitTopup places at most
// one top-up per Reference; RenewNumber answers ErrOutcomeUnknown when it
// cannot tell whether a renewal happened.
//
// # Package history
//
// The provider allows one package-history request per eSIM per 15 minutes.
// PackageHistory caches each ICCID's answer in the Store for 15 minutes and
// never sends a second request inside the window; see PackageHistory.
package topups

import (
	"net/http"
	"sync"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/flight"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// Provider is the name this package reports in errors and logs.
const Provider = "topups"

// Options configures a Client. Set fields inside the functions passed to New.
type Options struct {
	option.Shared
	// BaseURL of the top-up API (paths start with /customer/v2). Required:
	// the provider publishes no default host.
	BaseURL string
	// ClientID and ClientSecret are the OAuth client credentials.
	ClientID     string
	ClientSecret signing.Secret
	// RenewalBaseURL and RenewalKey configure the separate number-renewal
	// API; renewal calls answer ErrNotConfigured when they are empty.
	RenewalBaseURL string
	RenewalKey     signing.Secret
	// TokenRefreshMargin is how long before the token's expiry the client
	// stops using it and fetches a new one, so a request never races the
	// expiry. Zero means 60 s. A margin of half the token's lifetime or
	// more is replaced by a tenth of the lifetime, so short tokens are
	// still cached.
	TokenRefreshMargin time.Duration
}

// Client calls the top-up and renewal APIs. It is safe for concurrent use.
// A nil *Client answers every call with an error matching
// simkit.ErrNotConfigured.
type Client struct {
	t       *transport.Client
	renewal *transport.Client
	opts    *Options
	// flight shares token and package-history loads between goroutines
	// and replicas.
	flight *flight.Group
	// submits shares SubmitTopup's look-up and submit per reference; its
	// lock outlives the longest submit (see submitLockTTL).
	submits *flight.Group
	// history admits one package-history request per ICCID per window.
	history *transport.Gate
	// forgetMu makes "drop the token if it is still the refused one" atomic
	// within this process.
	forgetMu *sync.Mutex
	// tokenKey names the cached token in the Store (see tokenKeyFor).
	tokenKey string
	// ledger records every top-up and renewal of this account in the
	// Store.
	ledger *ledger.Ledger
	// bearer keeps the Authorization header prepared for the token the
	// Store holds, so calls do not rebuild it.
	bearer *bearerCache
}

// New builds a Client. BaseURL, ClientID and ClientSecret are required.
func New(optFns ...func(*Options)) (*Client, error) {
	o := transport.Configure(optFns, func(o *Options) *option.Shared { return &o.Shared })
	if o.ClientID == "" || o.ClientSecret.IsZero() {
		return nil, apierror.NotConfigured(Provider)
	}
	t, err := transport.New(transport.Config{
		Provider:    Provider,
		BaseURL:     o.BaseURL,
		Shared:      o.Shared,
		DecodeError: decodeError,
	})
	if err != nil {
		return nil, err
	}
	c := &Client{
		forgetMu: &sync.Mutex{},
		bearer:   &bearerCache{},
		t:        t,
		opts:     o,
		flight: flight.New(o.Store, 0, 0, func(f *flight.Options) {
			f.Observer, f.Provider = o.Observer, Provider
		}),
		submits: flight.New(o.Store, submitLockTTL, 0, func(f *flight.Options) {
			f.Observer, f.Provider = o.Observer, Provider
		}),
		history: transport.NewGate(o.Store, historyGatePrefix, HistoryWindow, o.Now, func(g *transport.GateOptions) {
			g.Observer, g.Provider, g.Name = o.Observer, Provider, "package_history"
		}),
		tokenKey: tokenKeyFor(o),
		ledger:   ledger.New(o.Store, Provider, o.ClientID+"\x00"+o.BaseURL, func(lo *ledger.Options) { lo.Now = o.Now }),
	}
	if o.RenewalBaseURL != "" && !o.RenewalKey.IsZero() {
		c.renewal, err = transport.New(transport.Config{
			Provider:    Provider,
			BaseURL:     o.RenewalBaseURL,
			Shared:      o.Shared,
			Header:      http.Header{"Authorization": {"Bearer " + o.RenewalKey.Reveal()}},
			DecodeError: decodeError,
		})
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkICCID refuses an ICCID that is not 17 to 22 digits before any
// request, in the wording every provider shares.
func checkICCID(op, iccid string) error { return validate.CheckICCID(Provider, op, iccid) }

// Ledger returns the ledger this client records its money calls in
// (SubmitTopup, RenewNumber): the fleet's record in Options.Store,
// namespaced by a hash of the client id. Reconciliation reads it.
func (c *Client) Ledger() *ledger.Ledger {
	if c == nil {
		return nil
	}
	return c.ledger
}

func (c *Client) ready() error {
	if c == nil || c.t == nil {
		return apierror.NotConfigured(Provider)
	}
	return nil
}
