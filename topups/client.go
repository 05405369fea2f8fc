// Package topups is the client for the eSIM top-up API (Airalo partner v2
// shape under /customer/v2) and the number-renewal API: OAuth token cache,
// top-up packages and orders, the one-request-per-15-minutes package
// history, and renewals.
package topups

import (
	"net/http"

	"github.com/simkit/simkit/internal/apierr"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// Provider is the name this package reports in errors and logs.
const Provider = "topups"

// Options configures a Client. Set fields inside the functions passed to New.
type Options struct {
	option.Shared
	// BaseURL of the top-up API (paths start with /customer/v2). Required:
	// the docs publish no host (SPEC decision).
	BaseURL string
	// ClientID and ClientSecret are the OAuth client credentials.
	ClientID     string
	ClientSecret signing.Secret
	// RenewalBaseURL and RenewalKey configure the separate number-renewal
	// API; renewal calls answer ErrNotConfigured when they are empty.
	RenewalBaseURL string
	RenewalKey     signing.Secret
}

// Client calls the top-up and renewal APIs. It is safe for concurrent use.
// A nil *Client answers every call with an error matching
// simkit.ErrNotConfigured.
type Client struct {
	t       *transport.Client
	renewal *transport.Client
	opts    *Options
}

// New builds a Client. BaseURL, ClientID and ClientSecret are required.
func New(optFns ...func(*Options)) (*Client, error) {
	o := &Options{}
	for _, fn := range optFns {
		fn(o)
	}
	o.Shared = o.Shared.WithDefaults()
	if o.ClientID == "" || o.ClientSecret.IsZero() {
		return nil, apierr.NotConfigured(Provider)
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	t, err := transport.New(transport.Config{
		Provider: Provider,
		BaseURL:  o.BaseURL,
		Shared:   o.Shared,
		Header:   h,
	})
	if err != nil {
		return nil, err
	}
	c := &Client{t: t, opts: o}
	if o.RenewalBaseURL != "" && !o.RenewalKey.IsZero() {
		rh := http.Header{}
		rh.Set("Accept", "application/json")
		rh.Set("Authorization", "Bearer "+o.RenewalKey.Reveal())
		c.renewal, err = transport.New(transport.Config{
			Provider: Provider,
			BaseURL:  o.RenewalBaseURL,
			Shared:   o.Shared,
			Header:   rh,
		})
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Client) ready() error {
	if c == nil || c.t == nil {
		return apierr.NotConfigured(Provider)
	}
	return nil
}
