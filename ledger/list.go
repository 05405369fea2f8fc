package ledger

import (
	"context"
	"encoding/json"
	"iter"
	"math"
	"time"

	"github.com/simkit/simkit/store"
)

// Entries walks the entries that began in [from, to] (both inclusive; a
// zero time leaves that side open), oldest first, one page at a time:
// memory stays bounded by a page however many entries there are. An entry
// whose record expired is skipped. With a Store that cannot list, it
// yields ErrCannotList once.
func (l *Ledger) Entries(ctx context.Context, from, to time.Time) iter.Seq2[Entry, error] {
	if l == nil {
		return func(func(Entry, error) bool) {}
	}
	return l.walk(ctx, l.timeIndex, from, to)
}

// Subject walks the entries on subject that began in [from, to], oldest
// first, in every state (see Entries).
func (l *Ledger) Subject(ctx context.Context, subject string, from, to time.Time) iter.Seq2[Entry, error] {
	if l == nil {
		return func(func(Entry, error) bool) {}
	}
	return l.walk(ctx, l.subjectIndex(subject), from, to)
}

// ByReference returns the entries of the calls sent with reference, oldest
// first: a re-call with an external id finds what the fleet sent with it
// before.
func (l *Ledger) ByReference(ctx context.Context, reference string) ([]Entry, error) {
	if l == nil {
		return nil, nil
	}
	return collect(l.walk(ctx, l.referenceIndex(reference), time.Time{}, time.Time{}))
}

// InFlight returns the entries on subject still in StateInFlight, oldest
// first: the calls that may yet receive (or settle) an order of that
// subject.
func (l *Ledger) InFlight(ctx context.Context, subject string) ([]Entry, error) {
	if l == nil {
		return nil, nil
	}
	all, err := collect(l.walk(ctx, l.inFlightIndex(subject), time.Time{}, time.Time{}))
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if e.State == StateInFlight {
			out = append(out, e)
		}
	}
	return out, nil
}

func collect(seq iter.Seq2[Entry, error]) ([]Entry, error) {
	var out []Entry
	for e, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (l *Ledger) walk(ctx context.Context, index string, from, to time.Time) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		if l.ix == nil {
			yield(Entry{}, ErrCannotList)
			return
		}
		r := store.IndexRange{Min: math.MinInt64 / 2, Max: math.MaxInt64 / 2, Limit: l.opts.PageSize}
		if !from.IsZero() {
			r.Min = from.UnixMilli()
		}
		if !to.IsZero() {
			r.Max = to.UnixMilli()
		}
		for {
			if err := ctx.Err(); err != nil {
				yield(Entry{}, err)
				return
			}
			members, err := l.ix.RangeIndex(ctx, index, r)
			if err != nil {
				yield(Entry{}, err)
				return
			}
			if len(members) == 0 {
				return
			}
			keys := make([]string, len(members))
			for i, m := range members {
				keys[i] = l.entryKey(m.Member)
			}
			vals, err := l.ix.GetMany(ctx, keys)
			if err != nil {
				yield(Entry{}, err)
				return
			}
			for _, raw := range vals {
				if raw == nil {
					continue
				}
				var e Entry
				if err := json.Unmarshal(raw, &e); err != nil {
					continue // a record of another version: skip, as an expired one
				}
				if !yield(e, nil) {
					return
				}
			}
			if len(members) < r.Limit {
				return
			}
			last := members[len(members)-1]
			r.After = &last
		}
	}
}
