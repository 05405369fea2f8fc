package simkittest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ServerConfig says where a Server listens and what its fakes start with.
type ServerConfig struct {
	// Listen addresses ("host:port") of each fake and of the admin API.
	// Empty means Host with a free port.
	PartnerAddr, SMSAddr, ESIMStoryAddr, TopupsAddr, AdminAddr string
	// Host is the default listen host; default 127.0.0.1 (loopback only).
	Host string
	// PublicHost is the host written into URLs (Env, Info) when it differs
	// from the listen host, e.g. a container name when listening on 0.0.0.0.
	// Default: the listen host, or 127.0.0.1 for an unspecified one.
	PublicHost string
	// Fakes configures the fakes and the credentials they accept, as for
	// Start. Its URL fields and Now are ignored: the Server fills the URLs
	// and gives each fake its own Clock.
	Fakes Config
	// Wall is the time source under the fakes' clocks; nil means time.Now.
	Wall func() time.Time
	// TLS serves every port (the admin API too) over HTTPS with a
	// certificate made at start; HTTP2 also offers HTTP/2 on it (and
	// implies TLS). CertFile, when set, is where the certificate's PEM is
	// written for clients to trust (the key is never written).
	TLS, HTTP2 bool
	CertFile   string
	// AdminToken, when set, is required as "Authorization: Bearer <token>"
	// on every admin call. An AdminAddr off loopback always requires one:
	// without AdminToken the server makes a random one (see AdminToken).
	// An empty AdminAddr listens on 127.0.0.1 whatever Host says, so the
	// admin API (which reads credentials and moves webhooks) is never
	// exposed by accident.
	AdminToken string
}

// Server runs the four fakes on network ports for programs in any
// language, plus an admin API (see AdminHandler) to inject faults, trigger
// webhooks, deliver SMS, move the fake clocks and reset state. Unlike Env
// it builds no Go client; Env tells a program where everything is.
type Server struct {
	// Faults injects failures (and chaos) into every fake's routes; Reset
	// clears it.
	Faults *Faults
	// Journal records every request the fakes served.
	Journal *Journal
	// Clocks are the fakes' clocks by provider name (ProviderPartner, ...).
	// Each fake has its own, so moving one provider's time (to expire SMS
	// orders) does not put another's signature window out of reach.
	Clocks map[string]*Clock

	cfg        Config
	urls       map[string]string
	admin      string
	adminToken string
	certPEM    []byte
	certFile   string
	fakes      atomic.Pointer[fakeSet]
	reqID      atomic.Uint64
	mu         sync.Mutex // serializes Reset and Shutdown
	servers    []*http.Server
	lns        []net.Listener
}

// fakeSet is one generation of fakes; Reset swaps in a new one.
type fakeSet struct {
	partner   *PartnerFake
	sms       *SMSFake
	esimstory *ESIMStoryFake
	topups    *TopupsFake
}

func (s *fakeSet) close() {
	s.partner.Close()
	s.esimstory.Close()
}

// NewServer binds every listener and starts serving; call Shutdown when
// done. An address that cannot be bound is an error naming the fake.
func NewServer(sc ServerConfig) (*Server, error) {
	s := &Server{Faults: &Faults{}, Journal: &Journal{}, Clocks: map[string]*Clock{}, urls: map[string]string{}}
	for _, p := range []string{ProviderPartner, ProviderSMS, ProviderESIMStory, ProviderTopups} {
		s.Clocks[p] = NewClock(sc.Wall)
	}
	s.cfg = fillCredentials(sc.Fakes)
	s.cfg.Partner.Now = s.Clocks[ProviderPartner].Now
	s.cfg.SMS.Now = s.Clocks[ProviderSMS].Now
	s.cfg.ESIMStory.Now = s.Clocks[ProviderESIMStory].Now
	s.cfg.Topups.Now = s.Clocks[ProviderTopups].Now
	s.cfg.Partner.After = s.Clocks[ProviderPartner].After
	s.cfg.ESIMStory.After = s.Clocks[ProviderESIMStory].After
	s.fakes.Store(s.newFakes())

	host := sc.Host
	if host == "" {
		host = "127.0.0.1"
	}
	or := func(addr string) string {
		if addr == "" {
			return net.JoinHostPort(host, "0")
		}
		return addr
	}
	adminAddr := sc.AdminAddr
	if adminAddr == "" {
		adminAddr = "127.0.0.1:0"
	}
	s.adminToken = sc.AdminToken
	if s.adminToken == "" && !loopbackAddr(adminAddr) {
		s.adminToken = randomToken()
	}
	scheme := "http://"
	var tlsCfg *tls.Config
	if sc.TLS || sc.HTTP2 {
		cert, certPEM, err := serverCert(host, sc.PublicHost)
		if err != nil {
			return nil, fmt.Errorf("simkittest: cannot make a TLS certificate: %w", err)
		}
		if sc.CertFile != "" {
			if err := writeCert(sc.CertFile, certPEM); err != nil {
				return nil, err
			}
		}
		s.certPEM, s.certFile, scheme = certPEM, sc.CertFile, "https://"
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	for _, l := range []struct {
		name, addr, prefix string
		h                  http.Handler
	}{
		{ProviderPartner, or(sc.PartnerAddr), PartnerPrefix, s.provider(ProviderPartner, PartnerPrefix, func(f *fakeSet) http.Handler { return f.partner })},
		{ProviderSMS, or(sc.SMSAddr), "", s.provider(ProviderSMS, "", func(f *fakeSet) http.Handler { return f.sms })},
		{ProviderESIMStory, or(sc.ESIMStoryAddr), ESIMStoryPrefix, s.provider(ProviderESIMStory, ESIMStoryPrefix, func(f *fakeSet) http.Handler { return f.esimstory })},
		{ProviderTopups, or(sc.TopupsAddr), "", s.provider(ProviderTopups, "", func(f *fakeSet) http.Handler { return f.topups })},
		{"admin", adminAddr, "", AdminHandler(s)},
	} {
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			_ = s.Shutdown(context.Background())
			return nil, fmt.Errorf("simkittest: %s fake cannot listen on %s: %w", l.name, l.addr, err)
		}
		srv := &http.Server{Handler: l.h, ReadHeaderTimeout: 10 * time.Second}
		if tlsCfg != nil {
			srv.TLSConfig = tlsCfg.Clone()
			if !sc.HTTP2 {
				// A non-nil empty map turns off the HTTP/2 that
				// ServeTLS would otherwise offer.
				srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
			}
		}
		s.lns = append(s.lns, ln)
		s.servers = append(s.servers, srv)
		base := scheme + publicAddr(ln.Addr().String(), sc.PublicHost)
		if l.name == "admin" {
			s.admin = base
		} else {
			s.urls[l.name] = base + l.prefix
		}
	}
	// Serve only once every URL is known: the admin API reports them.
	for i, srv := range s.servers {
		if tlsCfg != nil {
			go func() { _ = srv.ServeTLS(s.lns[i], "", "") }()
		} else {
			go func() { _ = srv.Serve(s.lns[i]) }()
		}
	}
	return s, nil
}

// fillCredentials gives cfg the default fake credentials where unset and
// copies them into the per-fake configs, as Start does.
func fillCredentials(cfg Config) Config {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&cfg.PartnerToken, FakePartnerToken)
	def(&cfg.PartnerSecret, FakePartnerSecret)
	def(&cfg.SMSToken, FakeSMSToken)
	def(&cfg.ESIMStoryAccessKey, FakeESIMStoryAccessKey)
	def(&cfg.ESIMStorySecretKey, FakeESIMStorySecretKey)
	def(&cfg.TopupsClientID, FakeTopupsClientID)
	def(&cfg.TopupsClientSecret, FakeTopupsClientSecret)
	def(&cfg.RenewalKey, FakeRenewalKey)
	cfg.Partner.Token, cfg.Partner.Secret = cfg.PartnerToken, cfg.PartnerSecret
	cfg.SMS.Token = cfg.SMSToken
	cfg.ESIMStory.AccessKey, cfg.ESIMStory.SecretKey = cfg.ESIMStoryAccessKey, cfg.ESIMStorySecretKey
	cfg.Topups.ClientID, cfg.Topups.ClientSecret, cfg.Topups.RenewalKey = cfg.TopupsClientID, cfg.TopupsClientSecret, cfg.RenewalKey
	return cfg
}

// publicAddr replaces an unspecified listen host (0.0.0.0, ::) or any host
// when public is set, so printed URLs are ones a client can dial.
func publicAddr(addr, public string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if public != "" {
		host = public
	} else if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func (s *Server) newFakes() *fakeSet {
	return &fakeSet{
		partner:   NewPartnerFake(s.cfg.Partner),
		sms:       NewSMSFake(s.cfg.SMS),
		esimstory: NewESIMStoryFake(s.cfg.ESIMStory),
		topups:    NewTopupsFake(s.cfg.Topups),
	}
}

// provider serves the current generation's fake for name behind the
// front: request ids, faults, chaos and the journal.
func (s *Server) provider(name, prefix string, pick func(*fakeSet) http.Handler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pick(s.fakes.Load()).ServeHTTP(w, r)
	})
	return newFront(name, prefix, s.Faults, s.Journal, s.Clocks[name].Now, &s.reqID, inner)
}

// loopbackAddr reports whether a listen address stays on this machine.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// randomToken returns 128 random bits as hex, for an admin token.
func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// AdminToken returns the token the admin API requires ("" when it
// requires none: it listens on loopback and none was given).
func (s *Server) AdminToken() string { return s.adminToken }

// CertPEM returns the TLS certificate the server presents, PEM-encoded,
// or nil without TLS.
func (s *Server) CertPEM() []byte { return s.certPEM }

// Transport returns an HTTP transport that trusts the server's
// certificate (and speaks HTTP/2 when the server offers it), for Go
// clients of a TLS server; without TLS it is a plain transport.
func (s *Server) Transport() *http.Transport {
	rt := http.DefaultTransport.(*http.Transport).Clone()
	if s.certPEM != nil {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(s.certPEM)
		rt.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return rt
}

// URL returns the base URL of the fake for provider (ProviderPartner, ...),
// as a client's BaseURL; "" for an unknown provider.
func (s *Server) URL(provider string) string { return s.urls[provider] }

// AdminURL returns the admin API's base URL.
func (s *Server) AdminURL() string { return s.admin }

// Env returns the SIMKIT_* variables (as read by simkit.FromEnv) that point
// a client at the fakes, in a stable order: SIMKIT_FAKES_CA_FILE (the
// certificate to trust) with TLS, and SIMKIT_FAKES_ADMIN_URL last. The
// credentials are the fakes' own, never real secrets; the admin token is
// not among them.
func (s *Server) Env() [][2]string {
	c := s.cfg
	env := [][2]string{
		{"SIMKIT_PARTNER_BASE_URL", s.urls[ProviderPartner]},
		{"SIMKIT_PARTNER_TOKEN", c.PartnerToken},
		{"SIMKIT_PARTNER_SECRET", c.PartnerSecret},
		{"SIMKIT_SMS_BASE_URL", s.urls[ProviderSMS]},
		{"SIMKIT_SMS_TOKEN", c.SMSToken},
		{"SIMKIT_ESIMSTORY_BASE_URL", s.urls[ProviderESIMStory]},
		{"SIMKIT_ESIMSTORY_ACCESS_KEY", c.ESIMStoryAccessKey},
		{"SIMKIT_ESIMSTORY_SECRET_KEY", c.ESIMStorySecretKey},
		{"SIMKIT_TOPUPS_BASE_URL", s.urls[ProviderTopups]},
		{"SIMKIT_TOPUPS_CLIENT_ID", c.TopupsClientID},
		{"SIMKIT_TOPUPS_CLIENT_SECRET", c.TopupsClientSecret},
		{"SIMKIT_RENEWAL_BASE_URL", s.urls[ProviderTopups]},
		{"SIMKIT_RENEWAL_KEY", c.RenewalKey},
	}
	// The admin URL comes last: scripts read the lines up to it.
	if s.certFile != "" {
		env = append(env, [2]string{"SIMKIT_FAKES_CA_FILE", s.certFile})
	}
	return append(env, [2]string{"SIMKIT_FAKES_ADMIN_URL", s.admin})
}

// Partner returns the current Partner fake (a new one after Reset).
func (s *Server) Partner() *PartnerFake { return s.fakes.Load().partner }

// SMS returns the current SMS numbers fake.
func (s *Server) SMS() *SMSFake { return s.fakes.Load().sms }

// ESIMStory returns the current eSIM Story fake.
func (s *Server) ESIMStory() *ESIMStoryFake { return s.fakes.Load().esimstory }

// Topups returns the current top-ups fake.
func (s *Server) Topups() *TopupsFake { return s.fakes.Load().topups }

// Reset replaces every fake with a fresh one built from the starting
// configuration (balances, catalogs, orders, tokens and webhook targets as
// at start) and clears the faults. The clocks keep their time: clients may
// hold timestamps and token lifetimes from them.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.fakes.Swap(s.newFakes())
	s.Faults.Clear()
	old.close()
}

// Shutdown stops accepting requests, waits for those in flight (until ctx
// ends) and stops pending webhooks.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, srv := range s.servers {
		if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	for _, ln := range s.lns {
		_ = ln.Close()
	}
	if f := s.fakes.Load(); f != nil {
		f.close()
	}
	return errors.Join(errs...)
}
