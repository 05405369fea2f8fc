package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

func TestMemoryIndex(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	m := store.NewMemory(func(o *store.MemoryOptions) { o.Now = func() time.Time { return now } })
	var ix store.Indexer = m

	// Writes: the key and the index changes land together.
	for i := range 10 {
		err := ix.Apply(ctx, store.IndexWrite{
			Key: fmt.Sprintf("k%d", i), Value: []byte{byte(i)}, TTL: time.Hour,
			Add: []store.IndexAdd{{Index: "idx", Member: fmt.Sprintf("m%d", i), Score: int64(i / 2), TTL: time.Hour}},
		})
		require.NoError(t, err)
	}
	v, ok, err := m.Get(ctx, "k3")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []byte{3}, v)

	// Paging with a cursor walks every member once, in (score, member) order,
	// through pages that split equal scores.
	var got []string
	r := store.IndexRange{Min: 0, Max: 100, Limit: 3}
	for {
		page, err := ix.RangeIndex(ctx, "idx", r)
		require.NoError(t, err)
		for _, p := range page {
			got = append(got, p.Member)
		}
		if len(page) < r.Limit {
			break
		}
		r.After = &page[len(page)-1]
	}
	require.Equal(t, []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}, got)

	// Score bounds are inclusive.
	page, err := ix.RangeIndex(ctx, "idx", store.IndexRange{Min: 2, Max: 3})
	require.NoError(t, err)
	require.Equal(t, []store.IndexMember{{Member: "m4", Score: 2}, {Member: "m5", Score: 2}, {Member: "m6", Score: 3}, {Member: "m7", Score: 3}}, page)

	// Remove, trim and re-score.
	require.NoError(t, ix.Apply(ctx, store.IndexWrite{
		Remove: []store.IndexRemove{{Index: "idx", Member: "m9"}},
		Trim:   []store.IndexTrim{{Index: "idx", Below: 3}},
		Add:    []store.IndexAdd{{Index: "idx", Member: "m0", Score: 7, TTL: time.Hour}},
	}))
	page, err = ix.RangeIndex(ctx, "idx", store.IndexRange{Min: -10, Max: 10})
	require.NoError(t, err)
	require.Equal(t, []store.IndexMember{{Member: "m6", Score: 3}, {Member: "m7", Score: 3}, {Member: "m8", Score: 4}, {Member: "m0", Score: 7}}, page)

	vals, err := ix.GetMany(ctx, []string{"k1", "nope", "k2"})
	require.NoError(t, err)
	require.Equal(t, [][]byte{{1}, nil, {2}}, vals)

	// An index expires TTL after its latest addition.
	now = now.Add(2 * time.Hour)
	page, err = ix.RangeIndex(ctx, "idx", store.IndexRange{Min: -10, Max: 10})
	require.NoError(t, err)
	require.Empty(t, page)
	require.Zero(t, m.Len())
}

func TestMemoryIndexRefusesBadWrites(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory()
	for name, w := range map[string]store.IndexWrite{
		"key without ttl":  {Key: "k", Value: []byte("v")},
		"add without ttl":  {Add: []store.IndexAdd{{Index: "i", Member: "m"}}},
		"add without name": {Add: []store.IndexAdd{{Member: "m", TTL: time.Second}}},
		"empty member":     {Remove: []store.IndexRemove{{Index: "i"}}},
	} {
		t.Run(name, func(t *testing.T) {
			require.Error(t, m.Apply(ctx, w))
			_, ok, _ := m.Get(ctx, "k")
			require.False(t, ok)
		})
	}
}
