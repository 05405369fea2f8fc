package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/inbox/inboxtest"
	"github.com/simkit/simkit/internal/webhook"
)

// TestTopologies runs the Store, webhook leases, the limiter and the
// stream inbox against a single server and a 3-master cluster.
func TestTopologies(t *testing.T) {
	for _, topo := range topologies() {
		t.Run(topo.name, func(t *testing.T) {
			rdb := topo.client(t)
			ctx := context.Background()
			prefix := func(t *testing.T) func(*Options) {
				return func(o *Options) { o.Prefix = "topo:" + strings.ReplaceAll(t.Name(), "/", ":") + ":" }
			}

			t.Run("store", func(t *testing.T) {
				s := New(rdb, prefix(t))
				require.NoError(t, s.Set(ctx, "a", []byte("1"), time.Minute))
				v, ok, err := s.Get(ctx, "a")
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, "1", string(v))
				won, err := s.SetNX(ctx, "a", []byte("2"), time.Minute)
				require.NoError(t, err)
				require.False(t, won)
				swapped, err := s.CompareAndSwap(ctx, "a", []byte("1"), []byte("3"), time.Minute)
				require.NoError(t, err)
				require.True(t, swapped)
				deleted, err := s.CompareAndDelete(ctx, "a", []byte("3"))
				require.NoError(t, err)
				require.True(t, deleted)
				require.NoError(t, s.Delete(ctx, "a"))
				_, ok, err = s.Get(ctx, "a")
				require.NoError(t, err)
				require.False(t, ok)
			})

			t.Run("webhook leases", func(t *testing.T) {
				a := &webhook.Dedupe{Store: New(rdb, prefix(t)), Prefix: "wh:"}
				b := &webhook.Dedupe{Store: New(rdb, prefix(t)), Prefix: "wh:"}
				for _, id := range []string{"e1", "e2", "e3", "e4", "e5", "e6"} { // several slots
					l, st, err := a.Begin(ctx, id)
					require.NoError(t, err)
					require.Equal(t, webhook.New, st)
					_, st, err = b.Begin(ctx, id)
					require.NoError(t, err)
					require.Equal(t, webhook.InFlight, st)
					ok, err := l.Renew(ctx)
					require.NoError(t, err)
					require.True(t, ok)
					require.NoError(t, l.Commit(ctx))
					_, st, err = b.Begin(ctx, id)
					require.NoError(t, err)
					require.Equal(t, webhook.Done, st)
				}
			})

			t.Run("limiter", func(t *testing.T) {
				l := NewLimiter(rdb, "pace", 1000, 10, prefix(t))
				for range 5 {
					require.NoError(t, l.Wait(ctx))
				}
			})

			t.Run("stream inbox", func(t *testing.T) {
				inboxtest.Run(t, func(t *testing.T) inbox.Queue {
					return NewStreamQueue(rdb, strings.ReplaceAll(t.Name(), "/", ":"))
				})
			})
		})
	}
}
