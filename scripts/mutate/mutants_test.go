package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const sample = `package p

import "context"

func f(ctx context.Context, a, b int, ok bool) (int, error) {
	if a < b && ok {
		a++
	}
	for range b {
		continue
	}
	g(context.WithoutCancel(ctx))
	if err := h(); err != nil {
		return 0, err
	}
	return a + b, nil
}

func g(context.Context) {}
func h() error           { return nil }
func k(v bool) bool      { return v }
`

func TestGenerateNamesEachMutantByWhatItChanges(t *testing.T) {
	ms, err := generate("p/f.go", []byte(sample))
	require.NoError(t, err)
	got := map[string]string{}
	for _, m := range ms {
		got[m.ID()] = string(m.apply([]byte(sample)))
	}
	for id, wantLine := range map[string]string{
		"p/f.go f cmp: a < b => a >= b":                       "if a >= b && ok {",
		"p/f.go f boundary: a < b => a <= b":                  "if a <= b && ok {",
		"p/f.go f logic: a < b && ok => a < b || ok":          "if a < b || ok {",
		"p/f.go f drop: ok => true":                           "if a < b && true {",
		"p/f.go f incdec: ++ => --":                           "a--",
		"p/f.go f delete: a++ => ∅":                           "if a < b && ok {\n\t\t\n\t}",
		"p/f.go f unwrap: context.WithoutCancel(ctx) => ctx":  "g(ctx)",
		"p/f.go f return: err => nil":                         "return 0, nil",
		"p/f.go f return: a + b => 0":                         "return 0, nil\n}",
		"p/f.go f arith: a + b => a - b":                      "return a - b, nil",
		"p/f.go k return: v => false":                         "return false }",
		"p/f.go k return: v => !(v)":                          "return !(v) }",
		"p/f.go f delete: g(context.WithoutCancel(ctx)) => ∅": "\t}\n\t\n\tif err",
		"p/f.go f cmp: err != nil => err == nil":              "err == nil {",
	} {
		src, ok := got[id]
		require.True(t, ok, "no mutant %q", id)
		require.Contains(t, src, wantLine, id)
	}
	// With a failing error, the other results are left alone.
	require.NotContains(t, got, "p/f.go f return: 0 => 0")
	for id := range got {
		require.False(t, strings.Contains(id, "return: 0 =>"), id)
	}
}

func TestCoveredReadsTheProfilesBlocks(t *testing.T) {
	blocks := map[string][]block{}
	require.NoError(t, readProfile(strings.NewReader("mode: set\nm/p/f.go:5.61,6.18 1 1\nm/p/f.go:6.18,8.4 1 0\n"), "m/", blocks))
	require.Len(t, blocks["p/f.go"], 2)
	off := func(line, col int) int {
		lines := strings.SplitAfter(sample, "\n")
		return len(strings.Join(lines[:line-1], "")) + col - 1
	}
	require.True(t, covered(blocks["p/f.go"], []byte(sample), off(6, 5)), "the if's line ran")
	require.False(t, covered(blocks["p/f.go"], []byte(sample), off(7, 3)), "a++ never ran")
	require.True(t, covered(blocks["p/f.go"], []byte(sample), off(16, 1)), "outside every block counts as covered")
}
