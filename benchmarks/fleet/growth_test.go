package fleet

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/simkit/simkit/benchmarks/internal/pair"
	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/reconcile"
)

// growthSize is one entry count every record kind is measured at.
type growthSize struct {
	name string
	n    int
}

// growthSizes are the entry counts every record kind is measured at.
var growthSizes = []growthSize{{"1k", 1_000}, {"10k", 10_000}, {"100k", 100_000}}

// growthSides is how many passes over the newest 10k run while the 100k
// pass is under way (paused at a page, then resumed; their CPU is taken
// out of its), so the 100k pass is judged against 10k passes spread over
// its own span, not only before and after it: on a loaded machine the
// CPU one 10k pass takes moves by half within a minute, both this
// process's and the redis-server's.
const growthSides = 7

// growthStep is the time between two entries' starts on the fill's
// clock: 100k entries span 14 hours of the last day, the window a
// Reconcile covers by default.
const growthStep = 500 * time.Millisecond

// growthRecords is one kind of record filled into one redis-server.
type growthRecords struct {
	// fill writes entry i through the public API; a ledger entry begins
	// at growthStart(base, i).
	fill func(ctx context.Context, i int) error
	// match are the SCAN patterns of the keys measured for bytes per
	// entry; none is every key of the server.
	match []string
	// pass, when set, is the real pass over the newest n entries (a
	// provider client's Reconcile over the window they began in) and
	// returns how many entries it walked; page is called about every page
	// of work (the live heap is read there).
	pass func(ctx context.Context, n int, page func()) (int, error)
	// side is the same pass by a second client whose reconciliation lock
	// has another key, so it runs inside pass's page callback.
	side func(ctx context.Context, n int, page func()) (int, error)
}

// sideLock is the Redis Store with the reconciliation locks renamed: a
// side pass takes its own lock while the main pass holds the real one.
type sideLock struct {
	*redisstore.Store
}

func sideKey(key string) string {
	if strings.HasPrefix(key, reconcile.LockKey("")) {
		return key + ":side"
	}
	return key
}

func (s sideLock) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	return s.Store.SetNX(ctx, sideKey(key), value, ttl)
}

func (s sideLock) CompareAndDelete(ctx context.Context, key string, value []byte) (bool, error) {
	return s.Store.CompareAndDelete(ctx, sideKey(key), value)
}

// growthStart is when entry i began on the fill's clock.
func growthStart(base time.Time, i int) time.Time { return base.Add(time.Duration(i) * growthStep) }

// growthKind is one kind of record simkit keeps in the Store.
type growthKind struct {
	name string
	// open builds the records of a server that will hold n entries, the
	// first beginning at base.
	open func(tb testing.TB, st *redisstore.Store, base time.Time, n int) growthRecords
	// workers fill in parallel (32 unless set).
	workers int
}

// growthFigures are one size's measurements.
type growthFigures struct {
	bytes, keys float64 // per entry
	passNs      float64 // CPU per entry, median of every timed pass
	passSelfNs  float64 // of which this process's
	peakMiB     float64 // peak live heap, median of every pass
	timeRatio   float64 // 100k only: 100k/10k time per entry
	selfRatio   float64 // 100k only: the same, this process's CPU alone
	heapRatio   float64 // 100k only
}

// BenchmarkGrowth fills each kind of record to 1k, 10k and 100k entries
// in a real redis-server and reports bytes per entry (MEMORY USAGE of
// every key the records use), keys per entry, and for records a real pass
// walks (a provider client's Reconcile over the ledger and the tracker)
// the CPU time per entry of a pass over the newest 1k, 10k and 100k (this
// process, the in-memory provider included, and the redis-server) and the
// peak live heap of the pass.
func BenchmarkGrowth(b *testing.B) {
	for _, k := range growthKinds() {
		b.Run(k.name, func(b *testing.B) {
			figs, walked := growthMeasure(b, k)
			for _, size := range growthSizes {
				f := figs[size.name]
				b.Run("entries="+size.name, func(b *testing.B) {
					b.ReportMetric(f.bytes, "bytes/entry")
					b.ReportMetric(f.keys, "keys/entry")
					if walked {
						b.ReportMetric(f.passNs, "pass-ns/entry")
						b.ReportMetric(f.passSelfNs, "pass-self-ns/entry")
						b.ReportMetric(f.peakMiB, "pass-peak-heap-MiB")
					}
					if f.timeRatio > 0 {
						b.ReportMetric(f.timeRatio, "time-ratio-100k-10k")
						b.ReportMetric(f.selfRatio, "self-time-ratio-100k-10k")
						b.ReportMetric(f.heapRatio, "heap-ratio-100k-10k")
					}
					b.ReportMetric(0, "ns/op")
				})
			}
		})
	}
}

// growthMeasure fills one server to each size in turn, reading the bytes
// at each, then, for records a pass walks, walks the newest 1k (three
// times), 10k, 100k and 10k entries of the one server (Redis holds the
// same data for every size), growthSides more 10k passes running inside
// the 100k pass. Every pass reads the live heap after a collection it
// forces about every page (so its CPU includes one collection per page,
// the same share at every size) and is timed by the CPU of this process
// and of the redis-server, apart. The 100k pass's time per entry is
// judged against the mean of the 10k passes before, inside and after it.
func growthMeasure(b *testing.B, k growthKind) (map[string]*growthFigures, bool) {
	srv := startRedis(b)
	rdb := srv.client(b)
	ctx := context.Background()
	last := growthSizes[len(growthSizes)-1].n
	base := time.Now().Add(-time.Duration(last)*growthStep - time.Hour)
	rec := k.open(b, redisstore.New(rdb), base, last)
	figs := map[string]*growthFigures{}
	filled := 0
	for _, size := range growthSizes {
		if err := fillParallel(ctx, k.workers, filled, size.n, func(i int) error { return rec.fill(ctx, i) }); err != nil {
			b.Fatal(err)
		}
		filled = size.n
		bytes, keys, err := memoryUsage(ctx, rdb, rec.match)
		if err != nil {
			b.Fatal(err)
		}
		figs[size.name] = &growthFigures{bytes: float64(bytes) / float64(size.n), keys: float64(keys) / float64(size.n)}
	}
	if rec.pass == nil {
		return figs, false
	}
	// One P, as the Redis pairs run: with two, the runtime spins an idle
	// thread looking for work whenever the pass waits on Redis, and that
	// spinning, which load makes longer or shorter, is CPU time too.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	small, mid, big := growthSizes[0], growthSizes[1], growthSizes[2]
	redisCPU := pair.ProcessCPU(srv.cmd.Process.Pid)
	clock := func() cpuSplit { return cpuSplit{pair.Self(), redisCPU()} }
	took := map[string][]cpuSplit{}
	peaks := map[string][]float64{}
	collect := func() { runtime.GC() }
	// walk walks the newest size.n entries with pass and returns its CPU;
	// inside, when set, runs at every page after the heap is read and its
	// CPU is not the pass's.
	walk := func(size growthSize, inside func() cpuSplit) (cpuSplit, float64, int) {
		var peak uint64
		var ms runtime.MemStats
		var aside cpuSplit
		pages := 0
		page := func() {
			pages++
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			if inside != nil {
				aside = aside.plus(inside())
			}
		}
		runtime.GC()
		start := clock()
		seen, err := rec.pass(ctx, size.n, page)
		spent := clock().minus(start).minus(aside)
		if err != nil {
			b.Fatal(err)
		}
		if seen != size.n {
			b.Fatalf("the pass over the newest %s walked %d entries", size.name, seen)
		}
		page() // a pass shorter than a page is read once
		return spent.per(size.n), float64(peak) / (1 << 20), pages
	}
	timed := func(size growthSize) (cpuSplit, int) {
		t, peak, pages := walk(size, nil)
		took[size.name] = append(took[size.name], t)
		peaks[size.name] = append(peaks[size.name], peak)
		return t, pages
	}
	for range 3 {
		timed(small)
	}
	before, pages := timed(mid)
	refs := []cpuSplit{before}
	// A side pass every 10k pass's pages x 10/(growthSides+1): evenly
	// spread over the 100k pass, whose pages are about ten times as many.
	every := max(1, pages*10/(growthSides+1))
	seen := 0
	var sideErr error // the page callback may run off the benchmark's goroutine
	inside := func() cpuSplit {
		seen++
		if seen%every != 0 || len(refs) > growthSides || sideErr != nil {
			return cpuSplit{}
		}
		start := clock()
		if _, err := rec.side(ctx, mid.n, collect); err != nil {
			sideErr = err
		}
		d := clock().minus(start)
		refs = append(refs, d.per(mid.n))
		took[mid.name] = append(took[mid.name], d.per(mid.n))
		return d
	}
	t, peak, _ := walk(big, inside)
	if sideErr != nil {
		b.Fatal(sideErr)
	}
	if len(refs) != growthSides+1 {
		b.Fatalf("%d passes over 10k ran inside the 100k pass, want %d", len(refs)-1, growthSides)
	}
	took[big.name] = append(took[big.name], t)
	peaks[big.name] = append(peaks[big.name], peak)
	after, _ := timed(mid)
	refs = append(refs, after)
	var mean cpuSplit
	for _, r := range refs {
		mean = mean.plus(r)
	}
	// Each pass's figures, for judging two runs' agreement (benchtable
	// reads only the Benchmark lines).
	fmt.Printf("growth: %s 100k pass µs/entry (this process + redis-server) %s against 10k passes before, inside and after it: %s; 1k: %s\n",
		k.name, t, refs, took[small.name])
	for _, size := range growthSizes {
		var total, self []float64
		for _, c := range took[size.name] {
			total = append(total, float64(c.self+c.redis))
			self = append(self, float64(c.self))
		}
		figs[size.name].passNs = median(total)
		figs[size.name].passSelfNs = median(self)
		figs[size.name].peakMiB = median(peaks[size.name])
	}
	n := time.Duration(len(refs))
	figs[big.name].timeRatio = float64(t.self+t.redis) / float64((mean.self+mean.redis)/n)
	figs[big.name].selfRatio = float64(t.self) / float64(mean.self/n)
	figs[big.name].heapRatio = figs[big.name].peakMiB / figs[mid.name].peakMiB
	return figs, true
}

// cpuSplit is CPU time of this process and of the redis-server (per entry
// once divided by per).
type cpuSplit struct{ self, redis time.Duration }

func (c cpuSplit) plus(d cpuSplit) cpuSplit  { return cpuSplit{c.self + d.self, c.redis + d.redis} }
func (c cpuSplit) minus(d cpuSplit) cpuSplit { return cpuSplit{c.self - d.self, c.redis - d.redis} }
func (c cpuSplit) per(n int) cpuSplit {
	return cpuSplit{c.self / time.Duration(n), c.redis / time.Duration(n)}
}

// String prints this process's and the redis-server's µs.
func (c cpuSplit) String() string {
	return fmt.Sprintf("%.1f+%.1f", float64(c.self.Nanoseconds())/1e3, float64(c.redis.Nanoseconds())/1e3)
}

// median of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}

// fillParallel runs fill(i) for i in [from, to) on workers goroutines (32
// when zero).
func fillParallel(ctx context.Context, workers, from, to int, fill func(i int) error) error {
	if workers <= 0 {
		workers = 32
	}
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	var first error
	var once sync.Once
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= to || ctx.Err() != nil {
					return
				}
				if err := fill(i); err != nil {
					once.Do(func() { first = fmt.Errorf("entry %d: %w", i, err) })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// memoryUsage sums MEMORY USAGE over the keys of the server matching
// any of match behind the Redis Store's prefix (every key when none).
func memoryUsage(ctx context.Context, rdb *redis.Client, match []string) (bytes, keys int64, err error) {
	if len(match) == 0 {
		return memoryMatching(ctx, rdb, "")
	}
	for _, m := range match {
		b, k, err := memoryMatching(ctx, rdb, redisstore.DefaultPrefix+m)
		if err != nil {
			return 0, 0, err
		}
		bytes, keys = bytes+b, keys+k
	}
	return bytes, keys, nil
}

// memoryMatching sums MEMORY USAGE over the keys matching pattern.
func memoryMatching(ctx context.Context, rdb *redis.Client, pattern string) (bytes, keys int64, err error) {
	var cursor uint64
	for {
		var batch []string
		batch, cursor, err = rdb.Scan(ctx, cursor, pattern, 1000).Result()
		if err != nil {
			return 0, 0, err
		}
		if len(batch) > 0 {
			cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for _, k := range batch {
					p.MemoryUsage(ctx, k, 0)
				}
				return nil
			})
			if err != nil && err != redis.Nil {
				return 0, 0, err
			}
			for _, c := range cmds {
				if n, err := c.(*redis.IntCmd).Result(); err == nil {
					bytes += n
					keys++
				}
			}
		}
		if cursor == 0 {
			return bytes, keys, nil
		}
	}
}

// growthKinds are the records measured: the partner ledger walked by
// partner's Reconcile, the eSIM Story delivery tracker walked by
// esimstory's Reconcile, and the SMS activation journal.
func growthKinds() []growthKind {
	return []growthKind{ledgerGrowth(), trackerGrowth(), activationGrowth()}
}
