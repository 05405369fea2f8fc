package redisstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/redis/go-redis/v9"
	"github.com/simkit/simkit/store"
)

var _ store.Indexer = (*Store)(nil)

// errNoFallbackIndex is returned while failing open when the fallback store
// has no indexes.
var errNoFallbackIndex = errors.New("redisstore: the fallback store cannot index")

// Apply implements store.Indexer with one MULTI/EXEC transaction: the SET,
// then ZREM, ZREMRANGEBYSCORE and ZADD with PEXPIRE per index, in one round
// trip. Under Redis Cluster every key of one write must share a hash slot:
// the ledger puts a {hashtag} in all of an account's keys.
func (s *Store) Apply(ctx context.Context, w store.IndexWrite) error {
	if err := w.Check(); err != nil {
		return err
	}
	p := s.opts.Prefix
	return s.do(ctx, "index-apply",
		func() error {
			_, err := s.rdb.TxPipelined(ctx, func(tx redis.Pipeliner) error {
				if w.Key != "" {
					tx.Set(ctx, p+w.Key, encode(w.Value), redisTTL(w.TTL))
				}
				for _, r := range w.Remove {
					tx.ZRem(ctx, p+r.Index, r.Member)
				}
				for _, t := range w.Trim {
					tx.ZRemRangeByScore(ctx, p+t.Index, "-inf", "("+strconv.FormatInt(t.Below, 10))
				}
				for _, a := range w.Add {
					tx.ZAdd(ctx, p+a.Index, redis.Z{Score: float64(a.Score), Member: a.Member})
					tx.PExpire(ctx, p+a.Index, redisTTL(a.TTL))
				}
				return nil
			})
			return err
		},
		func() error {
			ix, ok := s.fallback.(store.Indexer)
			if !ok {
				return errNoFallbackIndex
			}
			return ix.Apply(ctx, w)
		})
}

// RangeIndex implements store.Indexer with ZRANGEBYSCORE ... WITHSCORES
// LIMIT: one round trip per page, unless more than a page of members share
// the cursor's score.
func (s *Store) RangeIndex(ctx context.Context, index string, r store.IndexRange) ([]store.IndexMember, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = store.DefaultIndexLimit
	}
	var out []store.IndexMember
	err := s.do(ctx, "index-range",
		func() error {
			out = out[:0]
			minScore := r.Min
			if r.After != nil && r.After.Score > minScore {
				minScore = r.After.Score
			}
			offset := int64(0)
			for len(out) < limit {
				zs, err := s.rdb.ZRangeByScoreWithScores(ctx, s.opts.Prefix+index, &redis.ZRangeBy{
					Min: strconv.FormatInt(minScore, 10), Max: strconv.FormatInt(r.Max, 10),
					Offset: offset, Count: int64(limit),
				}).Result()
				if err != nil {
					return err
				}
				for _, z := range zs {
					m := store.IndexMember{Member: toString(z.Member), Score: int64(z.Score)}
					if r.After != nil && !r.After.Less(m) {
						continue // at or before the cursor
					}
					if len(out) < limit {
						out = append(out, m)
					}
				}
				if len(zs) < limit {
					break
				}
				offset += int64(len(zs))
			}
			return nil
		},
		func() (err error) {
			ix, ok := s.fallback.(store.Indexer)
			if !ok {
				return errNoFallbackIndex
			}
			out, err = ix.RangeIndex(ctx, index, r)
			return err
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetMany implements store.Indexer with one MGET. Under Redis Cluster the
// keys must share a hash slot (the ledger's do).
func (s *Store) GetMany(ctx context.Context, keys []string) ([][]byte, error) {
	out := make([][]byte, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	err := s.do(ctx, "get-many",
		func() error {
			full := make([]string, len(keys))
			for i, k := range keys {
				full[i] = s.opts.Prefix + k
			}
			vals, err := s.rdb.MGet(ctx, full...).Result()
			if err != nil {
				return err
			}
			for i, v := range vals {
				str, ok := v.(string)
				if !ok {
					continue
				}
				if b, ok := decode([]byte(str)); ok {
					out[i] = b
				}
			}
			return nil
		},
		func() error {
			ix, ok := s.fallback.(store.Indexer)
			if !ok {
				return errNoFallbackIndex
			}
			vals, err := ix.GetMany(ctx, keys)
			copy(out, vals)
			return err
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func toString(v any) string {
	switch m := v.(type) {
	case string:
		return m
	case []byte:
		return string(m)
	}
	return ""
}
