package observe

import "context"

// Observer receives simkit's events. Methods run synchronously on the
// goroutine doing the work, so they must be fast and safe for concurrent
// use; they must not keep the event past the call if it holds an error
// they do not own.
//
// Implementations embed Base (the unexported method below makes that
// required), which gives every method a no-op default.
type Observer interface {
	// CallStart opens a call. The returned context (ctx, or one derived
	// from it, e.g. carrying a span) is the one every attempt, the
	// limiter and CallEnd of this call receive.
	CallStart(ctx context.Context, e CallStart) context.Context
	// CallEnd closes a call with its outcome.
	CallEnd(ctx context.Context, e CallEnd)
	// AttemptStart opens one HTTP attempt of a call; the returned context
	// is the attempt's (its request carries it, so an instrumented
	// http.RoundTripper below simkit nests under it).
	AttemptStart(ctx context.Context, e AttemptStart) context.Context
	// AttemptEnd closes an attempt, saying whether and why it is retried.
	AttemptEnd(ctx context.Context, e AttemptEnd)
	// LimiterWait reports a client-side rate limit: the pacer's wait before
	// an attempt, or a per-key gate that admitted or refused a call.
	LimiterWait(ctx context.Context, e LimiterWait)
	// Cache reports a look-up in one of simkit's caches (tokens, package
	// history).
	Cache(ctx context.Context, e Cache)
	// Dedupe reports work skipped because a dedupe record showed it was
	// already done or in progress.
	Dedupe(ctx context.Context, e Dedupe)
	// FlightJoin reports a caller that waited for another's load of the
	// same value instead of loading it itself.
	FlightJoin(ctx context.Context, e FlightJoin)
	// Webhook reports a step of one webhook delivery.
	Webhook(ctx context.Context, e Webhook)
	// WaitProgress reports each check of a long wait (an SMS code, eSIM
	// deliveries) and its end.
	WaitProgress(ctx context.Context, e WaitProgress)
	// UnknownFields reports members of an answer the typed result does
	// not model (kept in its Extra field).
	UnknownFields(ctx context.Context, e UnknownFields)
	// Reconcile reports a provider's finished reconciliation, with its
	// anomaly counts by kind.
	Reconcile(ctx context.Context, e Reconcile)

	embedsBase()
}

// Base implements every Observer method as a no-op. Embed it in your
// observer and override what you need.
type Base struct{}

// CallStart returns ctx unchanged.
func (Base) CallStart(ctx context.Context, _ CallStart) context.Context { return ctx }

// CallEnd does nothing.
func (Base) CallEnd(context.Context, CallEnd) {}

// AttemptStart returns ctx unchanged.
func (Base) AttemptStart(ctx context.Context, _ AttemptStart) context.Context { return ctx }

// AttemptEnd does nothing.
func (Base) AttemptEnd(context.Context, AttemptEnd) {}

// LimiterWait does nothing.
func (Base) LimiterWait(context.Context, LimiterWait) {}

// Cache does nothing.
func (Base) Cache(context.Context, Cache) {}

// Dedupe does nothing.
func (Base) Dedupe(context.Context, Dedupe) {}

// FlightJoin does nothing.
func (Base) FlightJoin(context.Context, FlightJoin) {}

// Webhook does nothing.
func (Base) Webhook(context.Context, Webhook) {}

// WaitProgress does nothing.
func (Base) WaitProgress(context.Context, WaitProgress) {}

// UnknownFields does nothing.
func (Base) UnknownFields(context.Context, UnknownFields) {}

func (Base) embedsBase() {}

// Or returns o, or a no-op Observer when o is nil, so code holding an
// optional observer can call it without a nil check. Code on a hot path
// should test for nil instead and skip building the event.
func Or(o Observer) Observer {
	if o == nil {
		return Base{}
	}
	return o
}
