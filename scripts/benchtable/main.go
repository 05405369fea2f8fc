// Command benchtable turns the output of the paired benchmarks (stdin) into
// the Markdown tables of BENCHMARKS.md: every pair's sides (SDK, bare
// resty, raw net/http) with their ratios and allocations, the latency table,
// the webhook's events/s, the peer rows, the iterator's heap and the
// targets, each marked met or not.
//
//	go test -run='^$' -bench=. -benchtime=1x ./benchmarks | go run ./scripts/benchtable
//
// With -compare A B it reads two such outputs and prints how far every
// ratio moved between them, and the largest move.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// bench is one benchmark line: its name (without the -GOMAXPROCS suffix)
// and every metric on it.
type bench struct {
	name    string
	metrics map[string]float64
}

func (b *bench) get(unit string) (float64, bool) {
	v, ok := b.metrics[unit]
	return v, ok
}

// run is one parsed output.
type run struct {
	order  []string
	byName map[string]*bench
	cpu    string
	goVer  string
	redis  string           // the "redis:" line of benchmarks/fleet
	trips  map[string]trips // the "trips:" lines, by benchmark name
	cmds   []string         // the "command:" lines make bench writes
}

var procSuffix = regexp.MustCompile(`-\d+$`)

func parse(in io.Reader) (*run, error) {
	r := &run{byName: map[string]*bench{}, trips: map[string]trips{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "cpu: "); ok {
			r.cpu = strings.TrimSpace(v)
			continue
		}
		if v, ok := strings.CutPrefix(line, "go: "); ok {
			r.goVer = strings.TrimSpace(v)
			continue
		}
		if v, ok := strings.CutPrefix(line, "redis: "); ok {
			r.redis = strings.TrimSpace(v)
			continue
		}
		if v, ok := strings.CutPrefix(line, "command: "); ok {
			r.cmds = append(r.cmds, strings.TrimSpace(v))
			continue
		}
		if v, ok := strings.CutPrefix(line, "trips: "); ok {
			if f := strings.SplitN(v, "\t", 3); len(f) == 3 {
				r.trips[strings.TrimPrefix(f[0], "Benchmark")] = trips{cmds: f[1], buys: f[2]}
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		b := r.byName[name]
		if b == nil {
			b = &bench{name: name, metrics: map[string]float64{}}
			r.byName[name] = b
			r.order = append(r.order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				b.metrics[f[i+1]] = v
			}
		}
	}
	return r, sc.Err()
}

func readFile(path string) (*run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parse(f)
}

func num(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// cell prints a metric, or "-" when the benchmark lacks it.
func cell(b *bench, unit string) string {
	if v, ok := b.get(unit); ok {
		return num(v)
	}
	return "-"
}

func ratioCell(b *bench, unit string) string {
	if v, ok := b.get(unit); ok {
		return fmt.Sprintf("**%.2fx**", v)
	}
	return "-"
}

// pairs are the benchmarks measured by runPair (they report sdk-ns/op).
func (r *run) pairs(prefix ...string) []*bench {
	var out []*bench
	for _, name := range r.order {
		b := r.byName[name]
		if _, ok := b.get("sdk-ns/op"); !ok {
			continue
		}
		for _, p := range prefix {
			if strings.HasPrefix(name, p) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// machine reads the CPU model and core count from /proc/cpuinfo, falling
// back to the `cpu:` line of the benchmark output.
func machine(fallback string) string {
	model, cores := fallback, 0
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "model name":
				model = strings.TrimSpace(v)
			case "processor":
				cores++
			}
		}
	}
	if cores == 0 {
		cores = runtime.NumCPU()
	}
	return fmt.Sprintf("%s, nproc %d, %s/%s", model, cores, runtime.GOOS, runtime.GOARCH)
}

func main() {
	compare := flag.Bool("compare", false, "compare the ratios of two outputs given as arguments")
	flag.Parse()
	if *compare {
		if flag.NArg() != 2 {
			fmt.Fprintln(os.Stderr, "usage: benchtable -compare A.txt B.txt")
			os.Exit(2)
		}
		a, err := readFile(flag.Arg(0))
		if err == nil {
			var b *run
			if b, err = readFile(flag.Arg(1)); err == nil {
				printCompare(os.Stdout, a, b)
				return
			}
		}
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	r, err := parse(os.Stdin)
	if err == nil && len(r.order) == 0 {
		err = fmt.Errorf("no benchmark lines on stdin")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	printTables(w, r)
}

func printTables(w io.Writer, r *run) {
	for _, c := range r.cmds {
		fmt.Fprintf(w, "Command: `%s`\n", c)
	}
	redis := ""
	if r.redis != "" {
		redis = " Redis: " + r.redis + "."
	}
	fmt.Fprintf(w, "Machine: %s. Go: %s.%s\n", machine(r.cpu), runtime.Version(), redis)
	fmt.Fprintln(w, "Every figure is the median over rounds of alternating blocks (see benchmarks/internal/pair);")
	fmt.Fprintln(w, "a ratio is the median of the per-round ratios, not a ratio of medians. ns/op is the process's")
	fmt.Fprintln(w, "CPU time per operation (every thread) unless a table says wall; garbage is collected between")
	fmt.Fprintln(w, "blocks, untimed, so its cost shows as B/op and allocs/op.")

	fmt.Fprintln(w, "\n### Typical calls: SDK, bare resty, raw net/http")
	fmt.Fprintln(w, "\n| pair | SDK ns/op | resty ns/op | raw ns/op | SDK/resty | SDK/raw | SDK allocs | resty allocs | raw allocs | SDK-resty allocs | SDK B/op | resty B/op | raw B/op |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, b := range r.pairs("Get/", "SignedPOST/", "Concurrent256/") {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", b.name,
			cell(b, "sdk-ns/op"), cell(b, "resty-ns/op"), cell(b, "raw-ns/op"),
			ratioCell(b, "sdk/resty"), ratioCell(b, "sdk/raw"),
			cell(b, "sdk-allocs/op"), cell(b, "resty-allocs/op"), cell(b, "raw-allocs/op"), diff(b, "sdk-allocs/op", "resty-allocs/op"),
			cell(b, "sdk-B/op"), cell(b, "resty-B/op"), cell(b, "raw-B/op"))
	}
	fmt.Fprintln(w, "\n`mem` answers from an in-memory RoundTripper (client stack only), `loop` from a server on 127.0.0.1;")
	fmt.Fprintln(w, "allocations over loopback include the server's. Concurrent256: ns/op is CPU time per call with 256 goroutines on both cores; the machine saturated, SDK/raw is raw/SDK throughput.")

	if lat := r.pairs("Latency/"); len(lat) > 0 {
		fmt.Fprintln(w, "\n### Latency: partner Balance over loopback, server answering after a delay")
		fmt.Fprintln(w, "\n| pair | clock | SDK µs/op | resty µs/op | raw µs/op | SDK/resty | SDK/raw | SDK's share of the call |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|")
		for _, b := range lat {
			share := "-"
			if q, ok := b.get("sdk/raw"); ok && q > 0 {
				share = fmt.Sprintf("%.1f %%", 100*(1-1/q))
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", b.name, clock(b),
				micro(b, "sdk-ns/op"), micro(b, "resty-ns/op"), micro(b, "raw-ns/op"),
				ratioCell(b, "sdk/resty"), ratioCell(b, "sdk/raw"), share)
		}
		fmt.Fprintln(w, "\nThe SDK's share is 1 - raw/SDK: the part of a call's time that the SDK adds over a hand-written client.")
		fmt.Fprintln(w, "With no delay the call is CPU-bound and judged by CPU time; with a delay it mostly waits, and wall time is what the caller sees.")
	}

	if wh := r.pairs("Webhook/"); len(wh) > 0 {
		fmt.Fprintln(w, "\n### Partner webhook handler vs a hand-written one")
		fmt.Fprintln(w, "\nevents/s per core: one event's CPU time inverted (GOMAXPROCS 1 for cpu1).")
		fmt.Fprintln(w, "\n| pair | SDK events/s | raw events/s | SDK/raw events/s | SDK allocs | raw allocs | SDK B/op | raw B/op |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
		for _, b := range wh {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", b.name,
				perSecond(b, "sdk-ns/op"), perSecond(b, "raw-ns/op"), inverse(b, "sdk/raw"),
				cell(b, "sdk-allocs/op"), cell(b, "raw-allocs/op"), cell(b, "sdk-B/op"), cell(b, "raw-B/op"))
		}
	}

	if sg := r.pairs("Sign/"); len(sg) > 0 {
		fmt.Fprintln(w, "\n### Signing vs one bare crypto/hmac")
		fmt.Fprintln(w, "\n| pair | SDK ns/op | raw ns/op | SDK/raw | SDK allocs | raw allocs |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
		for _, b := range sg {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", b.name,
				cell(b, "sdk-ns/op"), cell(b, "raw-ns/op"), ratioCell(b, "sdk/raw"), cell(b, "sdk-allocs/op"), cell(b, "raw-allocs/op"))
		}
	}

	peers := r.pairs("Peer/")
	if len(peers) > 0 {
		fmt.Fprintln(w, "\n### Peers: another SDK against its own raw twin, in memory")
		fmt.Fprintln(w, "\n| pair | SDK ns/op | raw ns/op | SDK/raw | SDK allocs | raw allocs | extra allocs |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
		rows := peers
		if s := r.byName["Get/partner/mem"]; s != nil {
			rows = append([]*bench{s}, peers...)
		}
		for _, b := range rows {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", b.name,
				cell(b, "sdk-ns/op"), cell(b, "raw-ns/op"), ratioCell(b, "sdk/raw"),
				cell(b, "sdk-allocs/op"), cell(b, "raw-allocs/op"), diff(b, "sdk-allocs/op", "raw-allocs/op"))
		}
	}

	small, big := r.byName["IteratorHeap/items=10k"], r.byName["IteratorHeap/items=100k"]
	if small != nil && big != nil {
		fmt.Fprintln(w, "\n### Iterator: partner AllProducts, pages of 200")
		fmt.Fprintln(w, "\n| walk | peak live heap MiB |")
		fmt.Fprintln(w, "|---|---:|")
		for _, b := range []*bench{small, big} {
			fmt.Fprintf(w, "| %s | %s |\n", b.name, cell(b, "peak-live-heap-MiB"))
		}
		fmt.Fprintf(w, "\nPeak live heap, 100k items / 10k items: **%.2fx**.\n", iterRatio(r))
	}

	printFleet(w, r)
	printTargets(w, r)
}

// clock names the clock a pair was judged by.
func clock(b *bench) string {
	if _, ok := b.get("wall-clock"); ok {
		return "wall"
	}
	return "CPU"
}

func diff(b *bench, x, y string) string {
	a, ok1 := b.get(x)
	c, ok2 := b.get(y)
	if !ok1 || !ok2 {
		return "-"
	}
	return fmt.Sprintf("%+.0f", a-c)
}

func micro(b *bench, unit string) string {
	if v, ok := b.get(unit); ok {
		return num(v / 1000)
	}
	return "-"
}

func perSecond(b *bench, unit string) string {
	if v, ok := b.get(unit); ok && v > 0 {
		return strconv.FormatFloat(1e9/v, 'f', 0, 64)
	}
	return "-"
}

func inverse(b *bench, unit string) string {
	if v, ok := b.get(unit); ok && v > 0 {
		return fmt.Sprintf("**%.2fx**", 1/v)
	}
	return "-"
}

func iterRatio(r *run) float64 {
	small, big := r.byName["IteratorHeap/items=10k"], r.byName["IteratorHeap/items=100k"]
	if small == nil || big == nil {
		return math.NaN()
	}
	s, _ := small.get("peak-live-heap-MiB")
	g, _ := big.get("peak-live-heap-MiB")
	return g / s
}

// printTargets states every target of the performance issue with the
// figure it is judged on.
func printTargets(w io.Writer, r *run) {
	fmt.Fprintln(w, "\n### Targets")
	fmt.Fprintln(w, "\n| target | pair | measured | |")
	fmt.Fprintln(w, "|---|---|---:|---|")
	row := func(target, pair, measured string, ok bool) {
		verdict := "met"
		if !ok {
			verdict = "**not met**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", target, pair, measured, verdict)
	}
	for _, b := range r.pairs("Get/", "SignedPOST/") {
		if !strings.HasSuffix(b.name, "/mem") {
			continue
		}
		q, _ := b.get("sdk/resty")
		row("SDK <= 1.05x bare resty in memory", b.name, fmt.Sprintf("%.2fx", q), q <= 1.05)
		s, _ := b.get("sdk-allocs/op")
		t, _ := b.get("resty-allocs/op")
		row("SDK <= resty + 8 allocs/op", b.name, fmt.Sprintf("%+.0f", s-t), s-t <= 8.5)
	}
	if b := r.byName["Latency/partner/1ms"]; b != nil {
		q, _ := b.get("sdk/raw")
		row("SDK <= 1.02x raw over loopback, 1 ms server latency", b.name, fmt.Sprintf("%.3fx", q), q <= 1.02)
	}
	for _, b := range r.pairs("Webhook/") {
		q, _ := b.get("sdk/raw")
		row("webhook >= 0.85x raw events/s", b.name, fmt.Sprintf("%.2fx", 1/q), 1/q >= 0.85)
	}
	for _, b := range r.pairs("Concurrent256/") {
		q, _ := b.get("sdk/raw")
		row("256 goroutines >= 0.9x raw throughput", b.name, fmt.Sprintf("%.2fx", 1/q), 1/q >= 0.9)
	}
	if q := iterRatio(r); !math.IsNaN(q) {
		row("iterator peak heap at 100k within 5 % of 10k", "IteratorHeap", fmt.Sprintf("%.2fx", q), q <= 1.05)
	}
	if s := r.byName["Get/partner/mem"]; s != nil {
		for _, p := range r.pairs("Peer/") {
			a, _ := s.get("sdk/raw")
			c, _ := p.get("sdk/raw")
			row("overhead ratio below the peer's", s.name+" vs "+p.name, fmt.Sprintf("%.2fx vs %.2fx", a, c), a < c)
		}
	}
	fleetTargets(r, row)
}

// printCompare prints every ratio of a beside b and the largest difference.
func printCompare(out io.Writer, a, b *run) {
	type pt struct {
		key  string
		x, y float64
	}
	var pts []pt
	for _, name := range a.order {
		ba, bb := a.byName[name], b.byName[name]
		if bb == nil {
			continue
		}
		var units []string
		for u := range ba.metrics {
			if isRatio(u) {
				units = append(units, u)
			}
		}
		sort.Strings(units)
		for _, u := range units {
			if y, ok := bb.get(u); ok {
				pts = append(pts, pt{name + " " + u, ba.metrics[u], y})
			}
		}
	}
	if x, y := iterRatio(a), iterRatio(b); !math.IsNaN(x) && !math.IsNaN(y) {
		pts = append(pts, pt{"IteratorHeap 100k/10k", x, y})
	}
	fa, fb := fleetRatios(a), fleetRatios(b)
	var keys []string
	for k := range fa {
		if _, ok := fb[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		pts = append(pts, pt{k, fa[k], fb[k]})
	}
	w := bufio.NewWriter(out)
	defer w.Flush()
	fmt.Fprintln(w, "| ratio | run A | run B | B - A |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	worst, at := 0.0, ""
	for _, p := range pts {
		d := p.y - p.x
		fmt.Fprintf(w, "| %s | %.3f | %.3f | %+.3f |\n", p.key, p.x, p.y, d)
		if math.Abs(d) > worst {
			worst, at = math.Abs(d), p.key
		}
	}
	fmt.Fprintf(w, "\nLargest deviation: %.3f (%s) over %d ratios.\n", worst, at, len(pts))
}
