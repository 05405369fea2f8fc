package smsnumbers

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProve(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		cands   map[string][]string
		made    map[string]string
		none    []string
		unknown []string
		must    map[string]bool
	}{
		{"nothing in the window", []string{"a"}, nil, map[string]string{}, []string{"a"}, nil, nil},
		{"one call, one order", []string{"a"}, map[string][]string{"a": {"1"}}, map[string]string{"a": "1"}, nil, nil, nil},
		{"an order only one call covers", []string{"a", "b"}, map[string][]string{"a": {"1", "2"}, "b": {"2"}},
			map[string]string{"a": "1", "b": "2"}, nil, nil, nil},
		{"two calls share two orders: each paid for one", []string{"a", "b"}, map[string][]string{"a": {"1", "2"}, "b": {"2", "1"}},
			map[string]string{"a": "1", "b": "2"}, nil, nil, nil},
		{"two calls share one order: which one is unknown", []string{"a", "b"}, map[string][]string{"a": {"1"}, "b": {"1"}},
			map[string]string{}, nil, []string{"a", "b"}, nil},
		{"a forced pair frees the rest", []string{"a", "b", "c"}, map[string][]string{"a": {"1"}, "b": {"1", "2"}, "c": {"3"}},
			map[string]string{"a": "1", "b": "2", "c": "3"}, nil, nil, nil},
		{"a done call made one: the lost call made the other", []string{"done", "lost"}, map[string][]string{"done": {"1", "2"}, "lost": {"2"}},
			map[string]string{"done": "1", "lost": "2"}, nil, nil, map[string]bool{"done": true}},
		{"a done call with no candidate is not 'made nothing'", []string{"done"}, nil,
			map[string]string{}, nil, []string{"done"}, map[string]bool{"done": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prove(tt.entries, tt.cands, tt.must)
			require.Equal(t, tt.made, p.made)
			require.Equal(t, tt.none, p.none)
			require.Equal(t, tt.unknown, p.unknown)
		})
	}
}
