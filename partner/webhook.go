package partner

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/webhook"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/signing"
)

// WebhookHandler serves Partner webhooks; build it with NewWebhookHandler
// or Client.WebhookHandler. Its Shutdown (or Close) stops the work it keeps
// doing after answering a delivery (a dedupe mark retried until the Store
// is back): call it after http.Server.Shutdown.
type WebhookHandler struct {
	pl *webhook.Pipeline[*WebhookEvent]
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.pl.ServeHTTP(w, r) }

// Shutdown lets the handler's follow-up work finish and starts no more;
// when ctx ends first it stops that work and returns ctx's error. No
// goroutine of the handler runs after it returns. Deliveries served after
// Shutdown are still answered; a dedupe mark they fail to write is logged,
// not retried.
func (h *WebhookHandler) Shutdown(ctx context.Context) error { return h.pl.Later.Shutdown(ctx) }

// Close stops the handler's follow-up work at once and waits for it.
func (h *WebhookHandler) Close() error {
	h.pl.Later.Close()
	return nil
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
func NewWebhookHandler(secret signing.Secret, fn func(ctx context.Context, ev *WebhookEvent) error, opts ...func(*WebhookOptions)) (*WebhookHandler, error) {
	var o WebhookOptions
	for _, f := range opts {
		f(&o)
	}
	if secret.IsZero() {
		return nil, apierror.Validation(Provider, opNewWebhookHandler, "the partner_secret is required to verify webhooks")
	}
	if fn == nil {
		return nil, apierror.Validation(Provider, opNewWebhookHandler, "a webhook function is required")
	}
	s := webhook.Settings{Store: o.Store, Now: o.Now, MaxBody: o.MaxBody, Logger: o.Logger, Observer: o.Observer, Inbox: o.Inbox,
		DedupePrefix: o.DedupePrefix, DedupeTTL: o.DedupeTTL, Lease: o.Lease, Deadline: o.Deadline}
	s.Fill(webhook.Defaults{DedupePrefix: DefaultWebhookDedupePrefix, DedupeTTL: DefaultWebhookDedupeTTL,
		Lease: DefaultWebhookLease, Deadline: DefaultWebhookDeadline})
	tolerance := o.Tolerance
	if tolerance <= 0 {
		tolerance = signing.PartnerWebhookTolerance
	}
	if floor := minDedupeTTL(tolerance); s.DedupeTTL < floor {
		// A done mark that ends while a captured delivery is still
		// correctly signed lets the capture run the function again.
		return nil, apierror.Validation(Provider, opNewWebhookHandler, "DedupeTTL %s is shorter than the replay window and retries (%s)", s.DedupeTTL, floor)
	}
	known := map[string]bool{EventOrderStatusChanged: true}
	for _, e := range o.Events {
		known[e] = true
	}
	v := &verifier{signer: signing.NewSigner([]byte(secret.Reveal())), now: s.Now, tolerance: tolerance, known: known}
	pl, err := webhook.NewPipeline(webhook.Provider[*WebhookEvent]{
		Name:   Provider,
		Decode: v.decode,
		ID:     func(ev *WebhookEvent) string { return ev.IdempotencyKey },
		Event:  func(ev *WebhookEvent) string { return ev.Event },
		Stored: decodeEvent,
		Run:    fn,
	}, s)
	if err != nil {
		return nil, apierror.Validation(Provider, opNewWebhookHandler, "%s", err.Error())
	}
	return &WebhookHandler{pl: pl}, nil
}

// opNewWebhookHandler labels the constructor's validation errors.
const opNewWebhookHandler = "webhook handler"

// WebhookHandler is NewWebhookHandler with the client's partner_secret,
// store, clock, logger and observer; opts may override them. A nil or unconfigured
// client returns an error matching simkit.ErrNotConfigured.
func (c *Client) WebhookHandler(fn func(ctx context.Context, ev *WebhookEvent) error, opts ...func(*WebhookOptions)) (*WebhookHandler, error) {
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

// verifier is the Partner part of the webhook pipeline: the signature over
// X-Timestamp, event and idempotency_key, then the body's shape.
type verifier struct {
	signer    *signing.Signer
	now       func() time.Time
	tolerance time.Duration
	known     map[string]bool
}

// decode verifies and decodes a delivery in one pass over the body: only
// the two signed fields are typed before the signature is checked;
// timestamp and data stay raw (any JSON value is accepted here) and are
// interpreted only once the body is trusted.
func (v *verifier) decode(r *http.Request, body []byte) (*WebhookEvent, *webhook.Refusal) {
	var raw rawEvent
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, &webhook.Refusal{Status: http.StatusBadRequest, Reason: observe.ReasonMalformed, Message: "body is not a JSON object"}
	}
	if err := v.signer.VerifyPartnerWebhook(r.Header.Get(signing.HeaderTimestamp), r.Header.Get(signing.HeaderSignature),
		raw.Event, raw.IdempotencyKey, v.now(), v.tolerance); err != nil {
		return nil, &webhook.Refusal{Status: http.StatusUnauthorized, Reason: signatureReason(err), Message: "invalid signature", Log: err.Error()}
	}
	if !raw.pinned(v.known) {
		return nil, &webhook.Refusal{Status: http.StatusBadRequest, Reason: shapeReason(&raw, v.known), Message: errShape.Error(), Log: errShape.Error()}
	}
	ev, err := raw.event()
	if err != nil {
		return nil, &webhook.Refusal{Status: http.StatusBadRequest, Reason: observe.ReasonMalformed, Message: "malformed event"}
	}
	return ev, nil
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
