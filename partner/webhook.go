package partner

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/internal/webhook"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// webhookHandler serves Partner webhooks; see NewWebhookHandler.
type webhookHandler struct {
	signer *signing.Signer
	fn     func(context.Context, *WebhookEvent) error
	o      WebhookOptions
	known  map[string]bool
	dedupe *webhook.Dedupe
}

// NewWebhookHandler returns the http.Handler for Partner webhooks. For each
// POST it caps the body, checks X-Timestamp (within Tolerance, both ways)
// and X-Signature = HMAC(X-Timestamp + event + idempotency_key, secret)
// before trusting the body, requires a known event name and a UUID
// idempotency_key, drops deliveries already handled (by idempotency_key,
// through the Store), and calls fn once per delivery, with a context that
// ends at Deadline so the answer beats the provider's 10 s.
//
// A delivery in progress holds a lease in the Store (see
// WebhookOptions.Lease): renewed while fn runs, released when fn fails, and
// gone on its own before the provider's +10 s retry when the replica
// holding it dies, so that retry is handled by whichever replica it lands
// on.
//
// Answers: 200 when fn succeeded or the delivery was already handled; 202
// when an Inbox accepted it; 400 for a body that is not the documented
// JSON (an unknown event or a key that is not a UUID included); 401 for a
// missing, wrong or stale signature; 405 for other methods; 409 while
// another replica holds the delivery's lease; 413 for a body over MaxBody;
// 500 when fn or the Store fails (the lease is released, so the provider's
// retry is handled again).
//
// It returns an error matching simkit.ErrValidation when secret is empty
// (anyone could sign) or fn is nil, or when opts.Inbox already has a
// Partner handler.
func NewWebhookHandler(secret signing.Secret, fn func(ctx context.Context, ev *WebhookEvent) error, opts ...func(*WebhookOptions)) (http.Handler, error) {
	const op = "NewWebhookHandler"
	var o WebhookOptions
	for _, f := range opts {
		f(&o)
	}
	if secret.IsZero() {
		return nil, apierror.Validation(Provider, op, "the partner_secret is required to verify webhooks")
	}
	if fn == nil {
		return nil, apierror.Validation(Provider, op, "a webhook function is required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Store == nil {
		o.Store = store.NewMemory(func(m *store.MemoryOptions) { m.Now = o.Now })
	}
	if o.Tolerance <= 0 {
		o.Tolerance = signing.PartnerWebhookTolerance
	}
	if o.MaxBody <= 0 {
		o.MaxBody = webhook.MaxBody
	}
	o.Logger = logx.Or(o.Logger)
	if o.DedupeTTL <= 0 {
		o.DedupeTTL = DefaultWebhookDedupeTTL
	}
	if floor := minDedupeTTL(o.Tolerance); o.DedupeTTL < floor {
		// A done mark that ends while a captured delivery is still
		// correctly signed lets the capture run the function again.
		return nil, apierror.Validation(Provider, op, "DedupeTTL %s is shorter than the replay window and retries (%s)", o.DedupeTTL, floor)
	}
	if o.DedupePrefix == "" {
		o.DedupePrefix = DefaultWebhookDedupePrefix
	}
	if o.Lease <= 0 {
		o.Lease = DefaultWebhookLease
	}
	if o.Deadline <= 0 {
		o.Deadline = DefaultWebhookDeadline
	}
	known := map[string]bool{EventOrderStatusChanged: true}
	for _, e := range o.Events {
		known[e] = true
	}
	h := &webhookHandler{
		signer: signing.NewSigner([]byte(secret.Reveal())),
		fn:     fn,
		o:      o,
		known:  known,
		dedupe: &webhook.Dedupe{Store: o.Store, Prefix: o.DedupePrefix, Now: o.Now, Lease: o.Lease, Done: o.DedupeTTL},
	}
	if o.Inbox != nil {
		eventName := func(ev *WebhookEvent) string { return ev.Event }
		if err := webhook.Register(o.Inbox, o.Observer, Provider, decodeEvent, eventName, fn); err != nil {
			return nil, apierror.Validation(Provider, op, "%s", err.Error())
		}
	}
	return h, nil
}

// WebhookHandler is NewWebhookHandler with the client's partner_secret,
// store, clock, logger and observer; opts may override them. A nil or unconfigured
// client returns an error matching simkit.ErrNotConfigured.
func (c *Client) WebhookHandler(fn func(ctx context.Context, ev *WebhookEvent) error, opts ...func(*WebhookOptions)) (http.Handler, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	base := func(o *WebhookOptions) {
		o.Store = c.opts.Store
		o.Now = c.t.Now
		o.Logger = c.t.Logger()
		o.Observer = c.opts.Observer
	}
	return NewWebhookHandler(c.opts.Secret, fn, append([]func(*WebhookOptions){base}, opts...)...)
}

// ServeHTTP implements http.Handler.
func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The deadline counts from the request's arrival, body read included.
	ctx, cancel := context.WithTimeout(r.Context(), h.o.Deadline)
	defer cancel()
	dl := observe.StartDelivery(h.o.Observer, Provider)
	if !webhook.PostOnly(w, r) {
		dl.Refused(ctx, observe.ReasonMethod, http.StatusMethodNotAllowed)
		return
	}
	body, ok := webhook.ReadOrReply(w, r, h.o.MaxBody, dl)
	if !ok {
		return
	}
	// One pass over the body: only the two signed fields are typed before
	// the signature is checked; timestamp and data stay raw (any JSON value
	// is accepted here) and are interpreted only once the body is trusted.
	var raw rawEvent
	if err := json.Unmarshal(body, &raw); err != nil {
		webhook.Reply(w, http.StatusBadRequest, "body is not a JSON object")
		dl.Refused(ctx, observe.ReasonMalformed, http.StatusBadRequest)
		return
	}
	if err := h.signer.VerifyPartnerWebhook(r.Header.Get(signing.HeaderTimestamp), r.Header.Get(signing.HeaderSignature),
		raw.Event, raw.IdempotencyKey, h.o.Now(), h.o.Tolerance); err != nil {
		h.o.Logger.LogAttrs(ctx, slog.LevelWarn, "simkit: partner webhook refused", slog.String("reason", err.Error()))
		webhook.Reply(w, http.StatusUnauthorized, "invalid signature")
		dl.Refused(ctx, signatureReason(err), http.StatusUnauthorized)
		return
	}
	if !raw.pinned(h.known) {
		h.o.Logger.LogAttrs(ctx, slog.LevelWarn, "simkit: partner webhook refused", slog.String("reason", errShape.Error()))
		webhook.Reply(w, http.StatusBadRequest, errShape.Error())
		dl.Refused(ctx, shapeReason(&raw, h.known), http.StatusBadRequest)
		return
	}
	ev, err := raw.event()
	if err != nil {
		webhook.Reply(w, http.StatusBadRequest, "malformed event")
		dl.Refused(ctx, observe.ReasonMalformed, http.StatusBadRequest)
		return
	}
	dl.Event = ev.Event
	if h.o.Inbox != nil {
		log := h.o.Logger.With(slog.String("provider", Provider), slog.String("id", ev.IdempotencyKey))
		webhook.Enqueue(ctx, w, log, dl, h.o.Inbox, Provider, ev.IdempotencyKey, body)
		return
	}
	h.dedupe.Handle(ctx, w, h.o.Logger, dl, ev.IdempotencyKey, h.o.Deadline, func(ctx context.Context) error { return h.fn(ctx, ev) })
}

// minDedupeTTL is the shortest DedupeTTL that outlives every correctly
// signed copy of a delivery: its retries (each signed anew) and a replay
// of the last one, whose X-Timestamp may lie tolerance either side of the
// clock that wrote the first done mark.
func minDedupeTTL(tolerance time.Duration) time.Duration {
	horizon := 3 * WebhookProviderDeadline
	for _, d := range WebhookRetryDelays() {
		horizon += d
	}
	return 2*tolerance + horizon
}

// signatureReason names why VerifyPartnerWebhook refused a delivery.
func signatureReason(err error) string {
	if errors.Is(err, apierror.ErrTimestampOutOfRange) {
		return observe.ReasonTimestamp
	}
	return observe.ReasonSignature
}

// shapeReason names why a signed body failed pinned: an event name this
// handler does not expect, or a key that is not a UUID.
func shapeReason(raw *rawEvent, known map[string]bool) string {
	if !known[raw.Event] {
		return observe.ReasonUnknown
	}
	return observe.ReasonMalformed
}
