package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// The fleet tables: round trips per operation, the Redis pairs, the growth
// of the records simkit keeps, and the fakes under load
// (benchmarks/fleet and benchmarks/peers' BenchmarkFakes).

// trips is one "trips:" line a BenchmarkTrips run prints: the wire trace of
// one operation and what each trip buys.
type trips struct {
	cmds, buys string
}

// isRatio reports whether a metric unit is a pair's ratio ("sdk/resty",
// "redis/memory", "simkit/stripe-mock"), not a per-op figure.
func isRatio(unit string) bool {
	if strings.Count(unit, "/") != 1 {
		return false
	}
	for _, per := range []string{"/op", "/entry", "/block"} {
		if strings.HasSuffix(unit, per) {
			return false
		}
	}
	return true
}

// sidePair is the first side's name and the second's, from a pair's ratio
// unit.
func sidePair(b *bench) (string, string, float64, bool) {
	for u, v := range b.metrics {
		if isRatio(u) {
			x, y, _ := strings.Cut(u, "/")
			return x, y, v, true
		}
	}
	return "", "", 0, false
}

func (r *run) prefixed(prefix string) []*bench {
	var out []*bench
	for _, name := range r.order {
		if strings.HasPrefix(name, prefix) {
			out = append(out, r.byName[name])
		}
	}
	return out
}

func printFleet(w io.Writer, r *run) {
	if ts := r.prefixed("Trips/"); len(ts) > 0 {
		fmt.Fprintln(w, "\n### Fleet: Redis round trips per operation")
		fmt.Fprintln(w, "\nCounted on the wire (a go-redis hook: one command, script or pipeline is one trip) and at the")
		fmt.Fprintln(w, "Store (simkit's calls on store.Store and the shared limiter), over 200 operations after warm-up;")
		fmt.Fprintln(w, "each operation's trace is checked against the commands listed here.")
		fmt.Fprintln(w, "\n| operation | Redis round trips | of which the ledger's | Store calls | limiter waits | on the wire | what each trip buys |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|---|")
		for _, b := range ts {
			t := r.trips[b.name]
			fmt.Fprintf(w, "| %s | **%s** | %s | %s | %s | %s | %s |\n", strings.TrimPrefix(b.name, "Trips/"),
				trips3(b, "redis-trips/op"), trips3(b, "ledger-trips/op"), trips3(b, "store-calls/op"), trips3(b, "limiter-waits/op"), t.cmds, t.buys)
		}
	}

	var pairs []*bench
	for _, p := range []string{"RedisWebhook/", "RedisInbox", "RedisLedger"} {
		pairs = append(pairs, r.prefixed(p)...)
	}
	if len(pairs) > 0 {
		fmt.Fprintln(w, "\n### Fleet: paired against a real redis-server on loopback")
		fmt.Fprintln(w, "\nCPU time per operation of this process plus the redis-server's (GOMAXPROCS 1); ops/s is its inverse.")
		fmt.Fprintln(w, "B/A is the median per-round ratio of A's CPU per operation to B's: B's ops/s as a share of A's.")
		fmt.Fprintln(w, "\n| pair | A (baseline) | A ops/s | B | B ops/s | B/A ops/s | A allocs | B allocs | A wall µs | B wall µs |")
		fmt.Fprintln(w, "|---|---|---:|---|---:|---:|---:|---:|---:|---:|")
		for _, b := range pairs {
			x, y, q, ok := sidePair(b)
			if !ok {
				continue
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | **%.2fx** | %s | %s | %s | %s |\n", b.name,
				x, perSecond(b, x+"-ns/op"), y, perSecond(b, y+"-ns/op"), q,
				cell(b, x+"-allocs/op"), cell(b, y+"-allocs/op"), micro(b, x+"-wall-ns/op"), micro(b, y+"-wall-ns/op"))
		}
	}

	if gs := r.prefixed("Growth/"); len(gs) > 0 {
		fmt.Fprintln(w, "\n### Fleet: growth of the records simkit keeps in Redis")
		fmt.Fprintln(w, "\nEach kind of record is filled to 1k, 10k and 100k entries through the public API in a redis-server of its own;")
		fmt.Fprintln(w, "bytes per entry: MEMORY USAGE of every key the records use, summed, divided by the entries. A pass is the")
		fmt.Fprintln(w, "provider client's Reconcile over the window the newest 1k, 10k or 100k of the 100k entries began in")
		fmt.Fprintln(w, "(NoSettle, so every pass does the same work): partner's over its ledger against a provider answering in")
		fmt.Fprintln(w, "memory, esimstory's over its ledger and delivery tracker. Its CPU time per entry on one P (this process,")
		fmt.Fprintln(w, "the in-memory provider included, plus the redis-server; then this process alone) and its peak live heap,")
		fmt.Fprintln(w, "read after a collection forced about every page, are medians over the passes: 1k three times, then 10k,")
		fmt.Fprintln(w, "100k, 10k, with seven more 10k passes run inside the 100k one (paused at a page; their CPU is not its).")
		fmt.Fprintln(w, "\n| records | entries | bytes/entry | keys/entry | pass CPU µs/entry | of which this process | pass peak live heap MiB |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
		for _, b := range gs {
			kind, size, _ := strings.Cut(strings.TrimPrefix(b.name, "Growth/"), "/")
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", kind, strings.TrimPrefix(size, "entries="),
				cell(b, "bytes/entry"), cell(b, "keys/entry"), micro(b, "pass-ns/entry"), micro(b, "pass-self-ns/entry"), cell(b, "pass-peak-heap-MiB"))
		}
		for _, g := range growthRatios(r) {
			self := ""
			if g.self > 0 {
				self = fmt.Sprintf(", this process alone **%.2fx**", g.self)
			}
			fmt.Fprintf(w, "\n%s, 100k / 10k entries: pass time per entry **%.2fx**%s (against the mean of the nine 10k passes before, inside and after it), peak heap **%.2fx**.", g.kind, g.time, self, g.heap)
		}
		fmt.Fprintln(w)
	}

	if fk := r.prefixed("Fakes/"); len(fk) > 0 {
		fmt.Fprintln(w, "\n### The fakes under load, beside stripe-mock")
		fmt.Fprintln(w, "\nEach server a child process on one core (GOMAXPROCS 1), 64 concurrent clients; requests/s per")
		fmt.Fprintln(w, "core is one request's server CPU time inverted, so the load generator stays out of it.")
		fmt.Fprintln(w, "\n| request | simkit fakes req/s | stripe-mock req/s | simkit/stripe-mock req/s | simkit answer B | stripe-mock answer B | simkit wall µs | stripe-mock wall µs |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
		for _, b := range fk {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", strings.TrimPrefix(b.name, "Fakes/"),
				perSecond(b, "simkit-ns/op"), perSecond(b, "stripe-mock-ns/op"), inverse(b, "simkit/stripe-mock"),
				cell(b, "simkit-resp-B"), cell(b, "stripe-mock-resp-B"), micro(b, "simkit-wall-ns/op"), micro(b, "stripe-mock-wall-ns/op"))
		}
	}
}

// trips3 prints a per-operation count with up to three significant
// digits (a page walk costs 0.0125 trips per entry).
func trips3(b *bench, unit string) string {
	if v, ok := b.get(unit); ok {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return "-"
}

type growthRatio struct {
	kind       string
	time, heap float64
	self       float64 // this process's time alone; 0 when not reported
}

// growthRatios compares each record kind's pass at 100k entries with the
// pass at 10k.
func growthRatios(r *run) []growthRatio {
	var out []growthRatio
	kinds := map[string]bool{}
	for _, b := range r.prefixed("Growth/") {
		kind, _, _ := strings.Cut(strings.TrimPrefix(b.name, "Growth/"), "/")
		kinds[kind] = true
	}
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		small, big := r.byName["Growth/"+k+"/entries=10k"], r.byName["Growth/"+k+"/entries=100k"]
		if small == nil || big == nil {
			continue
		}
		// The benchmark's own ratios, the 100k pass against the 10k passes
		// around and inside it, when it printed them; else the ratio of
		// the rows.
		if t, ok := big.get("time-ratio-100k-10k"); ok {
			if h, ok := big.get("heap-ratio-100k-10k"); ok {
				self, _ := big.get("self-time-ratio-100k-10k")
				out = append(out, growthRatio{k, t, h, self})
				continue
			}
		}
		ts, ok1 := small.get("pass-ns/entry")
		tb, ok2 := big.get("pass-ns/entry")
		hs, ok3 := small.get("pass-peak-heap-MiB")
		hb, ok4 := big.get("pass-peak-heap-MiB")
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		out = append(out, growthRatio{k, tb / ts, hb / hs, 0})
	}
	return out
}

// fleetTargets states the fleet targets of the performance issue.
func fleetTargets(r *run, row func(target, pair, measured string, ok bool)) {
	tripsAtMost := func(name string, max float64, target string) {
		if b := r.byName[name]; b != nil {
			v, _ := b.get("redis-trips/op")
			row(target, name, num(v), v <= max)
		}
	}
	tripsAtMost("Trips/webhook-first", 2, "webhook on the Redis Store <= 2 round trips (fast path)")
	for _, b := range r.prefixed("Trips/") {
		if v, ok := b.get("ledger-trips/op"); ok {
			row("money call ledger overhead <= 2 round trips", b.name, num(v), v <= 2)
		}
	}
	for _, b := range r.prefixed("RedisLedger") {
		if _, _, q, ok := sidePair(b); ok {
			if strings.Contains(b.name, "/floor-") {
				// Not the target: the decision recorded in
				// BENCHMARKS.md, that the ledger costs no more than the two
				// round trips any write-before and write-after design makes.
				row("ledger <= 1.10x the same call making two bare round trips (its floor; our decision)", b.name, fmt.Sprintf("%.2fx", 1/q), 1/q <= 1.10)
				continue
			}
			row("ledger <= 1.15x the call without one (Redis, paired)", b.name, fmt.Sprintf("%.2fx", 1/q), 1/q <= 1.15)
		}
	}
	for _, b := range r.prefixed("RedisInbox") {
		if _, _, q, ok := sidePair(b); ok {
			row("Redis Streams inbox >= 0.8x a hand-written loop's events/s", b.name, fmt.Sprintf("%.2fx", q), q >= 0.8)
		}
	}
	for _, g := range growthRatios(r) {
		row("pass peak heap at 100k within 10 % of 10k", "Growth/"+g.kind, fmt.Sprintf("%.2fx", g.heap), g.heap <= 1.10)
	}
	if b := r.byName["Fakes/catalog-read"]; b != nil {
		q, _ := b.get("simkit/stripe-mock")
		row("simkit fakes >= stripe-mock's requests/s (comparable read)", b.name, fmt.Sprintf("%.2fx", 1/q), 1/q >= 1)
	}
}

// fleetRatios are the computed ratios -compare checks besides the pairs'.
func fleetRatios(r *run) map[string]float64 {
	out := map[string]float64{}
	for _, g := range growthRatios(r) {
		out["Growth/"+g.kind+" heap 100k/10k"] = g.heap
		out["Growth/"+g.kind+" time/entry 100k/10k"] = g.time
		if g.self > 0 {
			out["Growth/"+g.kind+" time/entry 100k/10k, this process"] = g.self
		}
	}
	return out
}
