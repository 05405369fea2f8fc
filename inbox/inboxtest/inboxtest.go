// Package inboxtest checks that an inbox.Queue keeps the promises an
// Inbox relies on; implementations outside simkit run it in their tests.
package inboxtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
)

// recorder is a handler that counts calls per id and fails while told to.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int
	fail  map[string]bool
}

func newRecorder() *recorder { return &recorder{calls: map[string]int{}, fail: map[string]bool{}} }

func (r *recorder) handle(_ context.Context, m inbox.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[m.ID]++
	if r.fail[m.ID] {
		return errors.New("poison")
	}
	return nil
}

func (r *recorder) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

func (r *recorder) setFail(id string, fail bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail[id] = fail
}

// Run runs the conformance tests; newQueue returns an empty queue for each.
func Run(t *testing.T, newQueue func(t *testing.T) inbox.Queue) {
	ctx := context.Background()
	build := func(t *testing.T, q inbox.Queue, rec *recorder) *inbox.Inbox {
		in, err := inbox.New(q, func(o *inbox.Options) {
			o.Consumer = "worker-a"
			o.MaxAttempts = 3
			o.Backoff = func(int) time.Duration { return 0 }
			o.ClaimIdle = 200 * time.Millisecond
			o.Poll = time.Millisecond
		})
		require.NoError(t, err)
		require.NoError(t, in.Handle("partner", rec.handle))
		return in
	}

	t.Run("dedupe and handle once", func(t *testing.T) {
		rec := newRecorder()
		in := build(t, newQueue(t), rec)
		added, err := in.Add(ctx, "partner", "e1", []byte(`{"a":1}`))
		require.NoError(t, err)
		require.True(t, added)
		added, err = in.Add(ctx, "partner", "e1", []byte(`{"a":1}`))
		require.NoError(t, err)
		require.False(t, added, "a duplicate is not stored twice")
		n, err := in.Work(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = in.Work(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "an acked message is gone")
		require.Equal(t, 1, rec.count("e1"))
		require.NoError(t, in.Handle("esimstory", rec.handle))
		require.Error(t, in.Handle("esimstory", rec.handle), "one handler per kind")
	})

	t.Run("failure retried, then poison dead-lettered and replayed", func(t *testing.T) {
		rec := newRecorder()
		q := newQueue(t)
		in := build(t, q, rec)
		rec.setFail("p1", true)
		_, err := in.Add(ctx, "partner", "p1", []byte(`{"poison":true}`))
		require.NoError(t, err)
		for range 3 {
			n, err := in.Work(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n)
		}
		n, err := in.Work(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "after MaxAttempts it is no longer retried")
		require.Equal(t, 3, rec.count("p1"))
		var dead []inbox.Message
		for m, err := range in.DeadLetters(ctx) {
			require.NoError(t, err)
			dead = append(dead, m)
		}
		require.Len(t, dead, 1)
		require.Equal(t, "p1", dead[0].ID)
		require.Equal(t, "partner", dead[0].Kind)
		require.Equal(t, 3, dead[0].Attempts)
		require.Equal(t, "poison", dead[0].LastError)
		require.JSONEq(t, `{"poison":true}`, string(dead[0].Body))

		require.ErrorIs(t, in.Replay(ctx, "no-such-ref"), inbox.ErrNotFound)
		rec.setFail("p1", false)
		require.NoError(t, in.Replay(ctx, dead[0].Ref))
		n, err = in.Work(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, 4, rec.count("p1"))
		for range in.DeadLetters(ctx) {
			t.Fatal("a replayed dead letter leaves the list")
		}
	})

	t.Run("backoff delays the retry", func(t *testing.T) {
		rec := newRecorder()
		q := newQueue(t)
		in, err := inbox.New(q, func(o *inbox.Options) {
			o.Consumer = "worker-a"
			o.Backoff = func(int) time.Duration { return time.Hour }
		})
		require.NoError(t, err)
		require.NoError(t, in.Handle("partner", rec.handle))
		rec.setFail("b1", true)
		_, err = in.Add(ctx, "partner", "b1", nil)
		require.NoError(t, err)
		n, _ := in.Work(ctx)
		require.Equal(t, 1, n)
		n, _ = in.Work(ctx)
		require.Zero(t, n, "not claimable before its backoff ends")
		msgs, err := q.Claim(ctx, "worker-b", 10, time.Now().Add(2*time.Hour), time.Minute)
		require.NoError(t, err)
		require.Len(t, msgs, 1, "claimable once it does")
		require.Equal(t, 1, msgs[0].Attempts)
		require.Equal(t, "poison", msgs[0].LastError)
	})

	t.Run("a dead consumer's message is claimed by another", func(t *testing.T) {
		// Generous margins: a loaded CI machine may sleep far longer than
		// asked, and only "longer than idle" versus "well under" matters.
		const idle = 400 * time.Millisecond
		q := newQueue(t)
		_, err := q.Add(ctx, inbox.Message{ID: "c1", Kind: "partner", Received: time.Now()}, time.Hour)
		require.NoError(t, err)
		held, err := q.Claim(ctx, "dying", 10, time.Now(), idle)
		require.NoError(t, err)
		require.Len(t, held, 1)
		msgs, err := q.Claim(ctx, "alive", 10, time.Now(), idle)
		require.NoError(t, err)
		require.Empty(t, msgs, "held, and not idle yet")
		time.Sleep(idle / 4)
		require.NoError(t, q.Extend(ctx, "dying", held[0]))
		time.Sleep(idle / 4)
		msgs, err = q.Claim(ctx, "alive", 10, time.Now(), idle)
		require.NoError(t, err)
		require.Empty(t, msgs, "an extended claim is not idle")
		time.Sleep(idle + idle/2)
		msgs, err = q.Claim(ctx, "alive", 10, time.Now(), idle)
		require.NoError(t, err)
		require.Len(t, msgs, 1, "once idle for long enough it moves")
		require.Equal(t, "c1", msgs[0].ID)
		require.NoError(t, q.Ack(ctx, msgs[0]))
		time.Sleep(idle + idle/2)
		msgs, err = q.Claim(ctx, "third", 10, time.Now(), idle)
		require.NoError(t, err)
		require.Empty(t, msgs)
	})
}
