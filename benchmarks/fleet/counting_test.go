package fleet

import (
	"context"
	"fmt"
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
		store.Indexer
	}
	n atomic.Int64
}

var (
	_ store.Store             = (*countingStore)(nil)
	_ store.CompareAndDeleter = (*countingStore)(nil)
	_ store.CompareAndSwapper = (*countingStore)(nil)
	_ store.SetNXGetter       = (*countingStore)(nil)
	_ store.Indexer           = (*countingStore)(nil)
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

func (c *countingStore) Apply(ctx context.Context, w store.IndexWrite) error {
	c.n.Add(1)
	return c.inner.Apply(ctx, w)
}

func (c *countingStore) RangeIndex(ctx context.Context, index string, r store.IndexRange) ([]store.IndexMember, error) {
	c.n.Add(1)
	return c.inner.RangeIndex(ctx, index, r)
}

func (c *countingStore) GetMany(ctx context.Context, keys []string) ([][]byte, error) {
	c.n.Add(1)
	return c.inner.GetMany(ctx, keys)
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
	ledger    atomic.Int64 // trips touching the money ledger's keys
	mu        sync.Mutex
	recording bool
	cmds      []string
}

var _ redis.Hook = (*tripHook)(nil)

func (h *tripHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *tripHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		if touchesLedger(cmd) {
			h.ledger.Add(1)
		}
		h.record(cmdName(cmd))
		return next(ctx, cmd)
	}
}

func (h *tripHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		names := make([]string, len(cmds))
		ledger := false
		for i, c := range cmds {
			names[i] = cmdName(c)
			ledger = ledger || touchesLedger(c)
		}
		if ledger {
			h.ledger.Add(1)
		}
		h.record(pipelineName(names))
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

// pipelineName names a pipeline by its commands, each with its count in
// the order they first appear: "MULTI/EXEC(SET, 4 ZADD)".
func pipelineName(names []string) string {
	kind := "pipeline"
	if len(names) >= 2 && names[0] == "MULTI" && names[len(names)-1] == "EXEC" {
		kind, names = "MULTI/EXEC", names[1:len(names)-1]
	}
	count := map[string]int{}
	var order []string
	for _, n := range names {
		if count[n] == 0 {
			order = append(order, n)
		}
		count[n]++
	}
	for i, n := range order {
		if count[n] > 1 {
			order[i] = fmt.Sprintf("%d %s", count[n], n)
		}
	}
	return kind + "(" + strings.Join(order, ", ") + ")"
}

// touchesLedger reports whether a command names one of the money
// ledger's keys (all under "simkit:ledger:{provider:account}:").
func touchesLedger(c redis.Cmder) bool {
	for _, a := range c.Args() {
		if s, ok := a.(string); ok && strings.Contains(s, "ledger:{") {
			return true
		}
	}
	return false
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
