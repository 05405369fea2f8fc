package redisstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/simkit/simkit/store"
	"github.com/stretchr/testify/require"
)

func TestStoreSetGetDelete(t *testing.T) {
	srv := startRedis(t)
	s := New(srv.client())
	ctx := context.Background()

	tests := []struct {
		name  string
		key   string
		value []byte
	}{
		{"text", "token:partner", []byte("abc")},
		{"empty value", "empty", []byte{}},
		{"binary starting with version byte", "bin", []byte{version1, 0, 0xff}},
		{"large", "large", make([]byte, 1<<16)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ok, err := s.Get(ctx, tc.key)
			require.NoError(t, err)
			require.False(t, ok, "absent before Set")

			require.NoError(t, s.Set(ctx, tc.key, tc.value, time.Minute))
			got, ok, err := s.Get(ctx, tc.key)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, tc.value, got)

			require.NoError(t, s.Delete(ctx, tc.key))
			_, ok, err = s.Get(ctx, tc.key)
			require.NoError(t, err)
			require.False(t, ok, "absent after Delete")
			require.NoError(t, s.Delete(ctx, tc.key), "deleting a missing key is not an error")
		})
	}
}

func TestStoreSetReplaces(t *testing.T) {
	srv := startRedis(t)
	s := New(srv.client())
	ctx := context.Background()
	require.NoError(t, s.Set(ctx, "k", []byte("one"), time.Minute))
	require.NoError(t, s.Set(ctx, "k", []byte("two"), time.Minute))
	got, ok, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "two", string(got))
}

func TestStoreSetNX(t *testing.T) {
	srv := startRedis(t)
	s := New(srv.client())
	ctx := context.Background()

	won, err := s.SetNX(ctx, "dedupe:evt-1", []byte("processing"), time.Minute)
	require.NoError(t, err)
	require.True(t, won, "first claim wins")

	won, err = s.SetNX(ctx, "dedupe:evt-1", []byte("other"), time.Minute)
	require.NoError(t, err)
	require.False(t, won, "second claim loses")

	got, _, err := s.Get(ctx, "dedupe:evt-1")
	require.NoError(t, err)
	require.Equal(t, "processing", string(got), "a losing SetNX leaves the value alone")

	require.NoError(t, s.Delete(ctx, "dedupe:evt-1"))
	won, err = s.SetNX(ctx, "dedupe:evt-1", []byte("again"), time.Minute)
	require.NoError(t, err)
	require.True(t, won, "released claim can be taken again")
}

func TestStoreSetNXConcurrentOneWinner(t *testing.T) {
	srv := startRedis(t)
	// Two Stores over two clients stand in for two replicas.
	replicas := []*Store{New(srv.client()), New(srv.client())}
	ctx := context.Background()

	const n = 50
	var wins atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			won, err := replicas[i%2].SetNX(ctx, "gate:8944500000000000001", []byte{byte(i)}, time.Minute)
			if err != nil {
				errs <- err
				return
			}
			if won {
				wins.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, wins.Load(), "exactly one of %d concurrent SetNX wins", n)
}

func TestStoreTTLExpiry(t *testing.T) {
	srv := startRedis(t)
	s := New(srv.client())
	ctx := context.Background()

	require.NoError(t, s.Set(ctx, "cache", []byte("v"), 300*time.Millisecond))
	won, err := s.SetNX(ctx, "claim", []byte("v"), 300*time.Millisecond)
	require.NoError(t, err)
	require.True(t, won)

	// Redis' own clock expires the keys; poll rather than assume a moment.
	require.Eventually(t, func() bool {
		_, ok, err := s.Get(ctx, "cache")
		return err == nil && !ok
	}, 3*time.Second, 50*time.Millisecond, "Set value expires")
	// The claim was written just after the cache value, so it may outlive
	// it by a moment: poll for it too.
	require.Eventually(t, func() bool {
		won, err := s.SetNX(ctx, "claim", []byte("v2"), time.Minute)
		return err == nil && won
	}, 3*time.Second, 20*time.Millisecond, "an expired claim can be taken again")
}

func TestStoreRefusesNonPositiveTTL(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	s := New(rdb)
	ctx := context.Background()

	for _, ttl := range []time.Duration{0, -time.Second} {
		require.ErrorIs(t, s.Set(ctx, "k", []byte("v"), ttl), store.ErrNoTTL)
		won, err := s.SetNX(ctx, "k", []byte("v"), ttl)
		require.ErrorIs(t, err, store.ErrNoTTL)
		require.False(t, won)
	}
	n, err := rdb.DBSize(ctx).Result()
	require.NoError(t, err)
	require.Zero(t, n, "a refused write reaches Redis not at all")
}

func TestStoreEveryKeyHasTTL(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	s := New(rdb)
	ctx := context.Background()

	require.NoError(t, s.Set(ctx, "a", []byte("1"), time.Hour))
	require.NoError(t, s.Set(ctx, "tiny", []byte("1"), time.Microsecond*10))
	_, err := s.SetNX(ctx, "b", []byte("1"), 1500*time.Millisecond)
	require.NoError(t, err)
	l := NewLimiter(rdb, "pace", 100, 1)
	require.NoError(t, l.Wait(ctx))

	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	for _, k := range keys {
		ttl, err := rdb.PTTL(ctx, k).Result()
		require.NoError(t, err)
		// PTTL -1 means "no expiry" (go-redis reports it as -1ns); a key that
		// expired between KEYS and PTTL reports -2 and is fine.
		require.NotEqual(t, time.Duration(-1), ttl, "key %q must expire", k)
	}
}

func TestStorePrefix(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	ctx := context.Background()

	tests := []struct {
		name   string
		prefix string
		want   string
	}{
		{"default", "", "simkit:token"},
		{"custom", "prod-eu:", "prod-eu:token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(rdb, func(o *Options) { o.Prefix = tc.prefix })
			require.Equal(t, tc.want[:len(tc.want)-len("token")], s.Prefix())
			require.NoError(t, s.Set(ctx, "token", []byte("t"), time.Minute))
			n, err := rdb.Exists(ctx, tc.want).Result()
			require.NoError(t, err)
			require.EqualValues(t, 1, n, "value lives under %q", tc.want)
		})
	}

	a := New(rdb, func(o *Options) { o.Prefix = "a:" })
	b := New(rdb, func(o *Options) { o.Prefix = "b:" })
	require.NoError(t, a.Set(ctx, "shared", []byte("A"), time.Minute))
	_, ok, err := b.Get(ctx, "shared")
	require.NoError(t, err)
	require.False(t, ok, "deployments with different prefixes do not see each other's keys")
}

func TestStoreVersionByte(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	var logs logBuffer
	s := New(rdb, func(o *Options) { o.Logger = logs.logger() })
	ctx := context.Background()

	require.NoError(t, s.Set(ctx, "v", []byte("hello"), time.Minute))
	raw, err := rdb.Get(ctx, "simkit:v").Bytes()
	require.NoError(t, err)
	require.Equal(t, append([]byte{version1}, "hello"...), raw, "stored value is version byte + caller bytes")

	tests := []struct {
		name string
		raw  []byte
	}{
		{"future version", []byte{2, 'x'}},
		{"unversioned legacy text", []byte("done")},
		{"empty", []byte{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, rdb.Set(ctx, "simkit:odd", tc.raw, time.Minute).Err())
			got, ok, err := s.Get(ctx, "odd")
			require.NoError(t, err)
			require.False(t, ok, "unknown version reads as absent")
			require.Nil(t, got)
		})
	}
	lines := logs.lines()
	require.Len(t, lines, 1, "unknown versions are logged once: %v", lines)
	require.Contains(t, lines[0], "unknown version")
	require.NotContains(t, lines[0], "hello")
}

func TestStoreNonOutageErrorIsReturned(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	var logs logBuffer
	s := New(rdb, func(o *Options) { o.Failure = FailOpen; o.Logger = logs.logger() })
	ctx := context.Background()

	// A key of the wrong type is a command error, not an outage: FailOpen
	// must not hide it behind the in-memory fallback.
	require.NoError(t, rdb.LPush(ctx, "simkit:list", "x").Err())
	_, _, err := s.Get(ctx, "list")
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrUnavailable)
	var reply redis.Error
	require.ErrorAs(t, err, &reply)
	require.Empty(t, logs.lines(), "no outage logged")
}

func TestStoreContextCanceled(t *testing.T) {
	srv := startRedis(t)
	s := New(srv.client(), func(o *Options) { o.Failure = FailOpen })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := s.Get(ctx, "k")
	require.ErrorIs(t, err, context.Canceled, "the caller's cancellation is not an outage")
	require.False(t, s.health.down.Load())
}

func TestNilStoreAndClient(t *testing.T) {
	ctx := context.Background()
	for name, s := range map[string]*Store{"nil store": nil, "nil client": New(nil)} {
		t.Run(name, func(t *testing.T) {
			_, _, err := s.Get(ctx, "k")
			require.ErrorIs(t, err, ErrNoClient)
			require.ErrorIs(t, s.Set(ctx, "k", nil, time.Second), ErrNoClient)
			_, err = s.SetNX(ctx, "k", nil, time.Second)
			require.ErrorIs(t, err, ErrNoClient)
			require.ErrorIs(t, s.Delete(ctx, "k"), ErrNoClient)
		})
	}
	require.Empty(t, (*Store)(nil).Prefix())
}

func TestIsOutage(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	ctx := context.Background()
	// A real reply from the real server: a bad command is not an outage.
	err := rdb.Do(ctx, "NOSUCHCOMMAND").Err()
	require.Error(t, err)
	require.False(t, isOutage(ctx, err))
	// A closed client (like a refused connection) is.
	require.True(t, isOutage(ctx, redis.ErrClosed))
}

func TestStoreCompareAndDelete(t *testing.T) {
	srv := startRedis(t)
	s := New(srv.client())
	ctx := context.Background()
	require.NoError(t, s.Set(ctx, "tok:lock", []byte("replica-b"), time.Minute))

	deleted, err := s.CompareAndDelete(ctx, "tok:lock", []byte("replica-a"))
	require.NoError(t, err)
	require.False(t, deleted, "a stale holder cannot release another replica's lock")
	_, ok, err := s.Get(ctx, "tok:lock")
	require.NoError(t, err)
	require.True(t, ok)

	deleted, err = s.CompareAndDelete(ctx, "tok:lock", []byte("replica-b"))
	require.NoError(t, err)
	require.True(t, deleted)
	_, ok, _ = s.Get(ctx, "tok:lock")
	require.False(t, ok)
}
