// Package esimstory is the client for the eSIM Story partner API: eSIM
// orders signed with HMAC headers, one delivery webhook per unit, and an
// order tracker that knows when every unit of an order has arrived.
//
// Signing: every attempt carries X-Esim-Story-Access-Key,
// X-Esim-Story-Timestamp and X-Esim-Story-Signature, the hex HMAC-SHA256
// (keyed with the base64-decoded secret) of METHOD, full path, timestamp
// and access key joined by newlines. The full path includes the base URL's
// own path (/api in production), taken from Options.BaseURL, so a proxy or
// gateway base URL is signed correctly too. A retry is signed afresh.
//
// Errors (decided where the docs are silent): 400 and a blank-id 422 match
// simkit.ErrValidation; 401 matches ErrUnauthorized and keeps the
// provider's code; "External order id has already been taken" matches
// ErrConflict and names the id (unless it settles a lost answer, see
// CreateOrder); "Product with option_id not found" matches ErrNotFound (the
// option does not exist, so retrying cannot help); eSIM Story's own
// upstream failures ("eSIM Request failed", "API connection error") match
// ErrUnavailable. An order error whose outcome stays open (the order may
// exist) has Ambiguous set and names the id in Reference, whatever its
// sentinel: see CreateOrder. Every error's Op is the route template
// "POST /v1/api_partner/orders".
//
// Webhooks: eSIM Story documents no webhook signature, so NewWebhookHandler
// refuses to build without an Authenticator (a token in the URL, Basic
// auth or your own check) unless InsecureNoAuth is applied. Unknown
// topup_ids are answered 404 when a Tracker with RejectUnknown is attached.
package esimstory

import (
	"net/url"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// Provider is the name this package reports in errors and logs.
const Provider = "esimstory"

// Base URLs of the two environments; the /api prefix is part of the base.
const (
	ProductionURL = "https://api.esimstory.com/api"
	SandboxURL    = "https://sandbox-api.esimstory.com/api"
)

// Options configures a Client. Set fields inside the functions passed to New.
type Options struct {
	option.Shared
	// BaseURL defaults to ProductionURL (SandboxURL when Sandbox is set).
	BaseURL string
	// Sandbox selects SandboxURL when BaseURL is empty.
	Sandbox bool
	// AccessKey is sent as X-Esim-Story-Access-Key. It is a credential
	// like SecretKey, so it is a Secret: it prints, logs and records as
	// [redacted].
	AccessKey signing.Secret
	// SecretKey is the base64 secret; its decoded bytes key the signature.
	SecretKey signing.Secret
	// Tracker, when set, records every order CreateOrder creates, so that
	// a webhook handler sharing it can reject unknown topup_ids and
	// Tracker.Wait can tell when all units have arrived. A Tracker built
	// without an Observer reports to this client's.
	Tracker *Tracker
}

// Client calls the eSIM Story API. It is safe for concurrent use. A nil
// *Client answers every call with an error matching simkit.ErrNotConfigured.
type Client struct {
	t      *transport.Client
	signer *signing.ESIMStory
	opts   *Options
	// ledger records every CreateOrder of this account in the Store, so
	// a re-call with an external order id the fleet sent returns the order.
	ledger *ledger.Ledger
}

// Ledger returns the ledger this client records its orders in: the
// fleet's record in Options.Store, namespaced by a hash of the access key.
// Reconciliation reads it.
func (c *Client) Ledger() *ledger.Ledger {
	if c == nil {
		return nil
	}
	return c.ledger
}

// New builds a Client. AccessKey and SecretKey (valid base64) are required;
// without them New returns an error matching simkit.ErrNotConfigured.
func New(optFns ...func(*Options)) (*Client, error) {
	o := transport.Configure(optFns, func(o *Options) *option.Shared { return &o.Shared })
	if o.AccessKey.IsZero() || o.SecretKey.IsZero() {
		return nil, apierror.NotConfigured(Provider)
	}
	if o.BaseURL == "" {
		o.BaseURL = ProductionURL
		if o.Sandbox {
			o.BaseURL = SandboxURL
		}
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil {
		return nil, &apierror.Error{Provider: Provider, Message: "base URL is not a valid URL", Kind: apierror.ErrValidation, Err: err}
	}
	signer, err := signing.NewESIMStory(o.AccessKey.Reveal(), o.SecretKey)
	if err != nil {
		return nil, &apierror.Error{Provider: Provider, Message: "secret key is not valid base64", Kind: apierror.ErrValidation, Err: err}
	}
	prefix := strings.TrimRight(u.EscapedPath(), "/")
	t, err := transport.New(transport.Config{
		Provider:    Provider,
		BaseURL:     o.BaseURL,
		Shared:      o.Shared,
		DecodeError: decodeError,
		Sign:        signAttempts(signer, prefix),
	})
	if err != nil {
		return nil, err
	}
	o.Tracker.inheritObserver(o.Observer)
	c := &Client{
		t: t, signer: signer, opts: o,
		ledger: ledger.New(o.Store, Provider, o.AccessKey.Reveal(), func(lo *ledger.Options) { lo.Now = o.Now }),
	}
	o.Tracker.inheritLedger(c.ledger)
	return c, nil
}

func (c *Client) ready() error {
	if c == nil || c.t == nil {
		return apierror.NotConfigured(Provider)
	}
	return nil
}
