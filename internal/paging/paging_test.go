package paging

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

type params struct {
	Cursor string
	Limit  int
}

func cursorOf(p *params) *string { return &p.Cursor }

// pages serves items 0..n-1, two per page; the cursor is the offset.
func pages(n int, seen *[]string) List[params, int] {
	return func(_ context.Context, p params, _ ...option.CallOption) (*page.Page[int], error) {
		*seen = append(*seen, p.Cursor)
		off := 0
		if p.Cursor != "" {
			off, _ = strconv.Atoi(p.Cursor)
		}
		pg := &page.Page[int]{}
		for i := off; i < min(off+2, n); i++ {
			pg.Items = append(pg.Items, i)
		}
		if off+2 < n {
			pg.Next = strconv.Itoa(off + 2)
		}
		return pg, nil
	}
}

func collect(t *testing.T, seq func(func(int, error) bool)) []int {
	t.Helper()
	var got []int
	for v, err := range seq {
		require.NoError(t, err)
		got = append(got, v)
	}
	return got
}

func TestAllRangesTwiceFromTheSameStart(t *testing.T) {
	for _, start := range []string{"", "2"} {
		t.Run("start="+start, func(t *testing.T) {
			var seen []string
			p := params{Cursor: start, Limit: 2}
			seq := All(context.Background(), pages(5, &seen), p, cursorOf, nil)
			first := collect(t, seq)
			second := collect(t, seq)
			require.NotEmpty(t, first)
			require.Equal(t, first, second)
			require.Equal(t, params{Cursor: start, Limit: 2}, p, "the caller's params are not written")
			require.Equal(t, start, seen[0])
			require.Equal(t, start, seen[len(seen)/2], "the second range starts where the first did")
		})
	}
}
