// Command benchtable turns `go test -bench` output (stdin) into the Markdown
// tables of BENCHMARKS.md: every X/sdk benchmark beside its X/raw twin with
// the SDK/raw ratios, then the benchmarks that have no twin, then the
// machine and Go version. With -count > 1 each figure is the median.
//
//	go test -run='^$' -bench=. -benchmem ./benchmarks | go run ./scripts/benchtable
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// result holds every sample of every unit of one benchmark.
type result struct {
	name    string
	samples map[string][]float64
	units   []string
}

func (r *result) median(unit string) (float64, bool) {
	s := r.samples[unit]
	if len(s) == 0 {
		return 0, false
	}
	c := append([]float64(nil), s...)
	sort.Float64s(c)
	if len(c)%2 == 1 {
		return c[len(c)/2], true
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2, true
}

// sdkName splits "X/sdk-N" into X and the -GOMAXPROCS suffix go test
// appends (absent under -cpu 1), which stays part of the name so runs at
// different -cpu values are never mixed.
var sdkName = regexp.MustCompile(`^(.*)/sdk(-\d+)?$`)

func parse(in io.Reader) (order []string, byName map[string]*result, cpu string, err error) {
	byName = map[string]*result{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = strings.TrimSpace(v)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		r := byName[name]
		if r == nil {
			r = &result{name: name, samples: map[string][]float64{}}
			byName[name] = r
			order = append(order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			unit := f[i+1]
			if _, seen := r.samples[unit]; !seen {
				r.units = append(r.units, unit)
			}
			r.samples[unit] = append(r.samples[unit], v)
		}
	}
	return order, byName, cpu, sc.Err()
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

func cell(r *result, unit string) string {
	if v, ok := r.median(unit); ok {
		return num(v)
	}
	return "-"
}

func ratio(a, b *result, unit string) string {
	x, ok1 := a.median(unit)
	y, ok2 := b.median(unit)
	if !ok1 || !ok2 || y == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", x/y)
}

func diff(a, b *result, unit string) string {
	x, ok1 := a.median(unit)
	y, ok2 := b.median(unit)
	if !ok1 || !ok2 {
		return "-"
	}
	return fmt.Sprintf("%+.0f", x-y)
}

var standard = map[string]bool{"ns/op": true, "B/op": true, "allocs/op": true}

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
	if fallback != "" && fallback != model {
		model += " (" + fallback + ")"
	}
	if cores == 0 {
		cores = runtime.NumCPU()
	}
	return fmt.Sprintf("%s, %d cores, %s/%s", model, cores, runtime.GOOS, runtime.GOARCH)
}

func main() {
	order, byName, cpu, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(order) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark lines on stdin")
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "Machine: %s. Go: %s. Figures are medians of %d run(s).\n\n", machine(cpu), runtime.Version(), runs(byName))

	fmt.Fprintln(w, "| pair | SDK ns/op | raw ns/op | SDK/raw | SDK allocs | raw allocs | extra allocs | SDK B/op | raw B/op | other (SDK / raw) |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	paired := map[string]bool{}
	for _, name := range order {
		m := sdkName.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		base, procs := m[1], m[2]
		sdk, raw := byName[name], byName[base+"/raw"+procs]
		if raw == nil {
			continue
		}
		paired[name], paired[base+"/raw"+procs] = true, true
		base += " " + cpus(procs)
		var other []string
		for _, u := range sdk.units {
			if !standard[u] {
				other = append(other, fmt.Sprintf("%s %s / %s (%s)", u, cell(sdk, u), cell(raw, u), ratio(sdk, raw, u)))
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | **%s** | %s | %s | %s | %s | %s | %s |\n", base,
			cell(sdk, "ns/op"), cell(raw, "ns/op"), ratio(sdk, raw, "ns/op"),
			cell(sdk, "allocs/op"), cell(raw, "allocs/op"), diff(sdk, raw, "allocs/op"),
			cell(sdk, "B/op"), cell(raw, "B/op"), strings.Join(other, "; "))
	}

	var single []string
	for _, name := range order {
		if !paired[name] {
			single = append(single, name)
		}
	}
	if len(single) > 0 {
		fmt.Fprintln(w, "\n| benchmark (no raw twin) | ns/op | metrics |")
		fmt.Fprintln(w, "|---|---:|---|")
		for _, name := range single {
			r := byName[name]
			var m []string
			for _, u := range r.units {
				if u != "ns/op" {
					m = append(m, cell(r, u)+" "+u)
				}
			}
			fmt.Fprintf(w, "| %s | %s | %s |\n", name, cell(r, "ns/op"), strings.Join(m, ", "))
		}
	}
	var small, big *result
	for _, name := range order {
		switch {
		case strings.HasPrefix(name, "IteratorHeap/items=10k"):
			small = byName[name]
		case strings.HasPrefix(name, "IteratorHeap/items=100k"):
			big = byName[name]
		}
	}
	if small != nil && big != nil {
		fmt.Fprintf(w, "\nIterator peak heap, 100k items / 10k items: **%s** (target within 1.10x).\n", ratio(big, small, "peak-heap-MiB"))
	}
}

// runs is the largest sample count of any benchmark (the -count used).
func runs(byName map[string]*result) int {
	n := 0
	for _, r := range byName {
		n = max(n, len(r.samples["ns/op"]))
	}
	return n
}

// cpus describes a -GOMAXPROCS name suffix.
func cpus(suffix string) string {
	if suffix == "" {
		return "(cpu 1)"
	}
	return "(cpu " + suffix[1:] + ")"
}
