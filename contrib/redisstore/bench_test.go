package redisstore

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSetNX measures set-if-absent round trips (one SET NX PX each,
// every key new so every call wins) against a local redis-server, one
// caller at a time: the latency a webhook dedupe claim adds.
func BenchmarkSetNX(b *testing.B) {
	srv := startRedis(b)
	s := New(srv.client())
	ctx := context.Background()
	val := []byte("processing")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.SetNX(ctx, "bench:"+strconv.Itoa(i), val, time.Minute); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "setnx/s")
}

// BenchmarkSetNXParallel is the same with 8×GOMAXPROCS concurrent callers
// sharing the client's connection pool: the throughput a busy replica gets
// when many requests wait on Redis at once.
func BenchmarkSetNXParallel(b *testing.B) {
	srv := startRedis(b)
	s := New(srv.client())
	ctx := context.Background()
	val := []byte("processing")
	var n atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.SetNX(ctx, "bench:"+strconv.FormatInt(n.Add(1), 10), val, time.Minute); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "setnx/s")
}
