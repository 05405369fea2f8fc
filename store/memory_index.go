package store

import (
	"context"
	"sort"
	"time"
)

var _ Indexer = (*Memory)(nil)

// memIndex is one sorted index of the Memory store: members in (score,
// member) order, with a map for finding a member's current score.
type memIndex struct {
	sorted  []IndexMember
	score   map[string]int64
	expires time.Time
}

func (ix *memIndex) pos(m IndexMember) int {
	return sort.Search(len(ix.sorted), func(i int) bool { return !ix.sorted[i].Less(m) })
}

func (ix *memIndex) remove(member string) {
	s, ok := ix.score[member]
	if !ok {
		return
	}
	m := IndexMember{Member: member, Score: s}
	i := ix.pos(m)
	if i < len(ix.sorted) && ix.sorted[i] == m {
		ix.sorted = append(ix.sorted[:i], ix.sorted[i+1:]...)
	}
	delete(ix.score, member)
}

func (ix *memIndex) add(member string, score int64) {
	ix.remove(member)
	m := IndexMember{Member: member, Score: score}
	i := ix.pos(m)
	ix.sorted = append(ix.sorted, IndexMember{})
	copy(ix.sorted[i+1:], ix.sorted[i:])
	ix.sorted[i] = m
	ix.score[member] = score
}

func (ix *memIndex) trim(below int64) {
	i := sort.Search(len(ix.sorted), func(i int) bool { return ix.sorted[i].Score >= below })
	for _, m := range ix.sorted[:i] {
		delete(ix.score, m.Member)
	}
	ix.sorted = append(ix.sorted[:0:0], ix.sorted[i:]...)
}

// liveIndexLocked returns index name, dropping it when it has expired.
func (m *Memory) liveIndexLocked(name string, now time.Time) *memIndex {
	ix := m.indexes[name]
	if ix != nil && !now.Before(ix.expires) {
		delete(m.indexes, name)
		return nil
	}
	return ix
}

// Apply implements Indexer: the whole write happens under the store's lock.
func (m *Memory) Apply(_ context.Context, w IndexWrite) error {
	if err := w.Check(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweepLocked(now)
	if w.Key != "" {
		m.items[w.Key] = entry{value: append([]byte(nil), w.Value...), expires: now.Add(w.TTL)}
	}
	for _, r := range w.Remove {
		if ix := m.liveIndexLocked(r.Index, now); ix != nil {
			ix.remove(r.Member)
		}
	}
	for _, t := range w.Trim {
		if ix := m.liveIndexLocked(t.Index, now); ix != nil {
			ix.trim(t.Below)
		}
	}
	for _, a := range w.Add {
		ix := m.liveIndexLocked(a.Index, now)
		if ix == nil {
			if m.indexes == nil {
				m.indexes = make(map[string]*memIndex)
			}
			ix = &memIndex{score: make(map[string]int64)}
			m.indexes[a.Index] = ix
		}
		ix.add(a.Member, a.Score)
		ix.expires = now.Add(a.TTL)
	}
	return nil
}

// RangeIndex implements Indexer.
func (m *Memory) RangeIndex(_ context.Context, index string, r IndexRange) ([]IndexMember, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = DefaultIndexLimit
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ix := m.liveIndexLocked(index, m.now())
	if ix == nil {
		return nil, nil
	}
	start := IndexMember{Score: r.Min}
	i := ix.pos(start)
	if r.After != nil && start.Less(*r.After) {
		i = ix.pos(*r.After)
		if i < len(ix.sorted) && ix.sorted[i] == *r.After {
			i++
		}
	}
	var out []IndexMember
	for ; i < len(ix.sorted) && len(out) < limit; i++ {
		if ix.sorted[i].Score > r.Max {
			break
		}
		out = append(out, ix.sorted[i])
	}
	return out, nil
}

// GetMany implements Indexer.
func (m *Memory) GetMany(ctx context.Context, keys []string) ([][]byte, error) {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		v, ok, err := m.Get(ctx, k)
		if err != nil {
			return nil, err
		}
		if ok {
			out[i] = v
		}
	}
	return out, nil
}
