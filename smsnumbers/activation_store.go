package smsnumbers

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/simkit/simkit/store"
)

// journalTTL keeps a journal entry longer than any order lives (a hosting
// rental lasts a day at most), so a sweep a day later still knows who
// owned it.
const journalTTL = 25 * time.Hour

// claimTimeout bounds a store write made for an order already bought: the
// money is spent, so the write is tried even after the caller gave up,
// but never waits long on a slow store.
const claimTimeout = 5 * time.Second

// activationStore is the journal, index, claims and counters of the
// activations of one account, in the client's Store.
type activationStore struct {
	st     store.Store
	prefix string
}

func (s activationStore) entryKey(id int64) string {
	return s.prefix + "act:" + strconv.FormatInt(id, 10)
}

func (s activationStore) closeKey(id int64) string { return s.entryKey(id) + ":close" }

func (s activationStore) indexKey() string { return s.prefix + "act:index" }

// load reads the journal entry of an order (nil when there is none).
func (s activationStore) load(ctx context.Context, id int64) (*JournalEntry, error) {
	b, ok, err := s.st.Get(ctx, s.entryKey(id))
	if err != nil || !ok {
		return nil, err
	}
	var e JournalEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// save writes a journal entry.
func (s activationStore) save(ctx context.Context, e *JournalEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return s.st.Set(ctx, s.entryKey(e.ID), b, journalTTL)
}

// claimClose takes the right to close (cancel or finish) an order for
// owner. It reports true when the claim is owner's, new or held before:
// across replicas sharing the Store only one owner ever closes an order.
func (s activationStore) claimClose(ctx context.Context, id int64, owner string) (bool, error) {
	ok, err := s.st.SetNX(ctx, s.closeKey(id), []byte(owner), journalTTL)
	if err != nil || ok {
		return ok, err
	}
	v, found, err := s.st.Get(ctx, s.closeKey(id))
	if err != nil {
		return false, err
	}
	return found && string(v) == owner, nil
}

// releaseClose gives a close claim back after a close that definitely did
// not happen, so a later attempt (or a sweep) may try again.
func (s activationStore) releaseClose(ctx context.Context, id int64, owner string) {
	compareAndDelete(ctx, s.st, s.closeKey(id), []byte(owner))
}

// index returns the ids of activations the journal holds as open.
func (s activationStore) index(ctx context.Context) ([]int64, error) {
	b, ok, err := s.st.Get(ctx, s.indexKey())
	if err != nil || !ok {
		return nil, err
	}
	var ids []int64
	if err := json.Unmarshal(b, &ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// indexAdd and indexRemove keep the list of open activations, under a
// store lock so replicas never lose each other's updates.
func (s activationStore) indexAdd(ctx context.Context, id int64) error {
	return s.updateIndex(ctx, func(ids []int64) []int64 {
		if slices.Contains(ids, id) {
			return ids
		}
		return append(ids, id)
	})
}

func (s activationStore) indexRemove(ctx context.Context, id int64) error {
	return s.updateIndex(ctx, func(ids []int64) []int64 {
		return slices.DeleteFunc(ids, func(x int64) bool { return x == id })
	})
}

func (s activationStore) updateIndex(ctx context.Context, fn func([]int64) []int64) error {
	return withLock(ctx, s.st, s.indexKey()+":lock", func() error {
		ids, err := s.index(ctx)
		if err != nil {
			return err
		}
		b, err := json.Marshal(fn(ids))
		if err != nil {
			return err
		}
		return s.st.Set(ctx, s.indexKey(), b, journalTTL)
	})
}
