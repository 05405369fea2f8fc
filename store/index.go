package store

import (
	"context"
	"errors"
	"time"
)

// Indexer is an optional Store capability: sorted indexes of members with
// an integer score, written together with a key in one atomic step and read
// back in score order, page by page. The money ledger (package ledger)
// lists its entries by time, by subject and by reference with it; a Store
// without it still works for everything else, and the ledger then says
// plainly that it cannot list (ledger.ErrCannotList).
//
// Members carry no expiry of their own: an index lives TTL after its latest
// addition, and a write trims members scored below a bound (the ledger
// trims entries older than its retention, on one write in 16). A member
// whose key has expired may still be listed until it is trimmed; readers
// skip it.
//
// Scores are int64 and must stay within ±2^53 (Redis keeps scores as
// float64): Unix milliseconds fit for the next 280 000 years.
//
// Keys of one index and the keys written with it should share a Redis
// Cluster hash slot ({hashtag}), so a write is one atomic transaction and
// GetMany one command.
type Indexer interface {
	// Apply performs w atomically: the Set (when w.Key is not empty), then
	// the removals, trims and additions, in one round trip where the store
	// can.
	Apply(ctx context.Context, w IndexWrite) error
	// RangeIndex returns up to r.Limit members of index with r.Min <= score
	// <= r.Max, in ascending (score, member) order, starting after r.After
	// when it is set. A missing index is empty.
	RangeIndex(ctx context.Context, index string, r IndexRange) ([]IndexMember, error)
	// GetMany returns the values of keys, in order, with nil for a key that
	// is absent or expired.
	GetMany(ctx context.Context, keys []string) ([][]byte, error)
}

// IndexWrite is one atomic write: an optional key, then index changes.
type IndexWrite struct {
	// Key, when not empty, is set to Value for TTL (TTL must be positive).
	Key   string
	Value []byte
	TTL   time.Duration
	// Add puts members into indexes (replacing a member's score).
	Add []IndexAdd
	// Remove takes members out of indexes.
	Remove []IndexRemove
	// Trim drops every member scored below a bound.
	Trim []IndexTrim
}

// IndexAdd adds Member with Score to Index and makes Index live TTL from
// now (TTL must be positive).
type IndexAdd struct {
	Index  string
	Member string
	Score  int64
	TTL    time.Duration
}

// IndexRemove takes Member out of Index.
type IndexRemove struct {
	Index  string
	Member string
}

// IndexTrim drops the members of Index scored below Below.
type IndexTrim struct {
	Index string
	Below int64
}

// IndexRange selects a page of an index.
type IndexRange struct {
	// Min and Max bound the scores, both inclusive.
	Min, Max int64
	// After, when set, is the last member of the previous page: the page
	// starts after it in (score, member) order.
	After *IndexMember
	// Limit is the most members returned; zero or less means 100.
	Limit int
}

// IndexMember is one member of an index with its score.
type IndexMember struct {
	Member string
	Score  int64
}

// ErrBadIndexWrite reports an IndexWrite with a missing TTL or an empty
// index or member name; nothing is written.
var ErrBadIndexWrite = errors.New("store: index write needs positive TTLs and non-empty index and member names")

// DefaultIndexLimit is the page size of a RangeIndex without a Limit.
const DefaultIndexLimit = 100

// Check validates w, for Indexer implementations.
func (w IndexWrite) Check() error {
	if w.Key != "" && w.TTL <= 0 {
		return ErrNoTTL
	}
	for _, a := range w.Add {
		if a.TTL <= 0 || a.Index == "" || a.Member == "" {
			return ErrBadIndexWrite
		}
	}
	for _, r := range w.Remove {
		if r.Index == "" || r.Member == "" {
			return ErrBadIndexWrite
		}
	}
	for _, t := range w.Trim {
		if t.Index == "" {
			return ErrBadIndexWrite
		}
	}
	return nil
}

// Less reports whether m sorts before o: by score, then by member.
func (m IndexMember) Less(o IndexMember) bool {
	if m.Score != o.Score {
		return m.Score < o.Score
	}
	return m.Member < o.Member
}
