package simkit

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
	"github.com/simkit/simkit/topups"
)

// Options configures a Client: shared settings that every provider
// inherits, and one list of option functions per provider. A provider whose
// list is empty is not configured.
type Options struct {
	// Shared applies to every provider before its own options run, so a
	// provider's functions can still override any of it.
	option.Shared
	// Partner configures the partner client (WithPartner appends here).
	Partner []func(*partner.Options)
	// SMS configures the SMS numbers client (WithSMS).
	SMS []func(*smsnumbers.Options)
	// ESIMStory configures the eSIM Story client (WithESIMStory).
	ESIMStory []func(*esimstory.Options)
	// Topups configures the top-ups client (WithTopups).
	Topups []func(*topups.Options)
}

// Option changes Options; pass any number to New.
type Option func(*Options)

// WithPartner configures the Partner S2S API client.
func WithPartner(fns ...func(*partner.Options)) Option {
	return func(o *Options) { o.Partner = append(o.Partner, fns...) }
}

// WithSMS configures the SMS numbers API client.
func WithSMS(fns ...func(*smsnumbers.Options)) Option {
	return func(o *Options) { o.SMS = append(o.SMS, fns...) }
}

// WithESIMStory configures the eSIM Story API client.
func WithESIMStory(fns ...func(*esimstory.Options)) Option {
	return func(o *Options) { o.ESIMStory = append(o.ESIMStory, fns...) }
}

// WithTopups configures the top-up and renewal API client.
func WithTopups(fns ...func(*topups.Options)) Option {
	return func(o *Options) { o.Topups = append(o.Topups, fns...) }
}

// WithHTTPClient sends every provider's requests through hc (copied; its
// Transport is wrapped by simkit's rate limiter).
func WithHTTPClient(hc *http.Client) Option {
	return func(o *Options) { o.HTTPClient = hc }
}

// WithTransport shares rt as every provider's connection pool.
func WithTransport(rt http.RoundTripper) Option {
	return func(o *Options) { o.Transport = rt }
}

// WithTimeout bounds each attempt of every call.
func WithTimeout(d time.Duration) Option {
	return func(o *Options) { o.Timeout = d }
}

// WithRetry sets the retry policy of every provider, merged field by field
// over each provider's schedule: a zero field inherits, so
// WithRetry(retry.Policy{Sleep: f}) keeps every default and waits through
// f (tests wait zero real time that way). A provider keeps its
// own safety limits under it (the SMS client retries a rate-limited call at
// most once, since that provider bans keys that keep hitting its limit); to
// override one provider's policy as given, set Retry in its options.
func WithRetry(p retry.Policy) Option {
	return func(o *Options) { o.DefaultRetry = p }
}

// WithLimiter paces every provider's requests through one limiter. Prefer
// the per-provider settings: providers' limits are independent.
func WithLimiter(l store.Limiter) Option {
	return func(o *Options) { o.Limiter = l }
}

// WithLogger sends simkit's logs to l.
func WithLogger(l *slog.Logger) Option {
	return func(o *Options) { o.Logger = l }
}

// WithUserAgent appends suffix to simkit's User-Agent.
func WithUserAgent(suffix string) Option {
	return func(o *Options) { o.UserAgent = suffix }
}

// WithClock replaces time.Now for signatures, caches and tolerances.
func WithClock(now func() time.Time) Option {
	return func(o *Options) { o.Now = now }
}

// WithStore keeps simkit's state (dedupe keys, caches, gates, tokens) in st,
// for example a Redis store shared by replicas.
func WithStore(st store.Store) Option {
	return func(o *Options) { o.Store = st }
}

// WithObserver sends every provider's events (calls, attempts, limiter
// waits, cache hits, webhook deliveries, wait progress) to obs, e.g.
// contrib/otel's tracing and metrics observer. A provider's own
// Shared.Observer, set in its options, overrides it for that provider.
func WithObserver(obs observe.Observer) Option {
	return func(o *Options) { o.Observer = obs }
}
