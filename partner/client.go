// Package partner is the client for the Partner S2S API 1.1.0: catalog,
// balance, signed orders with exactly-once semantics, eSIM top-up and
// status, and signed order.status_changed webhooks.
//
// The API publishes no host, so Options.BaseURL is required (for example
// "https://api.example/v1/partner"). The docs name the calls but not all of
// their paths; this package uses GET /me, GET /balance, GET
// /balance/history, GET /catalog/products, GET /catalog/products/{uuid},
// GET /catalog/pricelist, GET /catalog/categories, GET and POST /orders,
// GET /orders/{uuid}, POST /services/esim/{iccid}/topup and GET
// /services/esim/{iccid}/status under BaseURL; point BaseURL elsewhere if
// your deployment differs. Every answer is read through the {success, data,
// meta} envelope, and errors from its message/error/errors fields.
//
// Lists come as one page per call (ListX, returning a page.Page whose Next
// feeds the next call's Cursor) or as a lazy iterator over every page
// (AllX). Orders and top-ups are signed per attempt with partner_secret and
// are exactly-once per external_id: see CreateOrder.
package partner

import (
	"net/http"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// Provider is the name this package reports in errors and logs.
const Provider = "partner"

// Options configures a Client. Set fields inside the functions passed to New.
type Options struct {
	option.Shared
	// BaseURL of the API, e.g. "https://api.example/v1/partner". Required:
	// the provider's docs publish no default host.
	BaseURL string
	// Token is the S2S bearer token sent on every call.
	Token signing.Secret
	// Secret is partner_secret from the partner settings. It signs orders,
	// top-ups and webhooks; it is not the token.
	Secret signing.Secret
}

// Client calls the Partner S2S API. It is safe for concurrent use. A nil
// *Client answers every call with an error matching simkit.ErrNotConfigured.
type Client struct {
	t      *transport.Client
	signer *signing.Signer
	opts   *Options
	// ledger records every order and top-up of this account in the
	// Store, so a re-call with an external id the fleet sent is told
	// apart from an id used elsewhere.
	ledger *ledger.Ledger
}

// Ledger returns the ledger this client records its money calls in
// (CreateOrder, TopupESIM): the fleet's record in Options.Store,
// namespaced by a hash of the token. Reconciliation reads it.
func (c *Client) Ledger() *ledger.Ledger {
	if c == nil {
		return nil
	}
	return c.ledger
}

// New builds a Client. BaseURL, Token and Secret are required.
func New(optFns ...func(*Options)) (*Client, error) {
	o := transport.Configure(optFns, func(o *Options) *option.Shared { return &o.Shared })
	if o.Token.IsZero() || o.Secret.IsZero() {
		return nil, apierror.NotConfigured(Provider)
	}
	t, err := transport.New(transport.Config{
		Provider:    Provider,
		BaseURL:     o.BaseURL,
		Shared:      o.Shared,
		Header:      http.Header{"Authorization": {"Bearer " + o.Token.Reveal()}},
		DecodeError: decodeError,
		Unwrap:      unwrap,
	})
	if err != nil {
		return nil, err
	}
	return &Client{
		t: t, signer: signing.NewSigner([]byte(o.Secret.Reveal())), opts: o,
		ledger: ledger.New(o.Store, Provider, o.Token.Reveal(), func(lo *ledger.Options) { lo.Now = o.Now }),
	}, nil
}

// ready returns the not-configured error for a nil client, so a root
// simkit.Client without partner credentials never panics.
func (c *Client) ready() error {
	if c == nil || c.t == nil {
		return apierror.NotConfigured(Provider)
	}
	return nil
}
