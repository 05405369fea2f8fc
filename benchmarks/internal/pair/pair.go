// Package pair measures two or more implementations of one operation in one
// loop, in alternating blocks, so that the drift of a noisy machine lands
// on every side alike and the ratio of two runs agrees. It serves the
// benchmarks of simkit and of its peers.
package pair

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// SideEnv names the environment variable that keeps one side of every
// pair and drops the others, for profiling that side alone:
//
//	BENCH_SIDE=sdk go test -run='^$' -bench=Get/partner/mem -benchtime=1x -cpuprofile cpu.out ./benchmarks
const SideEnv = "BENCH_SIDE"

// Side is one implementation of a pair's operation. block runs n
// operations (serially or spread over goroutines) and is timed as a whole;
// prep, when set, runs before every block outside the timing (for example
// to pre-sign n unique webhook deliveries).
type Side struct {
	// Name labels the side's metrics ("sdk", "resty", "raw").
	Name string
	// Prep, when set, runs before every block, untimed.
	Prep func(n int)
	// Block runs n operations.
	Block func(n int) error
	// CPU, when set, is the clock the side's CPU time is read from instead
	// of this process's: a side whose work happens in another process (a
	// server under load) or in this one and another (a client and its
	// redis-server) is judged by what it spends there (see ProcessCPU).
	CPU func() time.Duration
}

// Serial is a side whose block calls fn n times in a row.
func Serial(name string, fn func(ctx context.Context) error) Side {
	ctx := context.Background()
	return Side{Name: name, Block: func(n int) error {
		for i := 0; i < n; i++ {
			if err := fn(ctx); err != nil {
				return err
			}
		}
		return nil
	}}
}

// Parallel is a side whose block spreads n operations over g goroutines
// pulling from one counter. worker builds one goroutine's operation (its
// own reusable state); it is called once per goroutine, up front, and gets
// the operation's index so it can pick a pre-built input.
func Parallel(name string, g int, worker func() func(i int) error) Side {
	ws := make([]func(int) error, g)
	for i := range ws {
		ws[i] = worker()
	}
	return Side{Name: name, Block: func(n int) error {
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make([]error, g)
		for w := range ws {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= n {
						return
					}
					if err := ws[w](i); err != nil {
						errs[w] = err
						return
					}
				}
			}(w)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	}}
}

// Config tunes one paired measurement; zero fields take the defaults
// named on them.
type Config struct {
	// Block is how long one block of one side should take (default 5 ms:
	// short blocks alternate often, so a burst of load on the machine
	// lands on every side alike).
	Block time.Duration
	// Rounds is how many blocks of each side are timed (default 101; odd
	// keeps the median a real sample).
	Rounds int
	// MinOps is the smallest block (default 1; a parallel side needs at
	// least one operation per goroutine).
	MinOps int
	// Procs sets GOMAXPROCS for the measurement (0 leaves it).
	Procs int
	// Wall judges the sides by wall time instead of the default CPU time.
	// CPU time (every thread of the process, garbage collection included)
	// is what an operation costs and hardly moves when other programs load
	// the machine; wall time is what a caller waits, and the right clock
	// when the operation mostly waits (a server answering after a delay).
	Wall bool
}

func (c Config) withDefaults() Config {
	if c.Block <= 0 {
		c.Block = 5 * time.Millisecond
	}
	if c.Rounds <= 0 {
		c.Rounds = 101
	}
	if c.MinOps <= 0 {
		c.MinOps = 1
	}
	return c
}

// sample is one timed block.
type sample struct {
	wall, cpu, allocs, bytes float64 // per operation
}

// ns is the sample's figure on the clock the pair is judged by.
func (s sample) ns(wall bool) float64 {
	if wall {
		return s.wall
	}
	return s.cpu
}

// gcEvery is how much garbage may pile up between blocks before it is
// collected. A forced collection costs about 4 ms however little garbage
// there is, so collecting before every block doubled a pair's run time.
const gcEvery = 64 << 20

// heap tracks the live heap after the last collection.
type heap struct{ live uint64 }

// runBlock times one block of n operations of s, with its allocations.
// The collector is off during the pair (see Run) and garbage is collected
// between blocks, untimed, once gcEvery bytes have piled up: no cycle runs
// inside a block. A cycle that started in one block and not another moved
// a ratio by up to 0.5 between runs; garbage shows as B/op and allocs/op.
func runBlock(h *heap, s Side, n int) (sample, error) {
	if s.Prep != nil {
		s.Prep(n)
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	if m0.HeapAlloc > h.live+gcEvery {
		runtime.GC()
		runtime.ReadMemStats(&m0)
		h.live = m0.HeapAlloc
	}
	clock := cpuTime
	if s.CPU != nil {
		clock = s.CPU
	}
	c0, t0 := clock(), time.Now()
	err := s.Block(n)
	d, c := time.Since(t0), clock()-c0
	runtime.ReadMemStats(&m1)
	return sample{
		wall:   float64(d.Nanoseconds()) / float64(n),
		cpu:    float64(c.Nanoseconds()) / float64(n),
		allocs: float64(m1.Mallocs-m0.Mallocs) / float64(n),
		bytes:  float64(m1.TotalAlloc-m0.TotalAlloc) / float64(n),
	}, err
}

// calibrate finds how many operations of s fill one block. An operation is
// timed on the shorter of its wall and pair clocks (wall alone for a pair
// judged by wall time), at the best of three blocks: on a loaded machine
// one preemption in a calibration block made the first runs' blocks a
// single operation long, and then a block's fixed costs (reading the
// clocks) were charged to that one operation (RedisLedger/cpu read 0.41
// instead of 0.23 in such a run).
func calibrate(h *heap, s Side, cfg Config) (int, error) {
	per := func(sm sample) float64 {
		if !cfg.Wall && sm.cpu > 0 && sm.cpu < sm.wall {
			return sm.cpu
		}
		return sm.wall
	}
	n := cfg.MinOps
	for {
		sm, err := runBlock(h, s, n)
		if err != nil {
			return 0, err
		}
		op := per(sm)
		if time.Duration(op*float64(n)) >= cfg.Block/4 || n >= 1<<24 {
			for range 2 {
				again, err := runBlock(h, s, n)
				if err != nil {
					return 0, err
				}
				op = min(op, per(again))
			}
			want := int(float64(cfg.Block) / op)
			return max(want, cfg.MinOps), nil
		}
		n *= 2
	}
}

// Run measures the sides of one pair in one loop: every round runs one
// block of each side, the side that goes first rotating from round to
// round, so drift of a noisy machine lands on every side alike. Each
// round yields the ratio of the first side (the SDK) to every other side;
// the reported ratio is the median over rounds, and each side's ns/op,
// allocs/op and B/op are medians of its blocks. Metrics are reported as
// "<side>-ns/op" (on the pair's clock: CPU time unless Config.Wall),
// "<side>-wall-ns/op", "<side>-allocs/op", "<side>-B/op" and "sdk/<side>";
// "wall-clock" 1 marks a pair judged by wall time.
func Run(b *testing.B, cfg Config, sides ...Side) {
	b.Helper()
	cfg = cfg.withDefaults()
	if cfg.Procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cfg.Procs))
	}
	if only := os.Getenv(SideEnv); only != "" {
		for _, s := range sides {
			if s.Name == only {
				sides = []Side{s}
				break
			}
		}
		if len(sides) != 1 {
			b.Skipf("pair has no side %q", only)
		}
		cfg.Rounds *= 10 // a profile needs samples
	}
	// Collection runs between blocks, untimed (see runBlock).
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	// b.N is ignored: the pair sizes its own blocks. Run with -benchtime=1x.
	h := &heap{}
	n, err := calibrate(h, sides[0], cfg)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range sides { // warm pools, caches and the allocator
		if _, err := runBlock(h, s, n); err != nil {
			b.Fatalf("%s: %v", s.Name, err)
		}
	}
	runtime.GC()
	per := make([][]sample, len(sides))
	ratios := make([][]float64, len(sides))
	b.ResetTimer()
	for r := 0; r < cfg.Rounds; r++ {
		got := make([]sample, len(sides))
		for k := range sides {
			i := (r + k) % len(sides)
			sm, err := runBlock(h, sides[i], n)
			if err != nil {
				b.Fatalf("%s: %v", sides[i].Name, err)
			}
			got[i] = sm
			per[i] = append(per[i], sm)
		}
		if os.Getenv("BENCH_DEBUG") != "" {
			line := fmt.Sprintf("round %2d:", r)
			for i, g := range got {
				line += fmt.Sprintf(" %s wall %.0f cpu %.0f;", sides[i].Name, g.wall, g.cpu)
			}
			fmt.Fprintln(os.Stderr, line)
		}
		for i := 1; i < len(sides); i++ {
			ratios[i] = append(ratios[i], got[0].ns(cfg.Wall)/got[i].ns(cfg.Wall))
		}
	}
	b.StopTimer()
	for i, s := range sides {
		b.ReportMetric(median(per[i], func(x sample) float64 { return x.ns(cfg.Wall) }), s.Name+"-ns/op")
		b.ReportMetric(median(per[i], func(x sample) float64 { return x.wall }), s.Name+"-wall-ns/op")
		b.ReportMetric(median(per[i], func(x sample) float64 { return x.allocs }), s.Name+"-allocs/op")
		b.ReportMetric(median(per[i], func(x sample) float64 { return x.bytes }), s.Name+"-B/op")
		if i > 0 {
			b.ReportMetric(median(ratios[i], func(x float64) float64 { return x }), sides[0].Name+"/"+s.Name)
		}
	}
	b.ReportMetric(float64(n), "ops/block")
	if cfg.Wall {
		b.ReportMetric(1, "wall-clock")
	}
	// The framework's own figures describe the whole pair, not a side.
	b.ReportMetric(0, "ns/op")
}

func median[T any](xs []T, f func(T) float64) float64 {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = f(x)
	}
	sort.Float64s(v)
	if len(v) == 0 {
		return 0
	}
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// MustPass runs fn once before a pair is measured, so a broken side fails
// loudly instead of being timed.
func MustPass(b *testing.B, name string, fn func(ctx context.Context) error) {
	b.Helper()
	if err := fn(context.Background()); err != nil {
		b.Fatal(fmt.Errorf("%s: %w", name, err))
	}
}

// Self is this process's CPU time, every thread counted: the clock a side
// is judged by unless Side.CPU says otherwise.
func Self() time.Duration { return cpuTime() }

// Sum adds clocks, for a side judged by several processes' CPU time.
func Sum(clocks ...func() time.Duration) func() time.Duration {
	return func() time.Duration {
		var t time.Duration
		for _, c := range clocks {
			t += c()
		}
		return t
	}
}
