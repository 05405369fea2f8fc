// Package observe is simkit's instrumentation hook: one Observer, set once
// with simkit.WithObserver (or option.Shared.Observer for a single
// provider), receives every call and attempt, client-side rate-limit waits,
// cache, dedupe and single-flight hits, webhook deliveries, progress of
// long waits and the anomaly counts of each reconciliation. It has no dependencies; contrib/otel turns the events into
// OpenTelemetry spans and metrics.
//
// An Observer embeds Base and overrides only the methods it needs, so new
// event kinds added in later releases keep existing observers compiling:
//
//	type slowCalls struct{ observe.Base }
//
//	func (slowCalls) CallEnd(ctx context.Context, e observe.CallEnd) {
//		if e.End.Sub(e.Start) > time.Second {
//			log.Printf("%s %s took %s (%s)", e.Provider, e.Route, e.End.Sub(e.Start), e.Outcome)
//		}
//	}
//
// Events are plain structs passed by value; new fields may be added. They
// never hold request bodies, headers, secrets or customer data (phone
// numbers, ICCIDs, emails): routes are templates such as
// "GET /v1/user/check/{id}".
//
// With no Observer set simkit skips every hook: the request path does no
// extra work and allocates nothing more.
package observe
