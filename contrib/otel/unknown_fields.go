package simkitotel

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/simkit/simkit/observe"
)

// UnknownFields counts each member of an answer simkit does not model
// under the call's route, and adds a span event naming them.
func (o *Observer) UnknownFields(ctx context.Context, e observe.UnknownFields) {
	for _, f := range e.Fields {
		o.m.unknownFields.Add(ctx, 1, metric.WithAttributes(keyProvider.String(e.Provider), keyRoute.String(e.Route), keyField.String(f)))
	}
	trace.SpanFromContext(ctx).AddEvent("simkit.unknown_fields", trace.WithAttributes(
		keyProvider.String(e.Provider), keyRoute.String(e.Route), attribute.StringSlice(string(keyField), e.Fields)))
}
