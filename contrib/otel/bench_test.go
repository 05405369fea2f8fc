package simkitotel_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	simkitotel "github.com/simkit/simkit/contrib/otel"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
)

var balanceBody = []byte(`{"success":true,"data":{"balance":"1000.00","currency":"USD","reserved_amount":"0","available_balance":"1000.00"}}`)

// memoryRT answers every request in memory, so the benchmark measures the
// client stack and the observer, not a network.
type memoryRT struct{}

func (memoryRT) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    200,
		Header:        http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-1"}},
		Body:          io.NopCloser(bytes.NewReader(balanceBody)),
		ContentLength: int64(len(balanceBody)),
		Request:       r,
	}, nil
}

// BenchmarkBalance is one partner call with no observer, a no-op observer,
// and the OTel observer over the SDK (every span sampled and kept in
// memory, metrics aggregated): the last two differ by what OTel costs.
func BenchmarkBalance(b *testing.B) {
	otelObs := func(b *testing.B) observe.Observer {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discardSpans{}))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		obs, err := simkitotel.New(func(o *simkitotel.Options) { o.TracerProvider, o.MeterProvider = tp, mp })
		if err != nil {
			b.Fatal(err)
		}
		return obs
	}
	for _, bc := range []struct {
		name string
		obs  func(*testing.B) observe.Observer
	}{
		{"none", func(*testing.B) observe.Observer { return nil }},
		{"noop", func(*testing.B) observe.Observer { return observe.Base{} }},
		{"otel", otelObs},
	} {
		b.Run(bc.name, func(b *testing.B) {
			obs := bc.obs(b)
			c, err := partner.New(func(o *partner.Options) {
				o.BaseURL = "https://partner.test/v1/partner"
				o.Token, o.Secret = signing.NewSecret("t"), signing.NewSecret("s")
				o.Transport = memoryRT{}
				o.Limiter = option.NoLimit
				o.Observer = obs
			})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Balance(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPartnerWebhook is one first-time partner delivery (verify,
// dedupe, call) with no observer, a no-op one and the OTel observer
// (metrics; with no server span around the request its events have no
// span to land on, as without HTTP middleware).
func BenchmarkPartnerWebhook(b *testing.B) {
	otelObs := func(b *testing.B) observe.Observer {
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		obs, err := simkitotel.New(func(o *simkitotel.Options) {
			o.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discardSpans{}))
			o.MeterProvider = mp
		})
		if err != nil {
			b.Fatal(err)
		}
		return obs
	}
	now := time.Unix(1768478058, 0)
	signer := signing.NewSigner([]byte("s"))
	for _, bc := range []struct {
		name string
		obs  func(*testing.B) observe.Observer
	}{
		{"none", func(*testing.B) observe.Observer { return nil }},
		{"noop", func(*testing.B) observe.Observer { return observe.Base{} }},
		{"otel", otelObs},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, err := partner.NewWebhookHandler(signing.NewSecret("s"), func(context.Context, *partner.WebhookEvent) error { return nil },
				func(o *partner.WebhookOptions) { o.Now, o.Observer = func() time.Time { return now }, bc.obs(b) })
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				key := fmt.Sprintf("%08x-0000-4000-8000-000000000000", i)
				body := []byte(`{"event":"order.status_changed","idempotency_key":"` + key + `","data":{}}`)
				req := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body))
				req.Header = signer.PartnerWebhookHeaders(now, "order.status_changed", key)
				w := httptest.NewRecorder()
				b.StartTimer()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// discardSpans ends spans without keeping them, so memory stays flat over
// b.N calls while every span is still sampled and built.
type discardSpans struct{}

func (discardSpans) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (discardSpans) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (discardSpans) Shutdown(context.Context) error                  { return nil }
func (discardSpans) ForceFlush(context.Context) error                { return nil }
