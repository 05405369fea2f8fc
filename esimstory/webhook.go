package esimstory

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/internal/webhook"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// DefaultDedupePrefix namespaces the webhook dedupe keys in a shared store.
const DefaultDedupePrefix = "simkit:esimstory:webhook:"

// Authenticator decides whether a webhook request comes from eSIM Story.
// The provider documents no webhook signature, so the secret is one you
// put in the webhook URL you register with them.
type Authenticator interface {
	Authenticate(r *http.Request) bool
}

// AuthFunc adapts a function to Authenticator, for checks simkit does not
// ship (an IP allow-list behind a trusted proxy, an mTLS identity...).
type AuthFunc func(r *http.Request) bool

// Authenticate implements Authenticator.
func (f AuthFunc) Authenticate(r *http.Request) bool { return f(r) }

// configChecker is implemented by the built-in authenticators so that a
// handler is never built around an empty secret.
type configChecker interface{ configError() string }

type tokenAuth struct {
	param string
	token signing.Secret
}

// TokenInURL accepts requests whose query parameter param equals token:
// register https://you.example/hook?param=token with eSIM Story. Compared
// in constant time. Use a long random token and HTTPS.
func TokenInURL(param string, token signing.Secret) Authenticator {
	return tokenAuth{param: param, token: token}
}

func (a tokenAuth) Authenticate(r *http.Request) bool {
	return secretEqual(r.URL.Query().Get(a.param), a.token.Reveal())
}

func (a tokenAuth) configError() string {
	if a.param == "" || a.token.IsZero() {
		return "TokenInURL needs a parameter name and a non-empty token"
	}
	return ""
}

type basicAuth struct{ user, pass signing.Secret }

// BasicAuth accepts requests carrying HTTP Basic credentials user:pass
// (register https://user:pass@you.example/hook). Both parts are compared in
// constant time.
func BasicAuth(user, pass signing.Secret) Authenticator {
	return basicAuth{user: user, pass: pass}
}

func (a basicAuth) Authenticate(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	// Evaluate both comparisons so timing does not reveal which one failed.
	uok := secretEqual(u, a.user.Reveal())
	pok := secretEqual(p, a.pass.Reveal())
	return ok && uok && pok
}

func (a basicAuth) configError() string {
	if a.user.IsZero() || a.pass.IsZero() {
		return "BasicAuth needs a non-empty user and password"
	}
	return ""
}

type noAuth struct{}

func (noAuth) Authenticate(*http.Request) bool { return true }

// secretEqual compares hashes so that neither the content nor the length
// of the secret leaks through timing.
func secretEqual(got, want string) bool {
	g := sha256.Sum256([]byte(got))
	w := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1 && want != ""
}

// The provider documents no retry schedule and no deadline for its
// webhook. simkit assumes the common shape (a 10 s wait for the 200 and a
// first retry no sooner than 10 s later) and derives its defaults from that;
// set the WebhookOptions fields if eSIM Story tells you otherwise.
const (
	// DefaultWebhookDeadline is when the function's context ends: an
	// assumed 10 s provider wait minus 2 s to answer.
	DefaultWebhookDeadline = 8 * time.Second
	// DefaultWebhookLease is how long a delivery in progress stays claimed
	// without a renewal: half the assumed 10 s before a retry.
	DefaultWebhookLease = 5 * time.Second
	// DefaultWebhookDedupeTTL is how long a handled topup_id is remembered:
	// with no documented horizon, a week (one key per eSIM bought).
	DefaultWebhookDedupeTTL = 7 * 24 * time.Hour
)

// WebhookOptions configures the delivery webhook handler.
type WebhookOptions struct {
	// Auth authenticates each request; failures get 401. Required: building
	// a handler without it is an error unless InsecureNoAuth is applied.
	Auth Authenticator
	// Store holds dedupe keys and leases; share it between replicas (Redis)
	// so a delivery retried to another replica is still handed over once.
	// Default: the client's Store (Client.WebhookHandler), else a fresh
	// in-memory store.
	Store store.Store
	// Now is the clock leases are judged by. Default time.Now (the client's
	// clock for Client.WebhookHandler).
	Now func() time.Time
	// Tracker, when set, records each accepted delivery (so Tracker.Wait
	// sees it) and, with TrackerOptions.RejectUnknown, answers 404 to
	// deliveries for topup_ids it does not expect. Default: the client's
	// Options.Tracker for Client.WebhookHandler.
	Tracker *Tracker
	// MaxBody caps the request body; default 1 MiB. Larger bodies get 413.
	MaxBody int64
	// DedupePrefix namespaces dedupe keys; default DefaultDedupePrefix.
	DedupePrefix string
	// DedupeTTL is how long a handled topup_id is remembered; default
	// DefaultWebhookDedupeTTL.
	DedupeTTL time.Duration
	// Lease is how long a delivery in progress stays claimed without a
	// renewal (renewed every third of it while the function runs); keep it
	// shorter than the provider's first retry. Default DefaultWebhookLease.
	Lease time.Duration
	// Deadline is when the function's context ends, counted from the
	// request's arrival. Default DefaultWebhookDeadline.
	Deadline time.Duration
	// Inbox, when set, makes the handler persist each authenticated,
	// first-time delivery and answer 202 at once; the inbox's workers
	// (Inbox.Run) call the function, with retries and dead letters.
	Inbox *inbox.Inbox
	// Logger receives one line per refused or failed delivery; default none
	// (the client's logger for Client.WebhookHandler).
	Logger *slog.Logger
	// Observer receives each delivery's steps: accepted, handled, failed,
	// duplicate, or refused with its reason. Default: none (the client's
	// Observer for Client.WebhookHandler).
	Observer observe.Observer
}

// InsecureNoAuth lets a handler accept unauthenticated requests. Only for
// a handler that sits behind something else that authenticates (a gateway
// checking the token) or for local tests: anyone who learns the URL can
// otherwise hand you fake eSIMs.
func InsecureNoAuth() func(*WebhookOptions) {
	return func(o *WebhookOptions) { o.Auth = noAuth{} }
}

type webhookHandler struct {
	fn      func(context.Context, *Delivery) error
	opts    WebhookOptions
	dedupe  *webhook.Dedupe
	logger  *slog.Logger
	tracker *Tracker
}

// NewWebhookHandler returns the http.Handler for eSIM Story's delivery
// webhook (one POST per unit ordered). Per request it: authenticates (401
// on failure), reads at most MaxBody bytes (413 above), decodes the JSON
// (400 when malformed or without topup_id), checks the tracker when
// RejectUnknown is on (404 for a topup_id no order expects), dedupes on
// topup_id and calls fn once per topup_id, with a context that ends at
// Deadline. fn returning nil answers 200; an error answers 500 so eSIM
// Story may retry, and the retry is handed to fn again. A delivery already
// handled answers 200 without calling fn; one whose lease another replica
// holds right now answers 409. A delivery in progress holds a lease in the
// Store, renewed while fn runs, released when it fails, and gone on its own
// (after Lease) when the replica holding it dies. With an Inbox the
// delivery is persisted and answered 202 instead, and the inbox's workers
// call fn.
//
// It returns an error matching simkit.ErrValidation when fn is nil or no
// Authenticator is configured (apply InsecureNoAuth to opt out explicitly),
// or when opts.Inbox already has an eSIM Story handler.
func NewWebhookHandler(fn func(ctx context.Context, d *Delivery) error, opts ...func(*WebhookOptions)) (http.Handler, error) {
	const op = "NewWebhookHandler"
	o := WebhookOptions{}
	for _, f := range opts {
		f(&o)
	}
	if fn == nil {
		return nil, apierror.Validation(Provider, op, "a delivery function is required")
	}
	if o.Auth == nil {
		return nil, apierror.Validation(Provider, op, "webhook authentication is required: set WebhookOptions.Auth (TokenInURL, BasicAuth, AuthFunc) or apply InsecureNoAuth")
	}
	if c, ok := o.Auth.(configChecker); ok {
		if msg := c.configError(); msg != "" {
			return nil, apierror.Validation(Provider, op, "%s", msg)
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Store == nil {
		o.Store = store.NewMemory(func(m *store.MemoryOptions) { m.Now = o.Now })
	}
	if o.DedupePrefix == "" {
		o.DedupePrefix = DefaultDedupePrefix
	}
	if o.DedupeTTL <= 0 {
		o.DedupeTTL = DefaultWebhookDedupeTTL
	}
	if o.Lease <= 0 {
		o.Lease = DefaultWebhookLease
	}
	if o.Deadline <= 0 {
		o.Deadline = DefaultWebhookDeadline
	}
	// A level no record reaches: logging costs nothing when unset.
	logger := logx.Or(o.Logger)
	h := &webhookHandler{
		fn:      fn,
		opts:    o,
		dedupe:  &webhook.Dedupe{Store: o.Store, Prefix: o.DedupePrefix, Now: o.Now, Lease: o.Lease, Done: o.DedupeTTL},
		logger:  logger.With(slog.String("provider", Provider)),
		tracker: o.Tracker,
	}
	if o.Inbox != nil {
		decode := func(b []byte) (*Delivery, error) {
			var d Delivery
			return &d, jsonx.Unmarshal(b, &d)
		}
		if err := webhook.Register(o.Inbox, o.Observer, Provider, decode, nil, h.run); err != nil {
			return nil, apierror.Validation(Provider, op, "%s", err.Error())
		}
	}
	return h, nil
}

// WebhookHandler is NewWebhookHandler with the client's Store, clock,
// logger, observer and Tracker; opts may override them (and must set Auth). A nil or
// unconfigured client returns an error matching simkit.ErrNotConfigured.
func (c *Client) WebhookHandler(fn func(ctx context.Context, d *Delivery) error, opts ...func(*WebhookOptions)) (http.Handler, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	base := func(o *WebhookOptions) {
		o.Store = c.opts.Store
		o.Now = c.t.Now
		o.Logger = c.t.Logger()
		o.Tracker = c.opts.Tracker
		o.Observer = c.opts.Observer
	}
	return NewWebhookHandler(fn, append([]func(*WebhookOptions){base}, opts...)...)
}

// run calls the user function and records the delivery in the tracker.
func (h *webhookHandler) run(ctx context.Context, d *Delivery) error {
	if err := h.fn(ctx, d); err != nil {
		return err
	}
	if h.tracker != nil {
		if err := h.tracker.Record(ctx, d); err != nil {
			// fn has handled the delivery: failing it now would hand the
			// provider's retry to fn a second time. The record is written
			// once the store is back instead (Record is idempotent).
			h.logger.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook tracker record failed; retrying in the background",
				slog.String("topup_id", d.TopupID), slog.String("error", err.Error()))
			go h.recordLater(context.WithoutCancel(ctx), d, time.Sleep)
		}
	}
	return nil
}

// recordLaterFor bounds how long a failed tracker record is retried.
const recordLaterFor = 10 * time.Minute

// recordLater retries Tracker.Record with capped backoff until it succeeds
// or recordLaterFor has passed.
func (h *webhookHandler) recordLater(ctx context.Context, d *Delivery, sleep func(time.Duration)) {
	give := time.Now().Add(recordLaterFor)
	for delay := 20 * time.Millisecond; time.Now().Before(give); delay = min(2*delay, 2*time.Second) {
		sleep(delay)
		if h.tracker.Record(ctx, d) == nil {
			return
		}
	}
	h.logger.LogAttrs(ctx, slog.LevelError, "simkit: webhook tracker record gave up", slog.String("topup_id", d.TopupID))
}

// ServeHTTP implements http.Handler.
func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The deadline counts from the request's arrival, body read included.
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.Deadline)
	defer cancel()
	dl := observe.StartDelivery(h.opts.Observer, Provider)
	if !webhook.PostOnly(w, r) {
		dl.Refused(ctx, observe.ReasonMethod, http.StatusMethodNotAllowed)
		return
	}
	if !h.opts.Auth.Authenticate(r) {
		h.logger.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook refused: authentication failed")
		webhook.Reply(w, http.StatusUnauthorized, "unauthorized")
		dl.Refused(ctx, observe.ReasonAuth, http.StatusUnauthorized)
		return
	}
	body, ok := webhook.ReadOrReply(w, r, h.opts.MaxBody, dl)
	if !ok {
		return
	}
	var d Delivery
	if err := jsonx.Unmarshal(body, &d); err != nil {
		webhook.Reply(w, http.StatusBadRequest, "malformed JSON")
		dl.Refused(ctx, observe.ReasonMalformed, http.StatusBadRequest)
		return
	}
	if d.TopupID == "" {
		webhook.Reply(w, http.StatusBadRequest, "topup_id is missing")
		dl.Refused(ctx, observe.ReasonMalformed, http.StatusBadRequest)
		return
	}
	log := h.logger.With(slog.String("topup_id", d.TopupID))
	if h.tracker != nil && h.tracker.opts.RejectUnknown {
		known, err := h.tracker.Known(ctx, &d)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelError, "simkit: webhook tracker lookup failed", slog.String("error", err.Error()))
			webhook.Reply(w, http.StatusInternalServerError, "try again")
			dl.Failed(ctx, http.StatusInternalServerError, err)
			return
		}
		if !known {
			log.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook refused: unknown topup_id")
			webhook.Reply(w, http.StatusNotFound, "unknown topup_id")
			dl.Refused(ctx, observe.ReasonUnknown, http.StatusNotFound)
			return
		}
	}
	if h.opts.Inbox != nil {
		webhook.Enqueue(ctx, w, log, dl, h.opts.Inbox, Provider, d.TopupID, body)
		return
	}
	h.dedupe.Handle(ctx, w, log, dl, d.TopupID, h.opts.Deadline, func(ctx context.Context) error { return h.run(ctx, &d) })
}
