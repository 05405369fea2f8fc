// Package transport is the one HTTP pipeline every simkit provider uses:
// resty underneath, our own attempt loop on top (so signing happens per
// attempt, waits go through an injectable sleeper and the retry policy is a
// replaceable value), a blocking rate limiter, capped bodies, no redirects,
// slog logging and one error type.
package transport

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/store"
)

// Version is simkit's release, sent in the User-Agent.
const Version = "0.1.0"

const (
	defaultTimeout   = 30 * time.Second
	defaultMaxBody   = 8 << 20
	defaultRequestID = "X-Request-Id"
)

// Config describes one provider's pipeline.
type Config struct {
	// Provider names the provider in errors and logs ("partner", ...).
	Provider string
	// BaseURL is prefixed to every request path; no trailing slash needed.
	BaseURL string
	// Shared are the user's common settings.
	Shared option.Shared
	// DefaultLimiter paces requests when Shared.Limiter is nil.
	DefaultLimiter store.Limiter
	// Header is sent on every request (fixed auth). Accept defaults to
	// application/json, which every provider answers in. Per-attempt auth
	// that changes (signatures, refreshed tokens) goes in Request.Sign
	// instead.
	Header http.Header
	// DecodeError reads a non-2xx answer into the provider's message, code
	// and kind. Fields it leaves empty are filled from the status and headers.
	// Nil uses the status alone.
	DecodeError func(resp *Response) *apierror.Error
	// Sign signs every attempt of every request that has no Sign of its
	// own, with that attempt's clock reading (a signature that covers a
	// timestamp is made afresh for a retry). Nil sends requests unsigned.
	Sign func(method, path string, h http.Header, now time.Time) error
	// Unwrap reads a 2xx answer the provider's way into out (which may be
	// nil): it unwraps the provider's envelope and turns a refusal sent
	// with a 2xx status into an error. Fields the error leaves empty are
	// filled as for DecodeError. Nil decodes a non-empty body as JSON into
	// a non-nil out.
	Unwrap func(resp *Response, out any) *apierror.Error
	// RequestIDHeader names the provider's request id header; default
	// X-Request-Id. Shared.RequestIDHeader, set by the user, wins.
	RequestIDHeader string
	// DefaultRetry is the provider's own schedule, used when neither
	// Shared.Retry nor Shared.DefaultRetry is set; zero means retry.Default().
	DefaultRetry retry.Policy
	// LimitRetry applies the provider's safety limits to a policy that came
	// from Shared.DefaultRetry (set for every provider at once). Nil keeps
	// it as given.
	LimitRetry func(retry.Policy) retry.Policy
}

// Configure is every provider's New prologue: it applies fns to a fresh
// options value and fills the defaults of its embedded Shared (shared
// points at it) that the pieces of one client must share.
func Configure[O any, F ~func(*O)](fns []F, shared func(*O) *option.Shared) *O {
	o := new(O)
	for _, fn := range fns {
		fn(o)
	}
	sh := shared(o)
	*sh = SharedDefaults(*sh)
	return o
}

// SharedDefaults returns a copy of s with the defaults that must be shared
// between the pieces of one client filled in (the store and the clock, so
// the default store expires keys on the client's clock); New fills the
// rest.
func SharedDefaults(s option.Shared) option.Shared {
	if s.Store == nil {
		now := s.Now
		s.Store = store.NewMemory(func(o *store.MemoryOptions) { o.Now = now })
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	return s
}

// Client sends requests for one provider. It is safe for concurrent use.
type Client struct {
	provider string
	baseURL  string
	r        *resty.Client
	header   http.Header
	policy   retry.Policy
	timeout  time.Duration
	maxBody  int
	log      *slog.Logger
	now      func() time.Time
	decode   func(resp *Response) *apierror.Error
	unwrap   func(resp *Response, out any) *apierror.Error
	sign     func(method, path string, h http.Header, now time.Time) error
	reqIDHdr string
	obs      observe.Observer // nil: no hooks run
	host     string           // base URL's host and port, for the observer
	port     int
	limited  bool // a limiter paces attempts and reports its waits
}

// New builds the pipeline. It never creates its own cookie jar or default
// resty transport: requests go through Shared.HTTPClient or Shared.Transport
// (or a fresh tuned transport when neither is given).
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, &apierror.Error{Provider: cfg.Provider, Message: "base URL is required", Kind: apierror.ErrNotConfigured}
	}
	if !strings.HasPrefix(cfg.BaseURL, "http://") && !strings.HasPrefix(cfg.BaseURL, "https://") {
		return nil, &apierror.Error{Provider: cfg.Provider, Message: "base URL must start with http:// or https://", Kind: apierror.ErrValidation}
	}
	sh := cfg.Shared
	hc := &http.Client{}
	if sh.HTTPClient != nil {
		c := *sh.HTTPClient
		hc = &c
	}
	base := hc.Transport
	if base == nil {
		base = sh.Transport
	}
	if base == nil {
		base = NewHTTPTransport()
	}
	base = &onceTransport{base: base}
	limiter := sh.Limiter
	if limiter == nil {
		limiter = cfg.DefaultLimiter
	}
	limited := limiter != nil && limiter != option.NoLimit
	if limited {
		base = &limitedTransport{base: base, limiter: limiter, obs: sh.Observer, provider: cfg.Provider}
	}
	// Middleware runs above the limiter, so whatever it passes on is
	// paced, and below resty, so it sees each attempt's final headers.
	base = &middlewareTransport{base: base, mws: append([]option.Middleware(nil), sh.Middleware...)}
	hc.Transport = base
	hc.Jar = nil
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc.Timeout = 0 // per-attempt deadlines come from the context

	logger := logx.Or(sh.Logger).With(slog.String("provider", cfg.Provider))

	maxBody := sh.MaxResponseBytes
	if maxBody <= 0 {
		maxBody = defaultMaxBody
	}
	r := resty.NewWithClient(hc).
		SetLogger(restyLogger{logger}).
		SetDisableWarn(true).
		SetRetryCount(0) // our own loop retries; readBody enforces maxBody

	header := make(http.Header, len(cfg.Header)+1)
	for k, v := range cfg.Header {
		header[k] = append([]string(nil), v...)
	}
	ua := "simkit-go/" + Version
	if sh.UserAgent != "" {
		ua += " " + sh.UserAgent
	}
	header.Set("User-Agent", ua)
	if header.Get("Accept") == "" {
		header.Set("Accept", "application/json")
	}
	r.Header = header // resty merges these into every request; per-call headers win

	policy := resolvePolicy(sh, cfg)
	timeout := sh.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	now := sh.Now
	if now == nil {
		now = time.Now
	}
	reqID := sh.RequestIDHeader
	if reqID == "" {
		reqID = cfg.RequestIDHeader
	}
	if reqID == "" {
		reqID = defaultRequestID
	}
	reqID = http.CanonicalHeaderKey(reqID) // looked up as is in every answer
	host, port := hostPort(cfg.BaseURL)
	return &Client{
		host:     host,
		port:     port,
		limited:  limited && sh.Observer != nil,
		provider: cfg.Provider,
		baseURL:  strings.TrimRight(cfg.BaseURL, "/"),
		r:        r,
		header:   header,
		policy:   policy,
		timeout:  timeout,
		maxBody:  maxBody,
		log:      logger,
		now:      now,
		decode:   cfg.DecodeError,
		unwrap:   cfg.Unwrap,
		sign:     cfg.Sign,
		reqIDHdr: reqID,
		obs:      sh.Observer,
	}, nil
}

// Now returns the client's clock reading.
func (c *Client) Now() time.Time { return c.now() }

// Logger returns the client's logger, already tagged with the provider.
func (c *Client) Logger() *slog.Logger { return c.log }

// Observer returns the observer the client reports to, nil when none is
// set. Provider code reporting its own events (webhooks, waits, caches)
// tests it for nil before building an event, so an unobserved client does
// no extra work.
func (c *Client) Observer() observe.Observer { return c.obs }

// NewHTTPTransport returns the tuned connection pool simkit uses when the
// caller supplies none: HTTP/2 where offered, keep-alives, bounded idle pool.
func NewHTTPTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 90 * time.Second
	t.ResponseHeaderTimeout = 0
	return t
}

// hostPort splits a base URL's host and port, the port defaulting from the
// scheme.
func hostPort(base string) (string, int) {
	u, err := url.Parse(base)
	if err != nil {
		return "", 0
	}
	port, _ := strconv.Atoi(u.Port())
	if port == 0 {
		port = 80
		if u.Scheme == "https" {
			port = 443
		}
	}
	return u.Hostname(), port
}

// resolvePolicy picks the client's retry policy, merging field by field
// (a zero field inherits): the provider's own Retry over the fleet-wide
// DefaultRetry, held to the provider's safety limits, over the provider's
// schedule over retry.Default. A policy that sets only Sleep keeps every
// default with that sleeper.
func resolvePolicy(sh option.Shared, cfg Config) retry.Policy {
	def := cfg.DefaultRetry.Or(retry.Default())
	if !sh.DefaultRetry.IsZero() {
		def = sh.DefaultRetry.Or(def)
		if cfg.LimitRetry != nil {
			def = cfg.LimitRetry(def)
		}
	}
	return sh.Retry.Or(def)
}
