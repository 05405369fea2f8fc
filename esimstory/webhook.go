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
	"github.com/simkit/simkit/internal/webhook"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// DefaultDedupePrefix namespaces the webhook dedupe keys in a shared store.
// The Store adds its own namespace (redisstore.Options.Prefix).
const DefaultDedupePrefix = "esimstory:webhook:"

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

// WebhookHandler serves eSIM Story's delivery webhook; build it with
// NewWebhookHandler or Client.WebhookHandler. Its Shutdown (or Close)
// stops the work it keeps doing after answering a delivery (a tracker
// record or dedupe mark retried until the Store is back): call it after
// http.Server.Shutdown.
type WebhookHandler struct {
	pl      *webhook.Pipeline[*Delivery]
	fn      func(context.Context, *Delivery) error
	tracker *Tracker
	log     *slog.Logger
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.pl.ServeHTTP(w, r) }

// Shutdown lets the handler's follow-up work finish and starts no more;
// when ctx ends first it stops that work and returns ctx's error. No
// goroutine of the handler runs after it returns. Deliveries served after
// Shutdown are still answered; a record they fail to write is logged, not
// retried.
func (h *WebhookHandler) Shutdown(ctx context.Context) error { return h.pl.Later.Shutdown(ctx) }

// Close stops the handler's follow-up work at once and waits for it.
func (h *WebhookHandler) Close() error {
	h.pl.Later.Close()
	return nil
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
func NewWebhookHandler(fn func(ctx context.Context, d *Delivery) error, opts ...func(*WebhookOptions)) (*WebhookHandler, error) {
	o := WebhookOptions{}
	for _, f := range opts {
		f(&o)
	}
	if fn == nil {
		return nil, apierror.Validation(Provider, opNewWebhookHandler, "a delivery function is required")
	}
	if o.Auth == nil {
		return nil, apierror.Validation(Provider, opNewWebhookHandler, "webhook authentication is required: set WebhookOptions.Auth (TokenInURL, BasicAuth, AuthFunc) or apply InsecureNoAuth")
	}
	if c, ok := o.Auth.(configChecker); ok {
		if msg := c.configError(); msg != "" {
			return nil, apierror.Validation(Provider, opNewWebhookHandler, "%s", msg)
		}
	}
	s := webhook.Settings{Store: o.Store, Now: o.Now, MaxBody: o.MaxBody, Logger: o.Logger, Observer: o.Observer, Inbox: o.Inbox,
		DedupePrefix: o.DedupePrefix, DedupeTTL: o.DedupeTTL, Lease: o.Lease, Deadline: o.Deadline}
	s.Fill(webhook.Defaults{DedupePrefix: DefaultDedupePrefix, DedupeTTL: DefaultWebhookDedupeTTL,
		Lease: DefaultWebhookLease, Deadline: DefaultWebhookDeadline})
	h := &WebhookHandler{fn: fn, tracker: o.Tracker, log: s.Logger.With(slog.String("provider", Provider))}
	p := webhook.Provider[*Delivery]{
		Name:         Provider,
		Authenticate: o.Auth.Authenticate,
		Decode:       decodeDelivery,
		ID:           func(d *Delivery) string { return d.TopupID },
		Stored: func(b []byte) (*Delivery, error) {
			var d Delivery
			return &d, jsonx.Unmarshal(b, &d)
		},
		Run: h.run,
	}
	if o.Tracker != nil && o.Tracker.opts.RejectUnknown {
		p.Admit = h.admit
	}
	pl, err := webhook.NewPipeline(p, s)
	if err != nil {
		return nil, apierror.Validation(Provider, opNewWebhookHandler, "%s", err.Error())
	}
	h.pl = pl
	return h, nil
}

// opNewWebhookHandler labels the constructor's validation errors.
const opNewWebhookHandler = "webhook handler"

// WebhookHandler is NewWebhookHandler with the client's Store, clock,
// logger, observer and Tracker; opts may override them (and must set Auth). A nil or
// unconfigured client returns an error matching simkit.ErrNotConfigured.
func (c *Client) WebhookHandler(fn func(ctx context.Context, d *Delivery) error, opts ...func(*WebhookOptions)) (*WebhookHandler, error) {
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

// decodeDelivery is the eSIM Story part of the pipeline: the body must be
// JSON with a topup_id (the provider documents no signature; the request
// was authenticated before).
func decodeDelivery(_ *http.Request, body []byte) (*Delivery, *webhook.Refusal) {
	var d Delivery
	if err := jsonx.Unmarshal(body, &d); err != nil {
		return nil, &webhook.Refusal{Status: http.StatusBadRequest, Reason: observe.ReasonMalformed, Message: "malformed JSON"}
	}
	if d.TopupID == "" {
		return nil, &webhook.Refusal{Status: http.StatusBadRequest, Reason: observe.ReasonMalformed, Message: "topup_id is missing"}
	}
	return &d, nil
}

// admit refuses, with RejectUnknown, a delivery for a topup_id no tracked
// order expects.
func (h *WebhookHandler) admit(ctx context.Context, d *Delivery) (*webhook.Refusal, error) {
	known, err := h.tracker.Known(ctx, d)
	if err != nil || known {
		return nil, err
	}
	return &webhook.Refusal{Status: http.StatusNotFound, Reason: observe.ReasonUnknown, Message: "unknown topup_id", Log: "unknown topup_id"}, nil
}

// recordLaterFor bounds how long a failed tracker record is retried.
const recordLaterFor = 10 * time.Minute

// run calls the user function and records the delivery in the tracker.
func (h *WebhookHandler) run(ctx context.Context, d *Delivery) error {
	if err := h.fn(ctx, d); err != nil {
		return err
	}
	if h.tracker != nil {
		if err := h.tracker.Record(ctx, d); err != nil {
			// fn has handled the delivery: failing it now would hand the
			// provider's retry to fn a second time. The record is written
			// once the store is back instead (Record is idempotent), by
			// work the handler owns (see Shutdown).
			h.log.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook tracker record failed; retrying in the background",
				slog.String("topup_id", d.TopupID), slog.String("error", err.Error()))
			h.pl.Later.Go(ctx, d.TopupID, recordLaterFor, func(ctx context.Context) error { return h.tracker.Record(ctx, d) })
		}
	}
	return nil
}
