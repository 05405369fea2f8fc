package redisstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/store"
)

// TestIndexer runs the store.Indexer contract against a single server and a
// cluster: one transaction per write, pages that split equal scores, trims.
func TestIndexer(t *testing.T) {
	for _, topo := range topologies() {
		t.Run(topo.name, func(t *testing.T) {
			ctx := context.Background()
			s := New(topo.client(t), func(o *Options) { o.Prefix = "ix:" + t.Name() + ":" })
			idx := "{acct}:idx"
			for i := range 10 {
				require.NoError(t, s.Apply(ctx, store.IndexWrite{
					Key: fmt.Sprintf("{acct}:k%d", i), Value: []byte{byte(i)}, TTL: time.Minute,
					Add: []store.IndexAdd{{Index: idx, Member: fmt.Sprintf("m%d", i), Score: int64(i / 2), TTL: time.Minute}},
				}))
			}
			var got []string
			r := store.IndexRange{Min: 0, Max: 100, Limit: 3}
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
			require.Equal(t, []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}, got)

			require.NoError(t, s.Apply(ctx, store.IndexWrite{
				Remove: []store.IndexRemove{{Index: idx, Member: "m9"}},
				Trim:   []store.IndexTrim{{Index: idx, Below: 3}},
				Add:    []store.IndexAdd{{Index: idx, Member: "m0", Score: 7, TTL: time.Minute}},
			}))
			page, err := s.RangeIndex(ctx, idx, store.IndexRange{Min: -10, Max: 10})
			require.NoError(t, err)
			require.Equal(t, []store.IndexMember{{Member: "m6", Score: 3}, {Member: "m7", Score: 3}, {Member: "m8", Score: 4}, {Member: "m0", Score: 7}}, page)

			vals, err := s.GetMany(ctx, []string{"{acct}:k1", "{acct}:nope", "{acct}:k2"})
			require.NoError(t, err)
			require.Equal(t, [][]byte{{1}, nil, {2}}, vals)
		})
	}
}

// TestLedgerOverRedis: the ledger's listings work across a cluster (its
// keys share a hash slot), and a money call costs two round trips.
func TestLedgerOverRedis(t *testing.T) {
	for _, topo := range topologies() {
		t.Run(topo.name, func(t *testing.T) {
			ctx := context.Background()
			rdb := topo.client(t)
			counter := &countHook{}
			rdb.AddHook(counter)
			s := New(rdb, func(o *Options) { o.Prefix = "lg:" + t.Name() + ":" })
			l := ledger.New(s, "smsnumbers", "tok", func(o *ledger.Options) { o.PageSize = 4 })
			var ids []string
			for i := range 10 {
				before := counter.n.Load()
				e, err := l.Begin(ctx, ledger.Intent{Call: "GET /buy", Subject: "activation/any/any/tg", Reference: fmt.Sprint("ref", i%3)})
				require.NoError(t, err)
				require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{fmt.Sprint(i)}}))
				if i > 0 { // the first call also dials and greets the server
					require.EqualValues(t, 2, counter.n.Load()-before, "Begin and Finish: two round trips")
				}
				ids = append(ids, e.ID)
			}
			var got []string
			for e, err := range l.Entries(ctx, time.Time{}, time.Time{}) {
				require.NoError(t, err)
				got = append(got, e.ID)
			}
			require.ElementsMatch(t, ids, got)
			refs, err := l.ByReference(ctx, "ref1")
			require.NoError(t, err)
			require.Len(t, refs, 3)
			inflight, err := l.InFlight(ctx, "activation/any/any/tg")
			require.NoError(t, err)
			require.Empty(t, inflight)
		})
	}
}

// countHook counts round trips (a pipeline or transaction is one).
type countHook struct{ n atomic.Int64 }

func (h *countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}
func (h *countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}
