package main

import (
	"fmt"
	"io"
)

// counts are a file's mutants by status.
func (r *fileResult) counts() (n [5]int) {
	for _, s := range r.statuses {
		n[s]++
	}
	return n
}

// score is the percent of non-equivalent, compiling mutants that a test
// killed; a file with none scores 100.
func (r *fileResult) score() float64 {
	n := r.counts()
	den := n[killed] + n[survived] + n[uncovered]
	if den == 0 {
		return 100
	}
	return 100 * float64(n[killed]) / float64(den)
}

func (r *fileResult) print(w io.Writer, verbose bool) {
	n := r.counts()
	fmt.Fprintf(w, "%s: %.1f%% (%d killed of %d; %d equivalent, %d did not compile)\n",
		r.path, r.score(), n[killed], n[killed]+n[survived]+n[uncovered], n[equivalent], n[unviable])
	for i, m := range r.mutants {
		if s := r.statuses[i]; s == survived || s == uncovered {
			fmt.Fprintf(w, "  %s %s:%d\n      %s\n", s, m.file, m.line, m.ID())
		}
	}
	for _, id := range r.stale {
		fmt.Fprintf(w, "  STALE equivalent entry (killed or no longer generated): %s\n", id)
	}
}

// printTable writes the Markdown table kept in ARCHITECTURE.md.
func printTable(w io.Writer, rs []*fileResult) {
	fmt.Fprintln(w, "| file | mutants | killed | survived | equivalent | score |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: |")
	var tot [5]int
	for _, r := range rs {
		n := r.counts()
		for i := range n {
			tot[i] += n[i]
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %.0f%% |\n", r.path,
			n[killed]+n[survived]+n[uncovered]+n[equivalent], n[killed], n[survived]+n[uncovered], n[equivalent], r.score())
	}
	if len(rs) > 1 {
		all := &fileResult{}
		for s, c := range tot {
			for range c {
				all.statuses = append(all.statuses, status(s))
			}
		}
		fmt.Fprintf(w, "| all | %d | %d | %d | %d | %.0f%% |\n",
			tot[killed]+tot[survived]+tot[uncovered]+tot[equivalent], tot[killed], tot[survived]+tot[uncovered], tot[equivalent], all.score())
	}
}
