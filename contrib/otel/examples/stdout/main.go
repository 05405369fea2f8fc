// Command stdout wires simkit's OpenTelemetry observer to the stdout
// exporters and makes a few calls against the simkittest fakes (one of
// them retried after an injected 503), printing the spans and metrics they
// produce.
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/simkit/simkit"
	simkitotel "github.com/simkit/simkit/contrib/otel"
	"github.com/simkit/simkit/simkittest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	spanExp, err := stdouttrace.New(stdouttrace.WithPrettyPrint(), stdouttrace.WithWriter(os.Stdout))
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spanExp))
	defer func() { _ = tp.Shutdown(ctx) }()

	metricExp, err := stdoutmetric.New(stdoutmetric.WithPrettyPrint(), stdoutmetric.WithWriter(os.Stdout))
	if err != nil {
		return err
	}
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(ctx) }()

	obs, err := simkitotel.New(func(o *simkitotel.Options) {
		o.TracerProvider = tp
		o.MeterProvider = mp
	})
	if err != nil {
		return err
	}

	// Against real providers: simkit.New(simkit.WithObserver(obs),
	// simkit.WithPartner(...), ...). Here the fakes stand in for them.
	env, err := simkittest.Start(func(c *simkittest.Config) {
		c.ClientOptions = []simkit.Option{simkit.WithObserver(obs)}
	})
	if err != nil {
		return err
	}
	defer env.Close()
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Path: "/balance", Times: 1,
		Kind: simkittest.Status, Status: http.StatusServiceUnavailable})

	bal, err := env.Client.Partner.Balance(ctx) // two attempt spans under one call span
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "balance: %s %s\n", bal.Balance, bal.Currency)

	// Export the metrics recorded so far.
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		return err
	}
	return metricExp.Export(ctx, &rm)
}
