package fleet

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/simkit/simkit/store"
)

// countingStore counts the calls simkit makes on a Store: one call is one
// round trip on the Redis Store (a script or a pipeline is one too). It
// forwards the optional capabilities the Redis Store has, so simkit takes
// the same paths through it as through the Redis Store itself.
type countingStore struct {
	inner interface {
		store.Store
		store.CompareAndDeleter
		store.CompareAndSwapper
		store.SetNXGetter
	}
	n atomic.Int64
}

var (
	_ store.Store             = (*countingStore)(nil)
	_ store.CompareAndDeleter = (*countingStore)(nil)
	_ store.CompareAndSwapper = (*countingStore)(nil)
	_ store.SetNXGetter       = (*countingStore)(nil)
)

func (c *countingStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	c.n.Add(1)
	return c.inner.Get(ctx, key)
}

func (c *countingStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	c.n.Add(1)
	return c.inner.Set(ctx, key, value, ttl)
}

func (c *countingStore) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	c.n.Add(1)
	return c.inner.SetNX(ctx, key, value, ttl)
}

func (c *countingStore) SetNXGet(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, bool, error) {
	c.n.Add(1)
	return c.inner.SetNXGet(ctx, key, value, ttl)
}

func (c *countingStore) Delete(ctx context.Context, key string) error {
	c.n.Add(1)
	return c.inner.Delete(ctx, key)
}

func (c *countingStore) CompareAndDelete(ctx context.Context, key string, value []byte) (bool, error) {
	c.n.Add(1)
	return c.inner.CompareAndDelete(ctx, key, value)
}

func (c *countingStore) CompareAndSwap(ctx context.Context, key string, old, new []byte, ttl time.Duration) (bool, error) {
	c.n.Add(1)
	return c.inner.CompareAndSwap(ctx, key, old, new, ttl)
}

// countingLimiter counts a shared limiter's waits: each is one round trip
// on the Redis limiter (one GCRA script) when it admits at once.
type countingLimiter struct {
	inner store.Limiter
	n     atomic.Int64
}

func (c *countingLimiter) Wait(ctx context.Context) error {
	c.n.Add(1)
	return c.inner.Wait(ctx)
}

// tripHook counts what reaches the wire: every command one round trip,
// every pipeline (or MULTI/EXEC) one, whatever it holds. While recording it
// also keeps the commands' names, for the round-trip table.
type tripHook struct {
	n         atomic.Int64
	mu        sync.Mutex
	recording bool
	cmds      []string
}

var _ redis.Hook = (*tripHook)(nil)

func (h *tripHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *tripHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		h.record(cmdName(cmd))
		return next(ctx, cmd)
	}
}

func (h *tripHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		names := make([]string, len(cmds))
		for i, c := range cmds {
			names[i] = cmdName(c)
		}
		h.record("pipeline(" + strings.Join(names, ",") + ")")
		return next(ctx, cmds)
	}
}

func (h *tripHook) record(name string) {
	h.mu.Lock()
	if h.recording {
		h.cmds = append(h.cmds, name)
	}
	h.mu.Unlock()
}

// trace returns the commands fn sent.
func (h *tripHook) trace(fn func()) []string {
	h.mu.Lock()
	h.recording, h.cmds = true, nil
	h.mu.Unlock()
	fn()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recording = false
	return h.cmds
}

// cmdName names a command with the option that decides what it does
// (SET NX, EVALSHA of which script).
func cmdName(c redis.Cmder) string {
	args := c.Args()
	name := strings.ToUpper(c.Name())
	switch name {
	case "SET":
		for _, a := range args[3:] {
			if s, ok := a.(string); ok && strings.EqualFold(s, "nx") {
				name += " NX"
			}
		}
		if s, ok := args[len(args)-1].(string); ok && strings.EqualFold(s, "get") {
			name += " GET"
		}
	case "EVALSHA", "EVAL":
		return "script"
	}
	return name
}
