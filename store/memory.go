package store

import (
	"context"
	"sync"
	"time"
)

// sweepEvery bounds how often Memory scans for expired keys, so that a busy
// store does not pay a full scan per write yet never holds dead keys for
// long.
const sweepEvery = time.Second

// MemoryOptions configures a Memory store.
type MemoryOptions struct {
	// Now is the clock used for expiry; tests inject a fake one. Default time.Now.
	Now func() time.Time
}

// Memory is the default, process-local Store. Expired keys are dropped on
// read and swept on write, so its map shrinks after the keys' TTLs pass.
type Memory struct {
	mu        sync.Mutex
	now       func() time.Time
	items     map[string]entry
	nextSweep time.Time
	// indexes are the sorted indexes of the Indexer capability.
	indexes map[string]*memIndex
}

type entry struct {
	value   []byte
	expires time.Time
}

// NewMemory returns an empty in-memory store.
func NewMemory(opts ...func(*MemoryOptions)) *Memory {
	o := MemoryOptions{Now: time.Now}
	for _, fn := range opts {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Memory{now: o.Now, items: make(map[string]entry)}
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.items[key]
	if !ok {
		return nil, false, nil
	}
	if !m.now().Before(e.expires) {
		delete(m.items, key)
		return nil, false, nil
	}
	return append([]byte(nil), e.value...), true, nil
}

// Set implements Store.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return ErrNoTTL
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweepLocked(now)
	m.items[key] = entry{value: append([]byte(nil), value...), expires: now.Add(ttl)}
	return nil
}

// SetNX implements Store.
func (m *Memory) SetNX(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, ErrNoTTL
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweepLocked(now)
	if e, ok := m.items[key]; ok && now.Before(e.expires) {
		return false, nil
	}
	m.items[key] = entry{value: append([]byte(nil), value...), expires: now.Add(ttl)}
	return true, nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, key)
	return nil
}

// CompareAndDelete implements CompareAndDeleter.
func (m *Memory) CompareAndDelete(_ context.Context, key string, value []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.items[key]
	if !ok || !m.now().Before(e.expires) || string(e.value) != string(value) {
		return false, nil
	}
	delete(m.items, key)
	return true, nil
}

// CompareAndSwap implements CompareAndSwapper.
func (m *Memory) CompareAndSwap(_ context.Context, key string, old, new []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, ErrNoTTL
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e, ok := m.items[key]
	if !ok || !now.Before(e.expires) || string(e.value) != string(old) {
		return false, nil
	}
	m.items[key] = entry{value: append([]byte(nil), new...), expires: now.Add(ttl)}
	return true, nil
}

// Len reports how many live keys the store holds; it exists so tests and
// metrics can see that expired keys are really gone.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextSweep = time.Time{}
	m.sweepLocked(m.now())
	return len(m.items)
}

func (m *Memory) sweepLocked(now time.Time) {
	if now.Before(m.nextSweep) {
		return
	}
	for k, e := range m.items {
		if !now.Before(e.expires) {
			delete(m.items, k)
		}
	}
	for k, ix := range m.indexes {
		if !now.Before(ix.expires) {
			delete(m.indexes, k)
		}
	}
	m.nextSweep = now.Add(sweepEvery)
}
