package simkitotel_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/simkittest"
)

// gauge reads the last value of a gauge's point with every attribute in
// match, and whether there is one.
func gauge(t *testing.T, agg metricdata.Aggregation, match ...attribute.KeyValue) (int64, bool) {
	t.Helper()
	g, ok := agg.(metricdata.Gauge[int64])
	if !ok {
		return 0, false
	}
	for _, p := range g.DataPoints {
		all := true
		for _, kv := range match {
			if v, ok := p.Attributes.Value(kv.Key); !ok || v != kv.Value {
				all = false
			}
		}
		if all {
			return p.Value, true
		}
	}
	return 0, false
}

// TestReconcileAnomaliesGauge: the anomaly counts of a provider's last
// reconciliation are a gauge per kind that an alert can watch; a run that
// could not finish leaves them alone, and a clean run sets them back to 0.
func TestReconcileAnomaliesGauge(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	provider := attribute.String("simkit.provider", "partner")
	kind := func(k string) attribute.KeyValue { return attribute.String("simkit.anomaly.kind", k) }

	h.obs.Reconcile(ctx, observe.Reconcile{Provider: "partner", Outcome: observe.ReconcileAnomalies,
		Anomalies: map[string]int{"unaccounted_charge": 2, "not_delivered": 0}})
	m := h.metrics(t)
	v, ok := gauge(t, m["simkit.reconcile.anomalies"], provider, kind("unaccounted_charge"))
	require.True(t, ok)
	require.EqualValues(t, 2, v)
	require.EqualValues(t, 1, count(t, m["simkit.reconcile.runs"], provider, attribute.String("simkit.reconcile.outcome", "anomalies")))

	h.obs.Reconcile(ctx, observe.Reconcile{Provider: "partner", Outcome: observe.ReconcileBusy, Err: errors.New("busy")})
	v, _ = gauge(t, h.metrics(t)["simkit.reconcile.anomalies"], provider, kind("unaccounted_charge"))
	require.EqualValues(t, 2, v, "a run that did not finish changes no gauge")

	h.obs.Reconcile(ctx, observe.Reconcile{Provider: "partner", Outcome: observe.ReconcileClean,
		Anomalies: map[string]int{"unaccounted_charge": 0, "not_delivered": 0}})
	m = h.metrics(t)
	v, ok = gauge(t, m["simkit.reconcile.anomalies"], provider, kind("unaccounted_charge"))
	require.True(t, ok)
	require.Zero(t, v)
	require.EqualValues(t, 3, count(t, m["simkit.reconcile.duration"], provider))
}

// TestReconcileExportsAnomalyCounts: the root client's Reconcile reports
// each provider's anomaly counts through the observer, and they arrive as
// the gauge an alert watches.
func TestReconcileExportsAnomalyCounts(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.env.Partner.PlaceOutsideOrder(simkittest.PartnerOutsideOrder{ExternalID: "elsewhere-1"})
	require.NoError(t, err)
	reports, err := h.env.Client.Reconcile(ctx, simkit.ReconcileParams{Grace: time.Nanosecond})
	require.NoError(t, err)
	require.Len(t, reports, 4, "every configured provider")
	m := h.metrics(t)
	v, ok := gauge(t, m["simkit.reconcile.anomalies"], attribute.String("simkit.provider", "partner"), attribute.String("simkit.anomaly.kind", "unaccounted_charge"))
	require.True(t, ok)
	require.EqualValues(t, 1, v)
	v, ok = gauge(t, m["simkit.reconcile.anomalies"], attribute.String("simkit.provider", "topups"), attribute.String("simkit.anomaly.kind", "unaccounted_charge"))
	require.True(t, ok)
	require.Zero(t, v)
	require.EqualValues(t, 1, count(t, m["simkit.reconcile.runs"], attribute.String("simkit.provider", "partner"), attribute.String("simkit.reconcile.outcome", "anomalies")))
	require.EqualValues(t, 3, count(t, m["simkit.reconcile.runs"], attribute.String("simkit.reconcile.outcome", "clean")))
}
