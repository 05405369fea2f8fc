package smsnumbers

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGroupSettle(t *testing.T) {
	tests := []struct {
		name   string
		calls  []string
		left   map[string][]string
		key    map[string]string
		made   int
		none   []string
		still  []string
		excess []string
	}{
		{"three lost calls, two payments: two made one, one nothing", []string{"a", "b", "c"},
			map[string][]string{"a": {"1", "2"}, "b": {"1", "2"}, "c": {"2"}}, map[string]string{"a": "k", "b": "k", "c": "k"},
			2, []string{"c"}, nil, nil},
		{"more payments than calls", []string{"a", "b"},
			map[string][]string{"a": {"1", "2", "3"}, "b": {"1", "2", "3"}}, map[string]string{"a": "k", "b": "k"},
			0, nil, []string{"a", "b"}, []string{"1", "2", "3"}},
		{"different receivers", []string{"a", "b"},
			map[string][]string{"a": {"1"}, "b": {"1"}}, map[string]string{"a": "k", "b": "other"},
			0, nil, []string{"a", "b"}, nil},
		{"a window still open", []string{"a", "b"},
			map[string][]string{"a": {"1"}, "b": {"1"}}, map[string]string{"a": "k"},
			0, nil, []string{"a", "b"}, nil},
		{"a done call keeps one: the lost ones made nothing", []string{"a", "done"},
			map[string][]string{"a": {"1"}, "done": {"1"}}, map[string]string{"a": "k", "done": mustKey},
			1, []string{"a"}, nil, nil},
		{"separate groups settle apart", []string{"a", "b", "c", "d"},
			map[string][]string{"a": {"1"}, "b": {"1"}, "c": {"2"}, "d": {"2"}}, map[string]string{"a": "k", "b": "k", "c": "k", "d": "x"},
			1, []string{"b"}, []string{"c", "d"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := groupSettle(tt.calls, tt.left, tt.key)
			require.Len(t, g.made, tt.made)
			require.Equal(t, tt.none, g.none)
			require.Equal(t, tt.still, g.still)
			require.Equal(t, tt.excess, g.excess)
			seen := map[string]bool{}
			for e, o := range g.made {
				require.Contains(t, tt.left[e], o, "a call is paired only with a payment its window holds")
				require.False(t, seen[o])
				seen[o] = true
			}
		})
	}
}
