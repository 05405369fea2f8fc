package partner

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/internal/webhook"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// EventOrderStatusChanged is sent when an order reaches completed, failed or
// partially_completed.
const EventOrderStatusChanged = "order.status_changed"

// WebhookEvent is one verified, first-time webhook delivery.
type WebhookEvent struct {
	// Event is the event name, e.g. EventOrderStatusChanged.
	Event string
	// Timestamp is when the event occurred (the body's ISO 8601 field).
	Timestamp time.Time
	// IdempotencyKey identifies the delivery; retries repeat it.
	IdempotencyKey string
	// Order is data.order, decoded; nil for an event without one.
	Order *Order
	// Data is the raw data object, for events simkit does not model yet.
	Data json.RawMessage
}

// WebhookOptions tunes a webhook handler; zero fields take the defaults
// named on them.
type WebhookOptions struct {
	// Store keeps the dedupe keys; share one among replicas. Default: a
	// process-local memory store.
	Store store.Store
	// Now is the clock the X-Timestamp is checked against. Default time.Now.
	Now func() time.Time
	// Tolerance is how far X-Timestamp may lie from Now, both ways.
	// Default 5 minutes (the provider's documented window).
	Tolerance time.Duration
	// MaxBody caps the request body. Default 1 MiB.
	MaxBody int64
	// Logger receives one line per refused or failed delivery. Default:
	// discard.
	Logger *slog.Logger
	// DedupeTTL is how long a handled idempotency_key is remembered.
	// Default 7 days, far beyond the provider's 10 s / 100 s retries.
	DedupeTTL time.Duration
}

// webhookHandler serves Partner webhooks; see NewWebhookHandler.
type webhookHandler struct {
	signer *signing.Signer
	fn     func(context.Context, *WebhookEvent) error
	o      WebhookOptions
	dedupe *webhook.Dedupe
}

// NewWebhookHandler returns the http.Handler for Partner webhooks. For each
// POST it caps the body, checks X-Timestamp (within Tolerance, both ways)
// and X-Signature = HMAC(X-Timestamp + event + idempotency_key, secret)
// before trusting the body, drops deliveries already handled (by
// idempotency_key, through the Store), and calls fn once per delivery.
//
// Answers: 200 when fn succeeded or the delivery was already handled; 400
// for a body that is not the documented JSON; 401 for a missing, wrong or
// stale signature; 405 for other methods; 409 while the same delivery is
// being handled elsewhere; 413 for a body over MaxBody; 500 when fn fails
// (the key is released, so the provider's retry is handled again). The
// provider waits at most 10 s: keep fn short, or queue the work.
func NewWebhookHandler(secret signing.Secret, fn func(ctx context.Context, ev *WebhookEvent) error, opts ...func(*WebhookOptions)) http.Handler {
	var o WebhookOptions
	for _, f := range opts {
		f(&o)
	}
	if o.Store == nil {
		o.Store = store.NewMemory(func(m *store.MemoryOptions) { m.Now = o.Now })
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tolerance <= 0 {
		o.Tolerance = signing.PartnerWebhookTolerance
	}
	if o.MaxBody <= 0 {
		o.MaxBody = webhook.MaxBody
	}
	if o.Logger == nil {
		// slog.DiscardHandler needs Go 1.24; a handler enabled for no level
		// is the same thing on 1.23.
		o.Logger = webhook.Discard()
	}
	h := &webhookHandler{fn: fn, o: o, dedupe: &webhook.Dedupe{Store: o.Store, Prefix: "simkit:partner:webhook:", TTL: o.DedupeTTL}}
	// An empty key would let anyone compute valid signatures, so such a
	// handler refuses everything instead.
	if !secret.IsZero() {
		h.signer = signing.NewSigner([]byte(secret.Reveal()))
	}
	return h
}

// WebhookHandler is NewWebhookHandler with the client's partner_secret,
// store, clock and logger; opts may override them. A nil or unconfigured
// client yields a handler that answers 500 to everything.
func (c *Client) WebhookHandler(fn func(ctx context.Context, ev *WebhookEvent) error, opts ...func(*WebhookOptions)) http.Handler {
	if c.ready() != nil {
		return NewWebhookHandler("", fn, opts...)
	}
	base := func(o *WebhookOptions) {
		o.Store = c.opts.Store
		o.Now = c.t.Now
		o.Logger = c.t.Logger()
	}
	return NewWebhookHandler(c.opts.Secret, fn, append([]func(*WebhookOptions){base}, opts...)...)
}

// ServeHTTP implements http.Handler.
func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		webhook.Reply(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if h.signer == nil || h.fn == nil {
		h.o.Logger.LogAttrs(ctx, slog.LevelError, "simkit: partner webhook handler has no secret or no function")
		webhook.Reply(w, http.StatusInternalServerError, "webhook handler not configured")
		return
	}
	body, ok := webhook.ReadOrReply(w, r, h.o.MaxBody)
	if !ok {
		return
	}
	// One pass over the body: only the two signed fields are typed before
	// the signature is checked; timestamp and data stay raw (any JSON value
	// is accepted here) and are interpreted only once the body is trusted.
	var raw rawEvent
	if err := json.Unmarshal(body, &raw); err != nil {
		webhook.Reply(w, http.StatusBadRequest, "body is not a JSON object")
		return
	}
	if err := h.signer.VerifyPartnerWebhook(r.Header.Get(signing.HeaderTimestamp), r.Header.Get(signing.HeaderSignature),
		raw.Event, raw.IdempotencyKey, h.o.Now(), h.o.Tolerance); err != nil {
		h.o.Logger.LogAttrs(ctx, slog.LevelWarn, "simkit: partner webhook refused", slog.String("reason", err.Error()))
		webhook.Reply(w, http.StatusUnauthorized, "invalid signature")
		return
	}
	ev, err := raw.event()
	if err != nil {
		webhook.Reply(w, http.StatusBadRequest, "malformed event")
		return
	}
	h.deliver(ctx, w, ev)
}

// deliver dedupes ev and hands it to the user function.
func (h *webhookHandler) deliver(ctx context.Context, w http.ResponseWriter, ev *WebhookEvent) {
	h.dedupe.Handle(ctx, w, h.o.Logger, ev.IdempotencyKey, func() error { return h.fn(ctx, ev) })
}

// rawEvent is a webhook body as first read: the signed fields typed, the
// rest kept raw until the signature has been checked.
type rawEvent struct {
	Event          string          `json:"event"`
	Timestamp      json.RawMessage `json:"timestamp"`
	IdempotencyKey string          `json:"idempotency_key"`
	Data           json.RawMessage `json:"data"`
}

// event interprets a verified body's fields into the typed event.
func (raw *rawEvent) event() (*WebhookEvent, error) {
	if raw.IdempotencyKey == "" || raw.Event == "" {
		return nil, errors.New("event and idempotency_key are required")
	}
	ev := &WebhookEvent{Event: raw.Event, IdempotencyKey: raw.IdempotencyKey, Data: raw.Data}
	var ts string
	if len(raw.Timestamp) > 0 {
		if err := json.Unmarshal(raw.Timestamp, &ts); err != nil {
			return nil, err
		}
	}
	if ts != "" {
		t, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			return nil, err
		}
		ev.Timestamp = t
	}
	if len(raw.Data) > 0 {
		var data struct {
			Order *Order `json:"order"`
		}
		if err := json.Unmarshal(raw.Data, &data); err != nil {
			return nil, err
		}
		ev.Order = data.Order
	}
	return ev, nil
}
