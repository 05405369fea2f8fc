package simkitotel

import (
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/simkit/simkit/observe"
)

// ScopeName is the instrumentation scope of simkit's tracer and meter.
const ScopeName = "github.com/simkit/simkit/contrib/otel"

// Options configures an Observer.
type Options struct {
	// TracerProvider makes the spans; nil means otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider makes the instruments; nil means
	// otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
}

// Observer is an observe.Observer that records spans and metrics. Build it
// with New; it is safe for concurrent use.
type Observer struct {
	observe.Base
	tracer trace.Tracer
	m      instruments
}

// New builds an Observer. It fails only when the meter provider refuses an
// instrument.
func New(opts ...func(*Options)) (*Observer, error) {
	o := Options{}
	for _, fn := range opts {
		fn(&o)
	}
	if o.TracerProvider == nil {
		o.TracerProvider = otel.GetTracerProvider()
	}
	if o.MeterProvider == nil {
		o.MeterProvider = otel.GetMeterProvider()
	}
	m, err := newInstruments(o.MeterProvider.Meter(ScopeName))
	if err != nil {
		return nil, fmt.Errorf("simkitotel: cannot create instruments: %w", err)
	}
	return &Observer{tracer: o.TracerProvider.Tracer(ScopeName), m: m}, nil
}
