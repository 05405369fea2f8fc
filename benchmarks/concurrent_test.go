package benchmarks

import (
	"context"
	"testing"
	"time"

	"github.com/simkit/simkit/benchmarks/internal/pair"
)

// BenchmarkConcurrent256 has 256 goroutines share one client over loopback
// (partner Balance), beside the same load through bare resty and through
// one shared net/http client. Blocks are timed as a whole, so sdk/raw of
// ns/op is the inverse of the throughput ratio.
func BenchmarkConcurrent256(b *testing.B) {
	rt := routes{"/balance": fixture(b, "partner", "balance.json")}
	srv := loopback(b, rt)
	t := partnerBalance(b, srv.URL, pooled)
	pair.MustPass(b, "sdk", t.sdk)
	pair.MustPass(b, "resty", t.resty)
	pair.MustPass(b, "raw", t.raw)
	const g = 256
	side := func(name string, fn call) pair.Side {
		ctx := context.Background()
		return pair.Parallel(name, g, func() func(int) error {
			return func(int) error { return fn(ctx) }
		})
	}
	b.Run("partner-loop", func(b *testing.B) {
		pair.Run(b, pair.Config{Block: 50 * time.Millisecond, Rounds: 41, MinOps: 4 * g},
			side("sdk", t.sdk), side("resty", t.resty), side("raw", t.raw))
	})
}
