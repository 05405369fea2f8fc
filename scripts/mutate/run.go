package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// status is what became of one mutant.
type status int

const (
	killed     status = iota // a test failed (or timed out)
	survived                 // every test passed
	uncovered                // no test reaches the line: survived without running
	unviable                 // did not compile: not counted
	equivalent               // survived, and listed as changing nothing observable
)

var statusNames = [...]string{"killed", "SURVIVED", "SURVIVED (not covered)", "unviable", "equivalent"}

func (s status) String() string { return statusNames[s] }

type runner struct {
	ctx    context.Context // ends when the run is interrupted
	cfg    config
	root   string // module root
	module string // module path
	tmp    string
	// per package: the coverage blocks by file, and the timeout derived
	// from the clean run.
	pkgs map[string]*pkgInfo
}

type pkgInfo struct {
	blocks  map[string][]block // file (module-relative) -> blocks
	timeout time.Duration
}

// block is one line of a coverage profile.
type block struct {
	startLine, startCol, endLine, endCol int
	count                                int
}

func newRunner(ctx context.Context, cfg config) (*runner, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Path}}").Output()
	if err != nil {
		return nil, fmt.Errorf("go list -m: %w", err)
	}
	root, module, _ := strings.Cut(strings.TrimSpace(strings.Split(string(out), "\n")[0]), " ")
	tmp, err := os.MkdirTemp("", "mutate-")
	if err != nil {
		return nil, err
	}
	return &runner{ctx: ctx, cfg: cfg, root: root, module: module, tmp: tmp, pkgs: map[string]*pkgInfo{}}, nil
}

func (r *runner) close() { os.RemoveAll(r.tmp) }

type fileResult struct {
	path     string
	mutants  []*mutant
	statuses []status
	equivWhy map[int]string
	stale    []string // equivalent entries for this file that matched no survivor
}

func (r *runner) file(t target, equiv map[string]string) (*fileResult, error) {
	src, err := os.ReadFile(filepath.Join(r.root, t.path))
	if err != nil {
		return nil, err
	}
	ms, err := generate(t.path, src)
	if err != nil {
		return nil, err
	}
	if r.cfg.match != "" {
		var keep []*mutant
		for _, m := range ms {
			if strings.Contains(m.ID(), r.cfg.match) {
				keep = append(keep, m)
			}
		}
		ms = keep
	}
	res := &fileResult{path: t.path, equivWhy: map[int]string{}}
	if r.cfg.list {
		if r.cfg.sample > 0 {
			ms = byHash(ms) // the order a sample is drawn in
		}
		for _, m := range ms {
			fmt.Printf("%s:%d\t%s\n", m.file, m.line, m.ID())
		}
		fmt.Printf("%s: %d mutants\n", t.path, len(ms))
		return nil, nil
	}
	pkg := "./" + filepath.ToSlash(filepath.Dir(t.path))
	info, err := r.baseline(pkg, t.run)
	if err != nil {
		return nil, err
	}
	order := ms
	if r.cfg.sample > 0 {
		order = byHash(ms)
	}
	viable := 0
	for _, m := range order {
		if r.cfg.sample > 0 && viable >= r.cfg.sample {
			break
		}
		st := uncovered
		if covered(info.blocks[t.path], src, m.off) {
			st, err = r.mutant(pkg, t, src, m, info.timeout)
			if err != nil {
				return nil, err
			}
		}
		if st != unviable {
			viable++
		}
		if (st == survived || st == uncovered) && equiv[m.ID()] != "" {
			res.equivWhy[len(res.mutants)] = equiv[m.ID()]
			st = equivalent
		}
		if r.cfg.verbose {
			fmt.Printf("  %-10s %s:%d %s\n", st, m.file, m.line, m.ID())
		}
		res.mutants = append(res.mutants, m)
		res.statuses = append(res.statuses, st)
	}
	if r.cfg.sample == 0 && r.cfg.match == "" {
		ran := map[string]bool{}
		for i, m := range res.mutants {
			ran[m.ID()] = res.statuses[i] == equivalent
		}
		for id := range equiv {
			if strings.HasPrefix(id, t.path+" ") && !ran[id] {
				res.stale = append(res.stale, id)
			}
		}
	}
	return res, nil
}

// baseline runs pkg's tests once unmutated with a coverage profile: they
// must pass, their time sets the per-mutant timeout, and the profile says
// which lines any test reaches.
func (r *runner) baseline(pkg, run string) (*pkgInfo, error) {
	key := pkg + " " + run
	if info, ok := r.pkgs[key]; ok {
		return info, nil
	}
	prof := filepath.Join(r.tmp, "cover.out")
	args := []string{"test", "-count=1", "-p", "1", "-vet=off", "-coverprofile", prof}
	if run != "" {
		args = append(args, "-run", run)
	}
	args = append(args, pkg)
	start := time.Now()
	cmd := exec.CommandContext(r.ctx, "go", args...)
	cmd.Dir = r.root
	ownGroup(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("the tests fail without any mutant:\n%s", out)
	}
	info := &pkgInfo{timeout: r.cfg.timeout, blocks: map[string][]block{}}
	if info.timeout == 0 {
		info.timeout = max(20*time.Second, 10*time.Since(start))
	}
	f, err := os.Open(prof)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := readProfile(f, r.module+"/", info.blocks); err != nil {
		return nil, err
	}
	r.pkgs[key] = info
	return info, nil
}

// readProfile reads a coverage profile's blocks, keyed by module-relative
// file name.
func readProfile(rd io.Reader, prefix string, into map[string][]block) error {
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "mode:") {
			continue
		}
		// name.go:L.C,L.C stmts count
		name, rest, ok := strings.Cut(line, ":")
		f := strings.FieldsFunc(rest, func(c rune) bool { return c == '.' || c == ',' || c == ' ' })
		if !ok || len(f) != 6 {
			return fmt.Errorf("cannot read coverage line %q", line)
		}
		n := make([]int, 6)
		for i, s := range f {
			v, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("cannot read coverage line %q", line)
			}
			n[i] = v
		}
		rel := strings.TrimPrefix(name, prefix)
		into[rel] = append(into[rel], block{n[0], n[1], n[2], n[3], n[5]})
	}
	return sc.Err()
}

// covered reports whether the byte at off lies in a block some test ran;
// a change outside every block (a declaration) counts as covered.
func covered(blocks []block, src []byte, off int) bool {
	line, col := 1, 1
	for _, c := range src[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	in := false
	for _, b := range blocks {
		after := line > b.startLine || line == b.startLine && col >= b.startCol
		before := line < b.endLine || line == b.endLine && col < b.endCol
		if after && before {
			if b.count > 0 {
				return true
			}
			in = true
		}
	}
	return !in
}

// mutant runs pkg's tests against src changed by m, handed to go test as
// an overlay of t.path.
func (r *runner) mutant(pkg string, t target, src []byte, m *mutant, timeout time.Duration) (status, error) {
	mutated := filepath.Join(r.tmp, filepath.Base(t.path))
	if err := os.WriteFile(mutated, m.apply(src), 0o644); err != nil {
		return 0, err
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(r.root, t.path): mutated}})
	if err != nil {
		return 0, err
	}
	ovl := filepath.Join(r.tmp, "overlay.json")
	if err := os.WriteFile(ovl, overlay, 0o644); err != nil {
		return 0, err
	}
	// -ldflags=-s -w: a test binary without symbols links faster, and
	// linking is most of a mutant's cost.
	args := []string{"test", "-count=1", "-failfast", "-p", "1", "-vet=off", "-ldflags=-s -w", "-overlay", ovl, "-timeout", timeout.String()}
	if t.run != "" {
		args = append(args, "-run", t.run)
	}
	args = append(args, pkg)
	// The go command's own limit is the test timeout plus room to build.
	ctx, cancel := context.WithTimeout(r.ctx, timeout+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = r.root
	ownGroup(cmd)
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	switch {
	case err == nil:
		return survived, nil
	case bytes.Contains(out, []byte("[build failed]")) || bytes.Contains(out, []byte("[setup failed]")):
		return unviable, nil
	case r.ctx.Err() != nil:
		return 0, r.ctx.Err()
	case ctx.Err() != nil:
		return killed, nil // the go command hung: the tests never ended
	}
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) {
		return 0, err // go itself could not start
	}
	return killed, nil
}
