package redisstore

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
)

// TestStreamQueueClaimsInOneRoundTrip: a claim with no retry due is one
// script, whatever it takes over and reads; due retries add their moves.
func TestStreamQueueClaimsInOneRoundTrip(t *testing.T) {
	rdb := startRedis(t).client()
	ctx := context.Background()
	q := NewStreamQueue(rdb, "trips")
	now := time.Unix(1768481903, 0)
	for _, id := range []string{"a", "b", "c"} {
		added, err := q.Add(ctx, inbox.Message{ID: id, Kind: "k", Body: []byte(id), Received: now}, time.Hour)
		require.NoError(t, err)
		require.True(t, added)
	}
	_, err := q.Claim(ctx, "w1", 1, now, time.Hour) // creates the group, loads the script
	require.NoError(t, err)
	trips := &countHook{}
	rdb.AddHook(trips)

	tests := []struct {
		name     string
		prepare  func()
		consumer string
		idle     time.Duration
		want     []string
		trips    int
	}{
		{"new messages", func() {}, "w1", time.Hour, []string{"b", "c"}, 1},
		{"nothing left", func() {}, "w1", time.Hour, nil, 1},
		{"idle messages taken over", func() {}, "w2", 0, []string{"a", "b"}, 1},
		{"a due retry is moved first", func() {
			m := inbox.Message{ID: "r", Kind: "k", Body: []byte("r"), Received: now}
			added, err := q.Add(ctx, m, time.Hour)
			require.NoError(t, err)
			require.True(t, added)
			got, err := q.Claim(ctx, "w3", 1, now, time.Hour)
			require.NoError(t, err)
			require.Len(t, got, 1)
			require.NoError(t, q.Retry(ctx, got[0], now.Add(-time.Second)))
		}, "w3", time.Hour, []string{"r"}, 4}, // claim, EVALSHA+EVAL (first use of the move), claim
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.prepare()
			trips.n.Store(0)
			got, err := q.Claim(ctx, tt.consumer, 2, now, tt.idle)
			require.NoError(t, err)
			var ids []string
			for _, m := range got {
				ids = append(ids, m.ID)
			}
			require.Equal(t, tt.want, ids)
			require.Equal(t, int64(tt.trips), trips.n.Load(), "round trips")
		})
	}
}

// TestStreamQueueRecreatesLostGroup: a Redis without persistence restarted
// loses the stream and its group; the next claim recreates them.
func TestStreamQueueRecreatesLostGroup(t *testing.T) {
	rdb := startRedis(t).client()
	ctx := context.Background()
	q := NewStreamQueue(rdb, "lost")
	now := time.Unix(1768481903, 0)
	_, err := q.Claim(ctx, "w", 1, now, time.Hour)
	require.NoError(t, err)
	require.NoError(t, rdb.FlushAll(ctx).Err())
	added, err := q.Add(ctx, inbox.Message{ID: "a", Kind: "k", Body: []byte("a"), Received: now}, time.Hour)
	require.NoError(t, err)
	require.True(t, added)
	got, err := q.Claim(ctx, "w", 1, now, time.Hour)
	require.NoError(t, err)
	require.Len(t, got, 1, "the group is recreated from the stream's start")
	require.Equal(t, "a", got[0].ID)
}

// TestStreamQueueTrimsAcked: acked entries leave the stream at the next
// look for idle messages, pending ones and unread ones stay.
func TestStreamQueueTrimsAcked(t *testing.T) {
	rdb := startRedis(t).client()
	ctx := context.Background()
	q := NewStreamQueue(rdb, "trim")
	stream, _, _ := q.Keys()
	now := time.Unix(1768481903, 0)
	add := func(from, to int) {
		for i := from; i < to; i++ {
			_, err := q.Add(ctx, inbox.Message{ID: strconv.Itoa(i), Kind: "k", Body: []byte("x"), Received: now}, time.Hour)
			require.NoError(t, err)
		}
	}
	claim := func(n int) []inbox.Message {
		q.lastTakeover.Store(0) // look for idle messages now
		got, err := q.Claim(ctx, "w", n, now, time.Hour)
		require.NoError(t, err)
		return got
	}
	add(0, 300)
	got := claim(300)
	require.Len(t, got, 300)
	for _, m := range got[:250] {
		require.NoError(t, q.Ack(ctx, m))
	}
	add(300, 310) // unread
	extra := claim(1)
	require.Len(t, extra, 1)
	left := rdb.XRange(ctx, stream, "-", "+").Val()
	require.Less(t, len(left), 300, "acked entries are trimmed")
	ids := map[string]bool{}
	for _, x := range left {
		ids[x.Values["id"].(string)] = true
	}
	for i := 250; i < 310; i++ {
		require.True(t, ids[strconv.Itoa(i)], "pending or unread %d stays", i)
	}
	for _, m := range append(got[250:], extra...) {
		require.NoError(t, q.Ack(ctx, m))
	}
	got = claim(10)
	require.Len(t, got, 9)
	for _, m := range got {
		require.NoError(t, q.Ack(ctx, m))
	}
	require.Empty(t, claim(1))
	require.LessOrEqual(t, rdb.XLen(ctx, stream).Val(), int64(100), "with nothing pending, all but the last node's acked entries go")
}
