package benchmarks

import (
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/simkit/simkit/partner"
)

// BenchmarkConcurrent256 has 256 goroutines share one client over loopback
// (Partner Balance) and reports requests per second and p99 latency, beside
// the same load through one shared net/http client.
func BenchmarkConcurrent256(b *testing.B) {
	rt := routes{"/balance": fixture(b, "partner", "balance.json")}
	srv := loopback(b, rt)
	sides := []struct {
		name string
		fn   func() call
	}{
		{"sdk", func() call {
			c := partnerClient(b, srv.URL, pooledTransport())
			return func(ctx context.Context) error { _, err := c.Balance(ctx); return err }
		}},
		{"raw", func() call {
			hc := &http.Client{Transport: pooledTransport()}
			url := srv.URL + "/v1/partner/balance"
			return func(ctx context.Context) error {
				body, err := rawGet(ctx, hc, url, partnerHeader)
				if err != nil {
					return err
				}
				var env partnerEnvelope[*partner.Balance]
				return json.Unmarshal(body, &env)
			}
		}},
	}
	for _, side := range sides {
		b.Run("partner-loop/"+side.name, func(b *testing.B) {
			fn := side.fn()
			ctx := context.Background()
			if err := fn(ctx); err != nil {
				b.Fatal(err)
			}
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism((256 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				local := make([]time.Duration, 0, 1024)
				for pb.Next() {
					t := time.Now()
					if err := fn(ctx); err != nil {
						b.Error(err)
						return
					}
					local = append(local, time.Since(t))
				}
				mu.Lock()
				lat = append(lat, local...)
				mu.Unlock()
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
		})
	}
}
