package simkitotel_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/time/rate"

	"github.com/simkit/simkit"
	simkitotel "github.com/simkit/simkit/contrib/otel"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/simkittest"
)

// harness is an Env whose client reports to an Observer over an in-memory
// span recorder and a manual metric reader.
type harness struct {
	env    *simkittest.Env
	obs    *simkitotel.Observer
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
}

func newHarness(t *testing.T, opts ...simkit.Option) *harness {
	t.Helper()
	return newHarnessWith(t, nil, opts...)
}

// newHarnessWith is newHarness with the fakes configured by cfg.
func newHarnessWith(t *testing.T, cfg func(*simkittest.Config), opts ...simkit.Option) *harness {
	t.Helper()
	h := &harness{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	obs, err := simkitotel.New(func(o *simkitotel.Options) { o.TracerProvider, o.MeterProvider = h.tp, mp })
	require.NoError(t, err)
	h.obs = obs
	h.env = simkittest.New(t, func(c *simkittest.Config) {
		if cfg != nil {
			cfg(c)
		}
		c.ClientOptions = append([]simkit.Option{simkit.WithObserver(obs)}, opts...)
	})
	return h
}

// metrics collects every data point recorded so far.
func (h *harness) metrics(t *testing.T) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, h.reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		require.Equal(t, simkitotel.ScopeName, sm.Scope.Name)
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

// count sums a counter's points, or counts a histogram's observations,
// over the points whose attributes include every one in match.
func count(t *testing.T, agg metricdata.Aggregation, match ...attribute.KeyValue) int64 {
	t.Helper()
	has := func(set attribute.Set) bool {
		for _, kv := range match {
			v, ok := set.Value(kv.Key)
			if !ok || v != kv.Value {
				return false
			}
		}
		return true
	}
	var n int64
	switch a := agg.(type) {
	case metricdata.Sum[int64]:
		for _, p := range a.DataPoints {
			if has(p.Attributes) {
				n += p.Value
			}
		}
	case metricdata.Histogram[float64]:
		for _, p := range a.DataPoints {
			if has(p.Attributes) {
				n += int64(p.Count)
			}
		}
	case nil:
		return 0
	default:
		t.Fatalf("unexpected aggregation %T", agg)
	}
	return n
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// callAndAttempts splits the ended spans into the one call span and its
// attempt spans, checking the parent/child structure.
func callAndAttempts(t *testing.T, spans []sdktrace.ReadOnlySpan) (sdktrace.ReadOnlySpan, []sdktrace.ReadOnlySpan) {
	t.Helper()
	var call sdktrace.ReadOnlySpan
	var attempts []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.SpanKind() == trace.SpanKindClient {
			attempts = append(attempts, s)
		} else {
			require.Nil(t, call, "one call span")
			call = s
		}
	}
	require.NotNil(t, call)
	for _, a := range attempts {
		require.Equal(t, call.SpanContext().SpanID(), a.Parent().SpanID(), "attempt under its call")
		require.Equal(t, call.SpanContext().TraceID(), a.SpanContext().TraceID())
		require.Equal(t, call.Name(), a.Name())
	}
	return call, attempts
}

func TestSpansAndMetricsThroughFaults(t *testing.T) {
	const name = "partner GET /balance"
	tests := []struct {
		name    string
		fault   *simkittest.Fault
		opts    []simkit.Option
		wantErr error
		check   func(t *testing.T, h *harness, call sdktrace.ReadOnlySpan, attempts []sdktrace.ReadOnlySpan)
	}{
		{
			name: "success",
			check: func(t *testing.T, h *harness, call sdktrace.ReadOnlySpan, attempts []sdktrace.ReadOnlySpan) {
				require.Len(t, attempts, 1)
				ca := attrs(call)
				require.Equal(t, "ok", ca["simkit.outcome"].AsString())
				require.Equal(t, int64(1), ca["simkit.attempts"].AsInt64())
				require.Equal(t, codes.Unset, call.Status().Code)
				a := attrs(attempts[0])
				require.Equal(t, "GET", a["http.request.method"].AsString())
				require.Equal(t, "/balance", a["url.template"].AsString())
				require.Equal(t, "127.0.0.1", a["server.address"].AsString())
				require.NotZero(t, a["server.port"].AsInt64())
				require.Equal(t, int64(200), a["http.response.status_code"].AsInt64())
				require.Equal(t, "partner", a["simkit.provider"].AsString())
				_, resent := a["http.request.resend_count"]
				require.False(t, resent)

				m := h.metrics(t)
				require.Equal(t, int64(1), count(t, m["http.client.request.duration"],
					attribute.String("simkit.provider", "partner"), attribute.Int("http.response.status_code", 200), attribute.String("url.template", "/balance")))
				require.Equal(t, int64(1), count(t, m["simkit.client.call.duration"], attribute.String("simkit.outcome", "ok")))
				require.Zero(t, count(t, m["simkit.client.retries"]))
			},
		},
		{
			name:  "retried after a 503",
			fault: &simkittest.Fault{Provider: simkittest.ProviderPartner, Path: "/balance", Times: 1, Kind: simkittest.Status, Status: 503, Header: http.Header{"X-Request-Id": {"req-503"}}},
			check: func(t *testing.T, h *harness, call sdktrace.ReadOnlySpan, attempts []sdktrace.ReadOnlySpan) {
				require.Len(t, attempts, 2)
				require.Equal(t, int64(2), attrs(call)["simkit.attempts"].AsInt64())
				first, second := attrs(attempts[0]), attrs(attempts[1])
				require.Equal(t, int64(503), first["http.response.status_code"].AsInt64())
				require.Equal(t, "503", first["error.type"].AsString())
				require.Equal(t, "req-503", first["simkit.request_id"].AsString())
				require.Equal(t, observe.RetryUnavailable, first["simkit.retry.reason"].AsString())
				require.Equal(t, codes.Error, attempts[0].Status().Code)
				require.Equal(t, int64(200), second["http.response.status_code"].AsInt64())
				require.Equal(t, int64(1), second["http.request.resend_count"].AsInt64())
				require.Equal(t, codes.Unset, call.Status().Code, "the call succeeded")

				m := h.metrics(t)
				require.Equal(t, int64(2), count(t, m["http.client.request.duration"]))
				require.Equal(t, int64(1), count(t, m["http.client.request.duration"], attribute.Int("http.response.status_code", 503)))
				require.Equal(t, int64(1), count(t, m["simkit.client.retries"], attribute.String("simkit.retry.reason", "unavailable")))
			},
		},
		{
			name: "rate limited past the longest Retry-After the policy waits",
			fault: &simkittest.Fault{Provider: simkittest.ProviderPartner, Path: "/balance", Kind: simkittest.Status, Status: 429,
				Header: http.Header{"Retry-After": {"30"}, "X-Request-Id": {"req-429"}, "X-Ratelimit-Limit": {"60"}, "X-Ratelimit-Remaining": {"0"}}},
			// A pacer that never holds anyone, so its waits show up too.
			opts:    []simkit.Option{simkit.WithLimiter(rate.NewLimiter(rate.Inf, 1))},
			wantErr: simkit.ErrRateLimited,
			check: func(t *testing.T, h *harness, call sdktrace.ReadOnlySpan, attempts []sdktrace.ReadOnlySpan) {
				require.Len(t, attempts, 1, "a 30 s Retry-After is over the test policy's 1 s cap: no retry")
				ca := attrs(call)
				require.Equal(t, "rate_limited", ca["error.type"].AsString())
				require.Equal(t, "rate_limited", ca["simkit.outcome"].AsString())
				require.Equal(t, "req-429", ca["simkit.request_id"].AsString())
				require.Equal(t, codes.Error, call.Status().Code)
				require.Equal(t, "rate_limited", call.Status().Description)
				require.Len(t, call.Events(), 1)
				ev := call.Events()[0]
				require.Equal(t, "exception", ev.Name)
				evAttrs := map[attribute.Key]string{}
				for _, kv := range ev.Attributes {
					evAttrs[kv.Key] = kv.Value.Emit()
				}
				require.Equal(t, "simkit.rate_limited", evAttrs["exception.type"])
				require.Equal(t, "simkit partner GET /balance: rate_limited (HTTP 429)", evAttrs["exception.message"])

				a := attrs(attempts[0])
				require.Equal(t, 30.0, a["simkit.ratelimit.retry_after_s"].AsFloat64())
				require.Equal(t, int64(60), a["simkit.ratelimit.limit"].AsInt64())
				require.Equal(t, int64(0), a["simkit.ratelimit.remaining"].AsInt64())
				require.Equal(t, "429", a["error.type"].AsString())
				var waits int
				for _, e := range attempts[0].Events() {
					if e.Name == "simkit.limiter.wait" {
						waits++
					}
				}
				require.Equal(t, 1, waits, "the pacer's wait is an event on the attempt")

				m := h.metrics(t)
				require.Equal(t, int64(1), count(t, m["simkit.client.limiter.wait"],
					attribute.String("simkit.limiter", observe.LimiterPace), attribute.Bool("simkit.admitted", true)))
				require.Equal(t, int64(1), count(t, m["simkit.client.call.duration"], attribute.String("simkit.outcome", "rate_limited")))
				require.Equal(t, int64(1), count(t, m["http.client.request.duration"], attribute.String("error.type", "429")))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts...)
			if tt.fault != nil {
				h.env.Faults.Add(*tt.fault)
			}
			_, err := h.env.Client.Partner.Balance(context.Background())
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			if tt.fault != nil {
				require.NotZero(t, h.env.Faults.Hits())
			}
			call, attempts := callAndAttempts(t, h.spans.Ended())
			require.Equal(t, name, call.Name())
			require.Equal(t, "/balance", attrs(call)["url.template"].AsString())
			tt.check(t, h, call, attempts)
		})
	}
}

func TestNilProvidersUseTheGlobalOnes(t *testing.T) {
	obs, err := simkitotel.New()
	require.NoError(t, err)
	// The global providers are no-ops until set: a call is observed
	// without error and without recording.
	ctx := obs.CallStart(context.Background(), observe.CallStart{Provider: "partner", Method: "GET", Route: "GET /balance", Start: time.Now()})
	obs.CallEnd(ctx, observe.CallEnd{Provider: "partner", Method: "GET", Route: "GET /balance", End: time.Now(), Outcome: "ok"})
	require.False(t, trace.SpanFromContext(ctx).IsRecording())
}
