package simkitotel

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/simkit/simkit/observe"
)

const (
	keyAnomalyKind      = attribute.Key("simkit.anomaly.kind")
	keyReconcileOutcome = attribute.Key("simkit.reconcile.outcome")
)

// reconcileInstruments are the books-closing metrics: the anomalies the
// last reconciliation of each provider found (a gauge an alert watches),
// and the runs by outcome.
type reconcileInstruments struct {
	anomalies metric.Int64Gauge
	runs      metric.Int64Counter
	duration  metric.Float64Histogram
}

func (r *reconcileInstruments) init(m metric.Meter) error {
	var e1, e2, e3 error
	r.anomalies, e1 = m.Int64Gauge("simkit.reconcile.anomalies", metric.WithUnit("{anomaly}"),
		metric.WithDescription("Anomalies the last reconciliation of a provider found, by kind (0 when clean)."))
	r.runs, e2 = m.Int64Counter("simkit.reconcile.runs", metric.WithUnit("{run}"),
		metric.WithDescription("Reconciliations, by outcome (clean, anomalies, busy, or an error class)."))
	r.duration, e3 = m.Float64Histogram("simkit.reconcile.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of reconciliations."))
	return errors.Join(e1, e2, e3)
}

// Reconcile records a provider's anomaly counts (every kind, so a kind
// that cleared goes back to 0) and counts the run. A run that could not
// finish leaves the gauge at what the last finished run saw.
func (o *Observer) Reconcile(ctx context.Context, e observe.Reconcile) {
	p := keyProvider.String(e.Provider)
	o.m.reconcile.runs.Add(ctx, 1, metric.WithAttributes(p, keyReconcileOutcome.String(e.Outcome)))
	o.m.reconcile.duration.Record(ctx, e.Duration.Seconds(), metric.WithAttributes(p, keyReconcileOutcome.String(e.Outcome)))
	if e.Err != nil {
		return
	}
	for kind, n := range e.Anomalies {
		o.m.reconcile.anomalies.Record(ctx, int64(n), metric.WithAttributes(p, keyAnomalyKind.String(kind)))
	}
}
