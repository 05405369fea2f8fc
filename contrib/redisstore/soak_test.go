package redisstore

import (
	"flag"
	"testing"
	"time"

	"github.com/simkit/simkit/internal/soak"
	"github.com/simkit/simkit/store"
)

var (
	soakSeed     = flag.Int64("soak.seed", 1, "seed of the soak's faults and call mix")
	soakDuration = flag.Duration("soak.duration", 6*time.Second, "how long the soak's workers call")
	soakWorkers  = flag.Int("soak.workers", 24, "goroutines calling in the soak")
)

// TestSoakRedis is the core soak with the replicas sharing one Redis (each
// replica its own Store and connection pool, as separate processes
// would): no double charge, no number held twice, no charge held by
// nobody, no wrong error, no goroutine left behind.
func TestSoakRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped with -short")
	}
	srv := startRedis(t)
	soak.Run(t, soak.Config{
		Name: "redis", Seed: *soakSeed, Duration: *soakDuration, Workers: *soakWorkers,
		NewStore: func(t *testing.T, replica int) store.Store {
			return New(srv.client())
		},
		Books: soak.BooksClose,
	})
}
