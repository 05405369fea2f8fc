package simkitotel

import (
	"context"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/observe"
)

// CallStart opens the call's span.
func (o *Observer) CallStart(ctx context.Context, e observe.CallStart) context.Context {
	ctx, _ = o.tracer.Start(ctx, spanName(e.Provider, e.Method, e.Route),
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithTimestamp(e.Start),
		trace.WithAttributes(
			keyProvider.String(e.Provider),
			keyRoute.String(e.Route),
			semconv.HTTPRequestMethodKey.String(e.Method),
			semconv.URLTemplate(urlTemplate(e.Method, e.Route)),
		))
	return ctx
}

// CallEnd closes the call's span and records its duration.
func (o *Observer) CallEnd(ctx context.Context, e observe.CallEnd) {
	span := trace.SpanFromContext(ctx)
	attrs := []attribute.KeyValue{keyAttempts.Int(e.Attempts), keyOutcome.String(e.Outcome)}
	if e.StatusCode > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(e.StatusCode))
	}
	if e.RequestID != "" {
		attrs = append(attrs, keyRequestID.String(e.RequestID))
	}
	if e.Err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(e.Outcome))
		recordError(span, e.Provider, e.Route, e.Outcome, e.Err)
	}
	span.SetAttributes(attrs...)
	span.End(trace.WithTimestamp(e.End))

	mattrs := []attribute.KeyValue{keyProvider.String(e.Provider), semconv.HTTPRequestMethodKey.String(e.Method),
		semconv.URLTemplate(urlTemplate(e.Method, e.Route)), keyOutcome.String(e.Outcome)}
	o.m.callDuration.Record(ctx, e.End.Sub(e.Start).Seconds(), metric.WithAttributes(mattrs...))
}

// AttemptStart opens an attempt's CLIENT span under the call's.
func (o *Observer) AttemptStart(ctx context.Context, e observe.AttemptStart) context.Context {
	attrs := []attribute.KeyValue{
		keyProvider.String(e.Provider),
		keyRoute.String(e.Route),
		keyAttempt.Int(e.Attempt),
		semconv.HTTPRequestMethodKey.String(e.Method),
		semconv.URLTemplate(urlTemplate(e.Method, e.Route)),
		semconv.ServerAddress(e.ServerAddress),
		semconv.ServerPort(e.ServerPort),
	}
	if e.Attempt > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(e.Attempt-1), keyWaited.Float64(e.Waited.Seconds()))
	}
	ctx, _ = o.tracer.Start(ctx, spanName(e.Provider, e.Method, e.Route),
		trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(e.Start), trace.WithAttributes(attrs...))
	return ctx
}

// AttemptEnd closes the attempt's span and records
// http.client.request.duration and retries.
func (o *Observer) AttemptEnd(ctx context.Context, e observe.AttemptEnd) {
	span := trace.SpanFromContext(ctx)
	attrs := make([]attribute.KeyValue, 0, 10)
	attrs = append(attrs, keyOutcome.String(e.Outcome))
	if e.StatusCode > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(e.StatusCode))
	}
	if e.RequestID != "" {
		attrs = append(attrs, keyRequestID.String(e.RequestID))
	}
	rl := e.RateLimit
	if rl.Limit > 0 || rl.Remaining > 0 || !rl.Reset.IsZero() {
		attrs = append(attrs, keyRLLimit.Int(rl.Limit), keyRLRemaining.Int(rl.Remaining))
		if !rl.Reset.IsZero() {
			attrs = append(attrs, keyRLReset.Int64(rl.Reset.Unix()))
		}
	}
	if rl.RetryAfter > 0 {
		attrs = append(attrs, keyRLRetryAfter.Float64(rl.RetryAfter.Seconds()))
	}
	if e.RetryReason != "" {
		attrs = append(attrs, keyRetryReason.String(e.RetryReason), keyRetryWait.Float64(e.RetryWait.Seconds()))
	}
	errType := ""
	if e.Outcome != observe.OutcomeOK {
		// HTTP conventions: error.type is the status code for an error
		// answer; simkit's class is in simkit.outcome.
		errType = e.Outcome
		if e.StatusCode >= 400 {
			errType = strconv.Itoa(e.StatusCode)
		}
		attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
		if e.Err != nil {
			recordError(span, e.Provider, e.Route, e.Outcome, e.Err)
		} else {
			span.SetStatus(codes.Error, e.Outcome)
		}
	}
	span.SetAttributes(attrs...)
	span.End(trace.WithTimestamp(e.Start.Add(e.Duration)))

	mattrs := []attribute.KeyValue{keyProvider.String(e.Provider), semconv.HTTPRequestMethodKey.String(e.Method),
		semconv.URLTemplate(urlTemplate(e.Method, e.Route))}
	if e.StatusCode > 0 {
		mattrs = append(mattrs, semconv.HTTPResponseStatusCode(e.StatusCode))
	}
	if errType != "" {
		mattrs = append(mattrs, semconv.ErrorTypeKey.String(errType))
	}
	o.m.requestDuration.Record(ctx, e.Duration.Seconds(), metric.WithAttributes(mattrs...))
	if e.RetryReason != "" {
		o.m.retries.Add(ctx, 1, metric.WithAttributes(keyProvider.String(e.Provider),
			semconv.URLTemplate(urlTemplate(e.Method, e.Route)), keyRetryReason.String(e.RetryReason)))
	}
}

// recordError marks span failed with an exception event naming the class.
// The error's own text is left out: a transport error quotes the concrete
// URL, whose path can hold an ICCID or a phone number.
func recordError(span trace.Span, provider, route, class string, err error) {
	msg := "simkit " + provider + " " + route + ": " + class
	var ae *apierror.Error
	if asAPIError(err, &ae) {
		if ae.StatusCode != 0 {
			msg += " (HTTP " + strconv.Itoa(ae.StatusCode) + ")"
		}
		if ae.Code != "" {
			msg += " code " + ae.Code
		}
	}
	span.AddEvent(semconv.ExceptionEventName, trace.WithAttributes(
		semconv.ExceptionType("simkit."+class),
		semconv.ExceptionMessage(msg),
	))
	span.SetStatus(codes.Error, class)
}
