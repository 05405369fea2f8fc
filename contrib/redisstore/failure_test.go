package redisstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// hammer runs fn from several goroutines many times, as a busy service
// would while Redis is down, and returns every error.
func hammer(fn func(i int) error) []error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := fn(g*100 + i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errs
}

func outageLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l, "unreachable") {
			out = append(out, l)
		}
	}
	return out
}

func TestStoreFailClosedWhenRedisDies(t *testing.T) {
	srv := startRedis(t)
	var logs logBuffer
	s := New(srv.client(), func(o *Options) { o.Logger = logs.logger() })
	ctx := context.Background()
	require.NoError(t, s.Set(ctx, "k", []byte("v"), time.Minute))

	srv.kill()

	errs := hammer(func(i int) error {
		switch i % 4 {
		case 0:
			_, _, err := s.Get(ctx, "k")
			return err
		case 1:
			return s.Set(ctx, "k", []byte("v"), time.Minute)
		case 2:
			_, err := s.SetNX(ctx, "k", []byte("v"), time.Minute)
			return err
		default:
			return s.Delete(ctx, "k")
		}
	})
	require.Len(t, errs, 200, "every call fails closed")
	for _, err := range errs {
		require.ErrorIs(t, err, ErrUnavailable)
	}
	lines := logs.lines()
	require.Len(t, lines, 1, "the outage is logged once, not per call: %v", lines)
	require.Contains(t, lines[0], "mode=fail-closed")

	won, err := s.SetNX(ctx, "claim", []byte("x"), time.Minute)
	require.ErrorIs(t, err, ErrUnavailable)
	require.False(t, won, "a failed claim never reports a win")
}

func TestStoreFailOpenWhenRedisDies(t *testing.T) {
	srv := startRedis(t)
	var logs logBuffer
	s := New(srv.client(), func(o *Options) {
		o.Failure = FailOpen
		o.Logger = logs.logger()
	})
	ctx := context.Background()

	srv.kill()

	errs := hammer(func(i int) error {
		key := "k" + string(rune('a'+i%7))
		if err := s.Set(ctx, key, []byte("v"), time.Minute); err != nil {
			return err
		}
		_, ok, err := s.Get(ctx, key)
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("the fallback lost " + key)
		}
		return nil
	})
	require.Empty(t, errs, "fail-open keeps working on the in-memory store")

	// The fallback still gives dedupe within this replica.
	won, err := s.SetNX(ctx, "evt", []byte("processing"), time.Minute)
	require.NoError(t, err)
	require.True(t, won)
	won, err = s.SetNX(ctx, "evt", []byte("processing"), time.Minute)
	require.NoError(t, err)
	require.False(t, won)
	require.NoError(t, s.Delete(ctx, "evt"))

	lines := logs.lines()
	require.Len(t, lines, 1, "the outage is logged once, not per call: %v", lines)
	require.Contains(t, lines[0], "mode=fail-open")
	require.Contains(t, lines[0], "falling back")
}

func TestStoreRecoversAfterRestart(t *testing.T) {
	srv := startRedis(t)
	var logs logBuffer
	rdb := srv.client()
	s := New(rdb, func(o *Options) {
		o.Logger = logs.logger()
		o.RetryEvery = 50 * time.Millisecond
	})
	ctx := context.Background()

	srv.kill()
	require.ErrorIs(t, s.Set(ctx, "k", []byte("v"), time.Minute), ErrUnavailable)
	_, _, err := s.Get(ctx, "k")
	require.ErrorIs(t, err, ErrUnavailable, "skipped while waiting to probe again")

	srv.start()
	require.Eventually(t, func() bool {
		return s.Set(ctx, "k", []byte("v"), time.Minute) == nil
	}, 5*time.Second, 20*time.Millisecond, "calls reach Redis again once it is back")
	got, ok, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "v", string(got))

	lines := logs.lines()
	require.Len(t, lines, 2, "one line down, one line up: %v", lines)
	require.Contains(t, lines[0], "unreachable")
	require.Contains(t, lines[1], "reachable again")
}

// TestStoreBusyServerIsAnOutage uses a real server stuck in a long Lua
// script: it answers every other client with a BUSY error reply, which is
// "not serving right now", not a bad command.
func TestStoreBusyServerIsAnOutage(t *testing.T) {
	srv := startRedis(t)
	admin := srv.client()
	ctx := context.Background()
	require.NoError(t, admin.ConfigSet(ctx, "busy-reply-threshold", "50").Err())

	var logs logBuffer
	s := New(srv.client(), func(o *Options) { o.Failure = FailOpen; o.Logger = logs.logger() })

	busy := redis.NewClient(&redis.Options{Addr: srv.addr(), MaxRetries: -1, ReadTimeout: -1})
	defer busy.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = busy.Eval(context.Background(), "while true do end", nil).Err()
	}()
	require.Eventually(t, func() bool {
		err := admin.Ping(ctx).Err()
		return err != nil && strings.HasPrefix(err.Error(), "BUSY")
	}, 5*time.Second, 20*time.Millisecond)

	require.NoError(t, s.Set(ctx, "k", []byte("v"), time.Minute), "fail-open answers from memory")
	got, ok, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "v", string(got))
	require.Len(t, outageLines(logs.lines()), 1)

	require.NoError(t, admin.ScriptKill(ctx).Err())
	<-done
}

func TestLimiterFailClosedWhenRedisDies(t *testing.T) {
	srv := startRedis(t)
	var logs logBuffer
	l := NewLimiter(srv.client(), "pace", 1000, 10, func(o *Options) { o.Logger = logs.logger() })
	ctx := context.Background()
	require.NoError(t, l.Wait(ctx))

	srv.kill()
	errs := hammer(func(int) error { return l.Wait(ctx) })
	require.Len(t, errs, 200)
	for _, err := range errs {
		require.ErrorIs(t, err, ErrUnavailable)
	}
	require.Len(t, logs.lines(), 1, "logged once: %v", logs.lines())
}

func TestLimiterFailOpenWhenRedisDies(t *testing.T) {
	srv := startRedis(t)
	var logs logBuffer
	l := NewLimiter(srv.client(), "pace", 1000, 200, func(o *Options) {
		o.Failure = FailOpen
		o.Logger = logs.logger()
	})
	ctx := context.Background()
	require.NoError(t, l.Wait(ctx))

	srv.kill()
	errs := hammer(func(int) error { return l.Wait(ctx) })
	require.Empty(t, errs, "the local limiter admits")
	lines := logs.lines()
	require.Len(t, lines, 1, "logged once: %v", lines)
	require.Contains(t, lines[0], "component=limiter")
}
