// Package simkitotel turns simkit's observer events into OpenTelemetry
// traces and metrics.
//
//	obs, err := simkitotel.New(func(o *simkitotel.Options) {
//		o.TracerProvider = tp // nil: the global provider
//		o.MeterProvider = mp
//	})
//	client, err := simkit.New(simkit.WithObserver(obs), ...)
//
// # Traces
//
// Every SDK call is a span named "<provider> <METHOD> <route template>"
// ("smsnumbers GET /v1/user/check/{id}"), and each HTTP attempt is a child
// CLIENT span of the same name carrying the HTTP client semantic
// conventions (http.request.method, url.template, server.address,
// server.port, http.response.status_code, http.request.resend_count,
// error.type), the provider's request id (simkit.request_id) and its
// rate-limit headers (simkit.ratelimit.*). A failed call records its error
// and sets error.type to its class ("rate_limited", "unavailable",
// "insufficient_funds", ...; see observe.Class). Limiter waits, cache,
// dedupe and single-flight hits, webhook steps and wait progress are span
// events on the span in their context: for webhooks, the request's span
// when the handler runs under HTTP server middleware (otelhttp), which a
// failed delivery marks Error. url.full is left out on purpose: concrete paths and
// queries hold ICCIDs, phone numbers and, for some providers, API keys.
//
// # Metrics
//
//   - http.client.request.duration (s): one per attempt, semconv histogram.
//   - simkit.client.call.duration (s): one per call, retries and waits included.
//   - simkit.client.retries: attempts retried, by simkit.retry.reason.
//   - simkit.client.limiter.wait (s): client-side limiter waits and gate
//     decisions, by simkit.limiter and simkit.admitted.
//   - simkit.cache.lookups: by simkit.cache and simkit.cache.hit.
//   - simkit.dedupe.hits, simkit.flight.joins.
//   - simkit.webhook.deliveries: by simkit.webhook.outcome and
//     simkit.webhook.reason.
//   - simkit.wait.outcomes: finished long waits (SMS codes, eSIM
//     deliveries) by simkit.wait and simkit.outcome; simkit.wait.duration (s).
//   - simkit.client.unknown_fields: members of answers simkit does not
//     model (kept in the results' Extra), by simkit.route and simkit.field
//     ("Order.loyalty_tier"): a provider's API drifting.
//   - simkit.reconcile.anomalies: a gauge, the anomalies the last finished
//     reconciliation of a provider found, by simkit.anomaly.kind (0 once
//     clean: alert on it); simkit.reconcile.runs by
//     simkit.reconcile.outcome; simkit.reconcile.duration (s).
//
// Every metric carries simkit.provider.
package simkitotel
