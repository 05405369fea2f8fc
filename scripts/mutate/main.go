// Command mutate is the project's mutation tester: it makes one small wrong
// change at a time to a file (a comparison turned around or moved off by
// one, && for ||, a condition negated or one of its checks dropped, true
// for false, + for -, a statement deleted, break for continue, a returned
// value or error replaced by its zero value, a context's WithoutCancel
// unwrapped), runs that package's tests against it, and reports per file
// how many of those changes some test noticed.
//
//	go run ./scripts/mutate                       # every file of scripts/mutate/files.txt
//	go run ./scripts/mutate internal/webhook/lease.go
//	go run ./scripts/mutate -sample 6 -threshold 90 # what CI runs
//
// The mutated file never touches the work tree: each mutant is handed to
// `go test -overlay`, so a run can be stopped at any point. One mutant runs
// at a time with -failfast, -p 1 and a per-mutant timeout; a mutant that does
// not compile is not counted; code no test reaches (by the package's
// coverage profile) is counted as survived without running. Survivors judged
// equivalent (no observable difference) are listed with their reason in
// scripts/mutate/equivalent.txt and left out of the score.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(2)
	}
}

type config struct {
	sample    int
	threshold float64
	timeout   time.Duration
	verbose   bool
	list      bool
	match     string
}

func run() error {
	var cfg config
	filesPath := flag.String("files", "scripts/mutate/files.txt", "the list of files to mutate (path [-run REGEXP] per line)")
	equivPath := flag.String("equivalent", "scripts/mutate/equivalent.txt", "survivors judged equivalent, one ID -- reason per line")
	flag.IntVar(&cfg.sample, "sample", 0, "run only this many mutants per file, picked by a hash of their IDs (0: all)")
	flag.Float64Var(&cfg.threshold, "threshold", 0, "exit 1 when a file's score (percent of non-equivalent mutants killed) is below this")
	flag.DurationVar(&cfg.timeout, "timeout", 0, "per-mutant test timeout (0: ten times the package's clean run, at least 20s)")
	flag.BoolVar(&cfg.verbose, "v", false, "print every mutant's outcome")
	flag.BoolVar(&cfg.list, "list", false, "list the mutants without running them")
	flag.StringVar(&cfg.match, "match", "", "run only the mutants whose ID contains this text")
	runOnly := flag.String("run", "", "run only these tests (go test -run), over the list's choice")
	flag.Parse()

	targets, err := readTargets(*filesPath)
	if err != nil {
		return err
	}
	if flag.NArg() > 0 {
		targets = pick(targets, flag.Args())
	}
	if *runOnly != "" {
		for i := range targets {
			targets[i].run = *runOnly
		}
	}
	equiv, err := readEquivalent(*equivPath)
	if err != nil {
		return err
	}
	// An interrupted run stops its go test and removes its files.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := newRunner(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.close()

	var results []*fileResult
	for _, t := range targets {
		res, err := r.file(t, equiv)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", t.path, err)
		}
		if res != nil {
			results = append(results, res)
			res.print(os.Stdout, cfg.verbose)
		}
	}
	if cfg.list {
		return nil
	}
	fmt.Println()
	printTable(os.Stdout, results)
	low := 0
	for _, res := range results {
		if cfg.threshold > 0 && res.score() < cfg.threshold {
			fmt.Printf("FAIL %s: %.0f%% of non-equivalent mutants killed, below %.0f%%\n", res.path, res.score(), cfg.threshold)
			low++
		}
	}
	if low > 0 {
		os.Exit(1)
	}
	return nil
}

// target is one line of files.txt: a file and the tests that guard it.
type target struct {
	path string
	run  string // go test -run pattern; empty runs every test of the package
}

func readTargets(path string) ([]target, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []target
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
			continue
		case len(fields) == 1:
			out = append(out, target{path: fields[0]})
		case len(fields) == 3 && fields[1] == "-run":
			out = append(out, target{path: fields[0], run: fields[2]})
		default:
			return nil, fmt.Errorf("%s: cannot read %q (want: path [-run REGEXP])", path, line)
		}
	}
	return out, sc.Err()
}

// pick keeps the targets named on the command line; a name not in the list
// is run with every test of its package.
func pick(all []target, names []string) []target {
	var out []target
	for _, n := range names {
		n = filepath.ToSlash(filepath.Clean(n))
		t := target{path: n}
		for _, a := range all {
			if a.path == n {
				t = a
			}
		}
		out = append(out, t)
	}
	return out
}

// readEquivalent reads "ID -- reason" lines; a line without a reason is an
// error, so every entry says why it is there.
func readEquivalent(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, ok := strings.Cut(line, " -- ")
		if !ok || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: want \"ID -- reason\"", path, n)
		}
		out[strings.TrimSpace(id)] = strings.TrimSpace(reason)
	}
	return out, sc.Err()
}

// byHash orders ms by a hash of their IDs: a sample is a prefix of it, so
// the same code gives the same sample, and an edit elsewhere in the file
// does not reshuffle it.
func byHash(ms []*mutant) []*mutant {
	h := func(m *mutant) uint64 {
		f := fnv.New64a()
		f.Write([]byte(m.ID()))
		return f.Sum64()
	}
	out := append([]*mutant(nil), ms...)
	sort.SliceStable(out, func(i, j int) bool { return h(out[i]) < h(out[j]) })
	return out
}
