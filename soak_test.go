package simkit_test

import (
	"flag"
	"testing"
	"time"

	"github.com/simkit/simkit/internal/soak"
)

var (
	soakSeed     = flag.Int64("soak.seed", 1, "seed of the soak's faults and call mix")
	soakDuration = flag.Duration("soak.duration", 6*time.Second, "how long the soak's workers call")
	soakWorkers  = flag.Int("soak.workers", 24, "goroutines calling in the soak")
)

// TestSoak drives every money call from many goroutines over three
// replicas sharing one memory Store, with seeded faults on about 15% of
// requests, and fails on any double charge, number held twice, charge
// held by nobody, wrong error or goroutine left behind. Longer runs:
// go test -run Soak -soak.duration 60s -soak.seed 7 .
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped with -short")
	}
	soak.Run(t, soak.Config{Name: "memory", Seed: *soakSeed, Duration: *soakDuration, Workers: *soakWorkers, Books: soak.BooksClose})
}
