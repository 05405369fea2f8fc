// Package simkit is one client for four provider APIs that sell telecom
// digital goods: Partner S2S (catalog and signed orders), SMS activation
// numbers, eSIM Story orders, and eSIM top-ups with number renewal.
//
// Build a Client with New (or FromEnv); each configured provider is a field.
// Every provider package can also be used alone (partner.New, ...). Errors
// from all of them are *simkit.Error and classify with errors.Is and the
// Err sentinels (ErrRateLimited, ErrNotFound, ...); package apierror holds
// the same type and sentinels for programs that use one provider alone.
package simkit

import (
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// Client holds one client per provider. A provider that was not configured
// is a nil pointer whose every call returns an error matching
// ErrNotConfigured, so it never panics.
type Client struct {
	// Partner is the Partner S2S API client (catalog, balance, orders,
	// eSIM top-ups).
	Partner *partner.Client
	// SMS is the SMS activation numbers client.
	SMS *smsnumbers.Client
	// ESIMStory is the eSIM Story partner API client.
	ESIMStory *esimstory.Client
	// Topups is the eSIM top-up and number renewal client.
	Topups *topups.Client
}

// New builds a Client. Shared settings (HTTP client, store, clock, logger,
// retry policy) are applied to every configured provider, which share one
// connection pool and one store unless told otherwise.
func New(opts ...Option) (*Client, error) {
	o := transport.Configure(opts, func(o *Options) *option.Shared { return &o.Shared })
	if o.HTTPClient == nil && o.Transport == nil {
		o.Transport = transport.NewHTTPTransport()
	}
	c := &Client{}
	var err error
	if c.Partner, err = configure(o.Partner, func(p *partner.Options) { p.Shared = o.Shared }, partner.New); err != nil {
		return nil, err
	}
	if c.SMS, err = configure(o.SMS, func(p *smsnumbers.Options) { p.Shared = o.Shared }, smsnumbers.New); err != nil {
		return nil, err
	}
	if c.ESIMStory, err = configure(o.ESIMStory, func(p *esimstory.Options) { p.Shared = o.Shared }, esimstory.New); err != nil {
		return nil, err
	}
	if c.Topups, err = configure(o.Topups, func(p *topups.Options) { p.Shared = o.Shared }, topups.New); err != nil {
		return nil, err
	}
	return c, nil
}

// configure builds one provider client when it has options, applying the
// shared settings first so the provider's own functions can override them.
func configure[O, C any](fns []func(*O), shared func(*O), build func(...func(*O)) (*C, error)) (*C, error) {
	if len(fns) == 0 {
		return nil, nil
	}
	return build(append([]func(*O){shared}, fns...)...)
}
