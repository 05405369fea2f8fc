package simkitotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

// serverSpans wraps h the way HTTP server middleware (otelhttp) does: a
// SERVER span per request, in the request's context.
func serverSpans(tp trace.TracerProvider, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tp.Tracer("test").Start(r.Context(), "POST /webhooks/partner", trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// webhookEvents returns the simkit.webhook events of span, each as its
// attributes.
func webhookEvents(s sdktrace.ReadOnlySpan) []map[attribute.Key]string {
	var out []map[attribute.Key]string
	for _, e := range s.Events() {
		if e.Name != "simkit.webhook" {
			continue
		}
		m := map[attribute.Key]string{}
		for _, kv := range e.Attributes {
			m[kv.Key] = kv.Value.Emit()
		}
		out = append(out, m)
	}
	return out
}

// A delivery handled, its duplicate and one with a bad signature, through
// the partner handler the client builds (it inherits the OTel observer).
func TestWebhookThroughThePartnerHandler(t *testing.T) {
	h := newHarness(t)
	var calls int
	hook, err := h.env.Client.Partner.WebhookHandler(func(context.Context, *partner.WebhookEvent) error { calls++; return nil })
	require.NoError(t, err)
	srv := serverSpans(h.tp, hook)

	body := []byte(`{"event":"order.status_changed","timestamp":"2026-01-15T12:58:23Z","idempotency_key":"7c9e6679-7425-40de-944b-e07fc1f90ae7","data":{"order":{"id":"o-1","status":"completed"}}}`)
	send := func(secret string) int {
		req, err := simkittest.NewPartnerWebhookRequest(signing.NewSigner([]byte(secret)), "http://hook.example/webhooks/partner", body, time.Now())
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	require.Equal(t, http.StatusOK, send(simkittest.FakePartnerSecret))
	require.Equal(t, http.StatusOK, send(simkittest.FakePartnerSecret))
	require.Equal(t, http.StatusUnauthorized, send("not-the-partner-secret"))
	require.Equal(t, 1, calls, "the duplicate and the forgery never reach the function")

	ended := h.spans.Ended()
	require.Len(t, ended, 3, "one server span per request")
	const ev = "order.status_changed"
	require.Equal(t, []map[attribute.Key]string{
		{"simkit.provider": "partner", "simkit.webhook.outcome": "accepted", "simkit.webhook.event": ev},
		{"simkit.provider": "partner", "simkit.webhook.outcome": "handled", "simkit.webhook.event": ev},
	}, webhookEvents(ended[0]))
	require.Equal(t, []map[attribute.Key]string{
		{"simkit.provider": "partner", "simkit.webhook.outcome": "duplicate", "simkit.webhook.event": ev},
	}, webhookEvents(ended[1]))
	var dedupes int
	for _, e := range ended[1].Events() {
		if e.Name == "simkit.dedupe" {
			dedupes++
		}
	}
	require.Equal(t, 1, dedupes, "the duplicate is a dedupe hit on its request's span")
	require.Equal(t, []map[attribute.Key]string{
		{"simkit.provider": "partner", "simkit.webhook.outcome": "refused", "simkit.webhook.reason": "signature"},
	}, webhookEvents(ended[2]), "the refused delivery shows its reason")
	for _, s := range ended {
		require.Equal(t, codes.Unset, s.Status().Code, "only a failed delivery fails its span")
	}

	m := h.metrics(t)
	wh := m["simkit.webhook.deliveries"]
	p := attribute.String("simkit.provider", "partner")
	require.Equal(t, int64(1), count(t, wh, p, attribute.String("simkit.webhook.outcome", "accepted")))
	require.Equal(t, int64(1), count(t, wh, p, attribute.String("simkit.webhook.outcome", "handled")))
	require.Equal(t, int64(1), count(t, wh, p, attribute.String("simkit.webhook.outcome", "duplicate")))
	require.Equal(t, int64(1), count(t, wh, p, attribute.String("simkit.webhook.outcome", "refused"), attribute.String("simkit.webhook.reason", "signature")))
	require.Equal(t, int64(1), count(t, m["simkit.dedupe.hits"], p, attribute.Bool("simkit.in_flight", false)))
}

// WaitForCode against the SMS fake: each check is an event on the
// caller's span, the outcome a metric.
func TestWaitForCodeProgressAndOutcome(t *testing.T) {
	h := newHarnessWith(t, func(c *simkittest.Config) { c.SMS.DeliverAfter = 20 * time.Millisecond })
	ctx, span := h.tp.Tracer("test").Start(context.Background(), "activate")
	c := h.env.Client.SMS
	order, err := c.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "vkontakte"})
	require.NoError(t, err)
	var checks []smsnumbers.WaitProgress
	got, err := c.WaitForCode(ctx, order.ID, smsnumbers.WaitForCodeParams{PollInterval: 5 * time.Millisecond,
		OnCheck: func(p smsnumbers.WaitProgress) { checks = append(checks, p) }})
	require.NoError(t, err)
	require.NotEmpty(t, got.Code())
	span.End()

	require.GreaterOrEqual(t, len(checks), 2, "pending at first, then received")
	require.Equal(t, smsnumbers.StatusPending, checks[0].Status)
	require.Equal(t, smsnumbers.StatusReceived, checks[len(checks)-1].Status)

	var root sdktrace.ReadOnlySpan
	for _, s := range h.spans.Ended() {
		if s.Name() == "activate" {
			root = s
		}
	}
	require.NotNil(t, root)
	var waits []map[attribute.Key]string
	for _, e := range root.Events() {
		if e.Name != "simkit.wait" {
			continue
		}
		m := map[attribute.Key]string{}
		for _, kv := range e.Attributes {
			if kv.Key != "simkit.wait.elapsed_s" {
				m[kv.Key] = kv.Value.Emit()
			}
		}
		waits = append(waits, m)
	}
	require.Len(t, waits, len(checks)+1, "one event per check and one for the end")
	require.Equal(t, "PENDING", waits[0]["simkit.wait.status"])
	require.Equal(t, "1", waits[0]["simkit.wait.check"])
	last := waits[len(waits)-1]
	require.Equal(t, "received", last["simkit.outcome"])
	require.Equal(t, "sms_code", last["simkit.wait"])

	m := h.metrics(t)
	require.Equal(t, int64(1), count(t, m["simkit.wait.outcomes"], attribute.String("simkit.provider", "smsnumbers"),
		attribute.String("simkit.wait", "sms_code"), attribute.String("simkit.outcome", "received")))
	require.Equal(t, int64(1), count(t, m["simkit.wait.duration"], attribute.String("simkit.outcome", "received")))
	// Every check is a call span under the caller's.
	var checkSpans int
	for _, s := range h.spans.Ended() {
		if s.Name() == "smsnumbers GET /v1/user/check/{id}" && s.SpanKind() == trace.SpanKindInternal {
			require.Equal(t, root.SpanContext().SpanID(), s.Parent().SpanID())
			checkSpans++
		}
	}
	require.Equal(t, len(checks), checkSpans)
}
