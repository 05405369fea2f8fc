package ledger

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

// One Begin in 16 trims the indexes it adds to: often enough that an
// index keeps few members of expired entries, rarely enough that a money
// call does not pay four more commands each time. Each trial leaves one
// member past the retention in a live index and makes one Begin; 400
// trials put the count of trims far from both 0 and every time (the
// chance of a count outside 1..200 is below 1e-11).
func TestOneBeginInSixteenTrims(t *testing.T) {
	ctx := context.Background()
	trims := 0
	const trials = 400
	for range trials {
		now := time.Unix(1_700_000_000, 0)
		clock := func() time.Time { return now }
		st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock })
		l := New(st, "partner", "token", func(o *Options) { o.Now = clock; o.Retention = time.Hour })
		begin := func() {
			_, err := l.Begin(ctx, Intent{Call: "POST /orders", Subject: "order/sku", Reference: "ref"})
			require.NoError(t, err)
		}
		begin() // the member that will outlive the retention
		now = now.Add(50 * time.Minute)
		begin() // keeps the indexes alive; nothing is old enough to trim
		now = now.Add(20 * time.Minute)
		begin() // the first member is now 70 minutes old
		all := store.IndexRange{Min: math.MinInt64 / 2, Max: math.MaxInt64 / 2}
		counts := map[int]int{}
		for _, ix := range []string{l.timeIndex, l.subjectIndex("order/sku"), l.inFlightIndex("order/sku"), l.referenceIndex("ref")} {
			m, err := l.ix.RangeIndex(ctx, ix, all)
			require.NoError(t, err)
			counts[len(m)]++
		}
		require.Len(t, counts, 1, "a Begin trims all its indexes or none: %v", counts)
		if counts[2] == 4 {
			trims++
		} else {
			require.Equal(t, 4, counts[3], "untrimmed, each index holds the three calls")
		}
	}
	t.Logf("%d of %d Begins trimmed", trims, trials)
	require.Greater(t, trims, 0, "indexes are trimmed")
	require.LessOrEqual(t, trims, trials/2, "about one Begin in %d trims, not most: %d of %d", trimShare, trims, trials)
}

// The in-flight index holds only calls without an outcome: an update
// (an answer lost) keeps the call there, an outcome takes it out, so the
// settling calls that read it stay cheap however many calls were made.
func TestOutcomeLeavesTheInFlightIndex(t *testing.T) {
	ctx := context.Background()
	l := New(store.NewMemory(), "smsnumbers", "token")
	all := store.IndexRange{Min: math.MinInt64 / 2, Max: math.MaxInt64 / 2}
	members := func(subject string) int {
		m, err := l.ix.RangeIndex(ctx, l.inFlightIndex(subject), all)
		require.NoError(t, err)
		return len(m)
	}
	e, err := l.Begin(ctx, Intent{Call: "GET /buy", Subject: "activation/x"})
	require.NoError(t, err)
	require.Equal(t, 1, members("activation/x"))
	e.Ambiguous = true
	require.NoError(t, l.Update(ctx, e))
	require.Equal(t, 1, members("activation/x"), "an update keeps the call in flight")
	require.NoError(t, l.Finish(ctx, e, Outcome{State: StateDone}))
	require.Equal(t, 0, members("activation/x"), "an outcome takes it out")
}
