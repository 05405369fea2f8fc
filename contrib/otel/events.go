package simkitotel

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/observe"
)

func asAPIError(err error, target **apierror.Error) bool { return errors.As(err, target) }

// LimiterWait adds a span event to the waiting attempt and records the
// wait.
func (o *Observer) LimiterWait(ctx context.Context, e observe.LimiterWait) {
	attrs := []attribute.KeyValue{keyProvider.String(e.Provider), keyLimiter.String(e.Limiter), keyAdmitted.Bool(e.Admitted)}
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		ev := append(attrs, keyWaited.Float64(e.Waited.Seconds()))
		if e.RetryAfter > 0 {
			ev = append(ev, keyRLRetryAfter.Float64(e.RetryAfter.Seconds()))
		}
		span.AddEvent("simkit.limiter.wait", trace.WithAttributes(ev...))
	}
	o.m.limiterWait.Record(ctx, e.Waited.Seconds(), metric.WithAttributes(attrs...))
}

// Cache adds a span event and counts the look-up.
func (o *Observer) Cache(ctx context.Context, e observe.Cache) {
	attrs := []attribute.KeyValue{keyProvider.String(e.Provider), keyCache.String(e.Name), keyCacheHit.Bool(e.Hit)}
	trace.SpanFromContext(ctx).AddEvent("simkit.cache", trace.WithAttributes(attrs...))
	o.m.cache.Add(ctx, 1, metric.WithAttributes(attrs...))
}

// Dedupe adds a span event and counts the hit.
func (o *Observer) Dedupe(ctx context.Context, e observe.Dedupe) {
	attrs := []attribute.KeyValue{keyProvider.String(e.Provider), keyName.String(e.Name), keyInFlight.Bool(e.InFlight)}
	trace.SpanFromContext(ctx).AddEvent("simkit.dedupe", trace.WithAttributes(attrs...))
	o.m.dedupe.Add(ctx, 1, metric.WithAttributes(attrs...))
}

// FlightJoin adds a span event and counts the join.
func (o *Observer) FlightJoin(ctx context.Context, e observe.FlightJoin) {
	attrs := []attribute.KeyValue{keyProvider.String(e.Provider), keyName.String(e.Name), keyReplica.Bool(e.Replica)}
	trace.SpanFromContext(ctx).AddEvent("simkit.flight.join", trace.WithAttributes(append(attrs,
		keyWaited.Float64(e.Waited.Seconds()), keyOutcome.String(observe.Class(e.Err)))...))
	o.m.joins.Add(ctx, 1, metric.WithAttributes(attrs...))
}

// Webhook adds a span event to the request's span (a server span, when
// the handler runs under instrumented HTTP middleware) and counts the
// step.
func (o *Observer) Webhook(ctx context.Context, e observe.Webhook) {
	attrs := []attribute.KeyValue{keyProvider.String(e.Provider), keyWHOutcome.String(string(e.Outcome))}
	if e.Event != "" {
		attrs = append(attrs, keyEvent.String(e.Event))
	}
	if e.Reason != "" {
		attrs = append(attrs, keyWHReason.String(e.Reason))
	}
	span := trace.SpanFromContext(ctx)
	span.AddEvent("simkit.webhook", trace.WithAttributes(attrs...))
	if e.Outcome == observe.WebhookFailed {
		span.SetStatus(codes.Error, "webhook "+observe.Class(e.Err))
	}
	o.m.webhooks.Add(ctx, 1, metric.WithAttributes(attrs...))
}

// WaitProgress adds a span event per check and, when the wait ends, counts
// its outcome and records its duration.
func (o *Observer) WaitProgress(ctx context.Context, e observe.WaitProgress) {
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		ev := []attribute.KeyValue{keyProvider.String(e.Provider), keyWait.String(e.Wait), keyCheck.Int(e.Check),
			keyElapsed.Float64(e.Elapsed.Seconds())}
		if e.Status != "" {
			ev = append(ev, keyStatus.String(e.Status))
		}
		if e.Expected > 0 {
			ev = append(ev, keyDelivered.Int(e.Delivered), keyExpected.Int(e.Expected))
		}
		if e.Done {
			ev = append(ev, keyOutcome.String(e.Outcome))
		}
		span.AddEvent("simkit.wait", trace.WithAttributes(ev...))
	}
	if !e.Done {
		return
	}
	attrs := metric.WithAttributes(keyProvider.String(e.Provider), keyWait.String(e.Wait), keyOutcome.String(e.Outcome))
	o.m.waits.Add(ctx, 1, attrs)
	o.m.waitDuration.Record(ctx, e.Elapsed.Seconds(), attrs)
}
