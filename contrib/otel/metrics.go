package simkitotel

import (
	"errors"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/semconv/v1.37.0/httpconv"
)

// instruments are the metrics the Observer records.
type instruments struct {
	requestDuration metric.Float64Histogram
	callDuration    metric.Float64Histogram
	retries         metric.Int64Counter
	limiterWait     metric.Float64Histogram
	cache           metric.Int64Counter
	dedupe          metric.Int64Counter
	joins           metric.Int64Counter
	webhooks        metric.Int64Counter
	waits           metric.Int64Counter
	waitDuration    metric.Float64Histogram
	unknownFields   metric.Int64Counter
	reconcile       reconcileInstruments
}

func newInstruments(m metric.Meter) (instruments, error) {
	var in instruments
	rd, err := httpconv.NewClientRequestDuration(m)
	in.requestDuration = rd.Inst()
	errs := []error{err}
	f := func(dst *metric.Float64Histogram, name, desc string) {
		h, err := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc))
		*dst = h
		errs = append(errs, err)
	}
	c := func(dst *metric.Int64Counter, name, unit, desc string) {
		ctr, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		*dst = ctr
		errs = append(errs, err)
	}
	f(&in.callDuration, "simkit.client.call.duration", "Duration of SDK calls, retries and backoff included.")
	c(&in.retries, "simkit.client.retries", "{retry}", "Attempts that were retried.")
	f(&in.limiterWait, "simkit.client.limiter.wait", "Time calls were held by client-side rate limits.")
	c(&in.cache, "simkit.cache.lookups", "{lookup}", "Look-ups in simkit's caches, by hit.")
	c(&in.dedupe, "simkit.dedupe.hits", "{hit}", "Work skipped because a dedupe record showed it done or in progress.")
	c(&in.joins, "simkit.flight.joins", "{join}", "Callers that shared another caller's load.")
	c(&in.webhooks, "simkit.webhook.deliveries", "{delivery}", "Webhook delivery steps, by outcome.")
	c(&in.waits, "simkit.wait.outcomes", "{wait}", "Finished long waits (SMS codes, eSIM deliveries), by outcome.")
	f(&in.waitDuration, "simkit.wait.duration", "Duration of finished long waits.")
	c(&in.unknownFields, "simkit.client.unknown_fields", "{field}", "Members of provider answers simkit does not model, by route and field.")
	errs = append(errs, in.reconcile.init(m))
	return in, errors.Join(errs...)
}
