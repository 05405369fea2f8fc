package simkittest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// Config is what an Env was started with and where its fakes listen. Option
// functions passed to New or Start change it before anything starts; after
// that the URL fields are filled in, so Config holds everything needed to
// build one's own client.
type Config struct {
	// Base URLs of the running fakes (filled in by Start).
	PartnerURL, SMSURL, ESIMStoryURL, TopupsURL, RenewalURL string
	// Credentials the fakes accept and Client uses; default the Fake*
	// constants. They override the same fields of the per-fake configs.
	PartnerToken, PartnerSecret            string
	SMSToken                               string
	ESIMStoryAccessKey, ESIMStorySecretKey string
	TopupsClientID, TopupsClientSecret     string
	RenewalKey                             string
	// Now is the clock of every fake and of Client (default time.Now).
	Now func() time.Time
	// Clock, when set, is the clock of every fake and of Client (it
	// replaces Now): advancing it also fires the fakes' scheduled webhook
	// retries and automatic deliveries.
	Clock *Clock
	// Retry is Client's retry policy; default 3 attempts with millisecond
	// waits, so tests of retries stay fast.
	Retry retry.Policy
	// ClientOptions are applied last when building Client.
	ClientOptions []simkit.Option
	// TLS serves every fake over HTTPS with a self-signed certificate, and
	// HTTP2 additionally offers HTTP/2 on it, so failures on TLS and HTTP/2
	// connections can be tested the way production meets them.
	TLS, HTTP2 bool
	// Transport trusts the fakes' certificate (filled in by Start when TLS
	// or HTTP2 is set, nil otherwise); Client uses it, and clients you build
	// yourself with the *Options methods must too.
	Transport http.RoundTripper
	// Per-fake settings (balances, catalog size, webhooks, delays).
	Partner   PartnerFakeConfig
	SMS       SMSFakeConfig
	ESIMStory ESIMStoryFakeConfig
	Topups    TopupsFakeConfig
}

// Env is a running set of fakes and a simkit.Client wired to them.
type Env struct {
	// Client talks to the fakes, with every provider configured.
	Client *simkit.Client
	// Config holds the fakes' URLs and credentials.
	Config    Config
	Partner   *PartnerFake
	SMS       *SMSFake
	ESIMStory *ESIMStoryFake
	Topups    *TopupsFake
	// Faults injects failures (and chaos) into every fake's routes.
	Faults *Faults
	// Journal records every request the fakes served.
	Journal *Journal

	servers    []*http.Server
	tlsServers []*httptest.Server
	reqID      atomic.Uint64
}

// New starts the four fakes for the test and stops them when it ends. It
// fails the test when they cannot start.
func New(t testing.TB, opts ...func(*Config)) *Env {
	t.Helper()
	env, err := Start(opts...)
	if err != nil {
		t.Fatalf("simkittest: %v", err)
	}
	t.Cleanup(env.Close)
	return env
}

// Start starts the four fakes on loopback ports without a *testing.T, for
// examples and local development; call Close when done.
func Start(opts ...func(*Config)) (*Env, error) {
	cfg := Config{
		PartnerToken: FakePartnerToken, PartnerSecret: FakePartnerSecret,
		SMSToken:           FakeSMSToken,
		ESIMStoryAccessKey: FakeESIMStoryAccessKey, ESIMStorySecretKey: FakeESIMStorySecretKey,
		TopupsClientID: FakeTopupsClientID, TopupsClientSecret: FakeTopupsClientSecret,
		RenewalKey: FakeRenewalKey,
		Retry: retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond,
			RateLimitDelay: 10 * time.Millisecond, MaxRetryAfter: time.Second},
	}
	for _, fn := range opts {
		fn(&cfg)
	}
	if cfg.HTTP2 {
		cfg.TLS = true
	}
	if cfg.Clock != nil {
		cfg.Now = cfg.Clock.Now
		for _, after := range []*func(time.Duration) <-chan time.Time{&cfg.Partner.After, &cfg.ESIMStory.After} {
			if *after == nil {
				*after = cfg.Clock.After
			}
		}
	}
	cfg.Partner.Token, cfg.Partner.Secret = cfg.PartnerToken, cfg.PartnerSecret
	cfg.SMS.Token = cfg.SMSToken
	cfg.ESIMStory.AccessKey, cfg.ESIMStory.SecretKey = cfg.ESIMStoryAccessKey, cfg.ESIMStorySecretKey
	cfg.Topups.ClientID, cfg.Topups.ClientSecret, cfg.Topups.RenewalKey = cfg.TopupsClientID, cfg.TopupsClientSecret, cfg.RenewalKey
	if cfg.Now != nil {
		for _, now := range []*func() time.Time{&cfg.Partner.Now, &cfg.SMS.Now, &cfg.ESIMStory.Now, &cfg.Topups.Now} {
			if *now == nil {
				*now = cfg.Now
			}
		}
	}
	env := &Env{
		Faults:    &Faults{},
		Journal:   &Journal{},
		Partner:   NewPartnerFake(cfg.Partner),
		SMS:       NewSMSFake(cfg.SMS),
		ESIMStory: NewESIMStoryFake(cfg.ESIMStory),
		Topups:    NewTopupsFake(cfg.Topups),
	}
	for _, s := range []struct {
		provider, prefix string
		h                http.Handler
		url              *string
	}{
		{ProviderPartner, PartnerPrefix, env.Partner, &cfg.PartnerURL},
		{ProviderSMS, "", env.SMS, &cfg.SMSURL},
		{ProviderESIMStory, ESIMStoryPrefix, env.ESIMStory, &cfg.ESIMStoryURL},
		{ProviderTopups, "", env.Topups, &cfg.TopupsURL},
	} {
		now := map[string]func() time.Time{ProviderPartner: cfg.Partner.Now, ProviderSMS: cfg.SMS.Now, ProviderESIMStory: cfg.ESIMStory.Now, ProviderTopups: cfg.Topups.Now}[s.provider]
		base, err := env.serve(&cfg, newFront(s.provider, s.prefix, env.Faults, env.Journal, now, &env.reqID, s.h))
		if err != nil {
			env.Close()
			return nil, err
		}
		*s.url = base + s.prefix
	}
	cfg.RenewalURL = cfg.TopupsURL
	env.Config = cfg
	opts2 := append([]simkit.Option{
		simkit.WithRetry(cfg.Retry),
		// The fakes do not rate-limit unless configured to; pacing would
		// only slow tests down.
		simkit.WithLimiter(option.NoLimit),
		simkit.WithPartner(env.PartnerOptions),
		simkit.WithSMS(env.SMSOptions),
		simkit.WithESIMStory(env.ESIMStoryOptions),
		simkit.WithTopups(env.TopupsOptions),
	}, cfg.ClientOptions...)
	if cfg.Now != nil {
		opts2 = append([]simkit.Option{simkit.WithClock(cfg.Now)}, opts2...)
	}
	if cfg.Transport != nil {
		opts2 = append([]simkit.Option{simkit.WithTransport(cfg.Transport)}, opts2...)
	}
	c, err := simkit.New(opts2...)
	if err != nil {
		env.Close()
		return nil, err
	}
	env.Client = c
	return env, nil
}

// serve runs h on a new loopback listener and returns its base URL. With
// cfg.TLS it serves HTTPS (and HTTP/2 with cfg.HTTP2) and sets
// cfg.Transport to a transport that trusts the certificate.
func (e *Env) serve(cfg *Config, h http.Handler) (string, error) {
	if cfg.TLS {
		ts := httptest.NewUnstartedServer(h)
		ts.EnableHTTP2 = cfg.HTTP2
		ts.StartTLS()
		e.tlsServers = append(e.tlsServers, ts)
		if cfg.Transport == nil {
			rt := ts.Client().Transport.(*http.Transport).Clone()
			rt.ForceAttemptHTTP2 = cfg.HTTP2
			cfg.Transport = rt
		}
		return ts.URL, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("simkittest: cannot listen on loopback: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	e.servers = append(e.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Close stops pending webhooks and deliveries and shuts the fakes down. It
// is safe to call more than once.
func (e *Env) Close() {
	for _, f := range []any{e.Partner, e.SMS, e.ESIMStory, e.Topups} {
		if c, ok := f.(interface{ Close() }); ok {
			c.Close()
		}
	}
	for _, s := range e.servers {
		_ = s.Close()
	}
	for _, s := range e.tlsServers {
		s.Close()
	}
}

// PartnerOptions points a partner client at the fake; pass it to
// partner.New or simkit.WithPartner.
func (e *Env) PartnerOptions(o *partner.Options) {
	o.BaseURL = e.Config.PartnerURL
	if e.Config.Transport != nil {
		o.Transport = e.Config.Transport
	}
	o.Token = signing.NewSecret(e.Config.PartnerToken)
	o.Secret = signing.NewSecret(e.Config.PartnerSecret)
}

// SMSOptions points an SMS numbers client at the fake. It also sets the
// Env's fast retry policy as the client's own: the SMS client holds a
// fleet-wide policy to ban-safe waits of 2 s, which the fake does not need.
func (e *Env) SMSOptions(o *smsnumbers.Options) {
	o.BaseURL = e.Config.SMSURL
	o.Retry = e.Config.Retry
	if e.Config.Transport != nil {
		o.Transport = e.Config.Transport
	}
	o.Token = signing.NewSecret(e.Config.SMSToken)
}

// ESIMStoryOptions points an eSIM Story client at the fake.
func (e *Env) ESIMStoryOptions(o *esimstory.Options) {
	o.BaseURL = e.Config.ESIMStoryURL
	if e.Config.Transport != nil {
		o.Transport = e.Config.Transport
	}
	o.AccessKey = signing.NewSecret(e.Config.ESIMStoryAccessKey)
	o.SecretKey = signing.NewSecret(e.Config.ESIMStorySecretKey)
}

// TopupsOptions points a top-ups client (and its renewal calls) at the fake.
func (e *Env) TopupsOptions(o *topups.Options) {
	o.BaseURL = e.Config.TopupsURL
	if e.Config.Transport != nil {
		o.Transport = e.Config.Transport
	}
	o.ClientID = e.Config.TopupsClientID
	o.ClientSecret = signing.NewSecret(e.Config.TopupsClientSecret)
	o.RenewalBaseURL = e.Config.RenewalURL
	o.RenewalKey = signing.NewSecret(e.Config.RenewalKey)
}
