package redisstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

// TestRangeIndexPageIsOneRoundTrip: a page after a cursor reads the
// cursor's own member again (the range starts at its score); asking for
// one more keeps a full page to one round trip when no other member
// shares that score (it took two), and ties still page exactly.
func TestRangeIndexPageIsOneRoundTrip(t *testing.T) {
	rdb := startRedis(t).client()
	trips := &countHook{}
	rdb.AddHook(trips)
	s := New(rdb)
	ctx := context.Background()
	tests := []struct {
		name  string
		score func(i int) int64
		trips int64 // for the walk of 25 members in pages of 10
	}{
		{"distinct scores", func(i int) int64 { return int64(i) }, 3},
		// A pair split by a page boundary costs that page one more trip.
		{"pairs share a score", func(i int) int64 { return int64(i / 2) }, 4},
		{"all share a score", func(int) int64 { return 7 }, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := "{pages}:" + tt.name
			for i := range 25 {
				require.NoError(t, s.Apply(ctx, store.IndexWrite{
					Add: []store.IndexAdd{{Index: idx, Member: fmt.Sprintf("m%02d", i), Score: tt.score(i), TTL: time.Minute}},
				}))
			}
			trips.n.Store(0)
			var got []string
			r := store.IndexRange{Min: 0, Max: 100, Limit: 10}
			for {
				page, err := s.RangeIndex(ctx, idx, r)
				require.NoError(t, err)
				for _, p := range page {
					got = append(got, p.Member)
				}
				if len(page) < r.Limit {
					break
				}
				r.After = &page[len(page)-1]
			}
			require.Len(t, got, 25)
			for i, m := range got {
				require.Equal(t, fmt.Sprintf("m%02d", i), m)
			}
			require.Equal(t, tt.trips, trips.n.Load())
		})
	}
}
