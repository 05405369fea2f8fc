package respstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/simkit/simkit/store"
)

var _ store.Indexer = (*Store)(nil)

// Apply implements store.Indexer as contrib/redisstore does: one
// MULTI/EXEC with the SET, then ZREM, ZREMRANGEBYSCORE, and ZADD with
// PEXPIRE per index.
func (s *Store) Apply(ctx context.Context, w store.IndexWrite) error {
	if err := w.Check(); err != nil {
		return err
	}
	p := s.prefix
	cmds := [][]string{{"MULTI"}}
	if w.Key != "" {
		cmds = append(cmds, []string{"SET", p + w.Key, encode(w.Value), "PX", ms(w.TTL)})
	}
	for _, r := range w.Remove {
		cmds = append(cmds, []string{"ZREM", p + r.Index, r.Member})
	}
	for _, t := range w.Trim {
		cmds = append(cmds, []string{"ZREMRANGEBYSCORE", p + t.Index, "-inf", "(" + strconv.FormatInt(t.Below, 10)})
	}
	for _, a := range w.Add {
		cmds = append(cmds, []string{"ZADD", p + a.Index, strconv.FormatInt(a.Score, 10), a.Member},
			[]string{"PEXPIRE", p + a.Index, ms(a.TTL)})
	}
	cmds = append(cmds, []string{"EXEC"})
	out, err := s.c.do(ctx, cmds...)
	if err != nil {
		return err
	}
	for _, v := range out {
		if e, ok := v.(*Error); ok {
			return e
		}
	}
	if exec, ok := out[len(out)-1].([]any); ok {
		for _, v := range exec {
			if e, ok := v.(*Error); ok {
				return e
			}
		}
		return nil
	}
	return fmt.Errorf("respstore: transaction aborted")
}

// RangeIndex implements store.Indexer with ZRANGEBYSCORE ... WITHSCORES
// LIMIT, as contrib/redisstore does.
func (s *Store) RangeIndex(ctx context.Context, index string, r store.IndexRange) ([]store.IndexMember, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = store.DefaultIndexLimit
	}
	minScore := r.Min
	if r.After != nil && r.After.Score > minScore {
		minScore = r.After.Score
	}
	var out []store.IndexMember
	for offset := 0; len(out) < limit; {
		v, err := s.c.one(ctx, "ZRANGEBYSCORE", s.prefix+index, strconv.FormatInt(minScore, 10), strconv.FormatInt(r.Max, 10),
			"WITHSCORES", "LIMIT", strconv.Itoa(offset), strconv.Itoa(limit))
		if err != nil {
			return nil, err
		}
		flat, _ := v.([]any)
		n := len(flat) / 2
		for i := 0; i < n; i++ {
			member, _ := flat[2*i].([]byte)
			scoreText, _ := flat[2*i+1].([]byte)
			score, err := strconv.ParseFloat(string(scoreText), 64)
			if err != nil {
				return nil, fmt.Errorf("respstore: bad score %q", scoreText)
			}
			m := store.IndexMember{Member: string(member), Score: int64(score)}
			if r.After != nil && !r.After.Less(m) {
				continue
			}
			if len(out) < limit {
				out = append(out, m)
			}
		}
		if n < limit {
			break
		}
		offset += n
	}
	return out, nil
}

// GetMany implements store.Indexer with one MGET.
func (s *Store) GetMany(ctx context.Context, keys []string) ([][]byte, error) {
	out := make([][]byte, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]string, 0, len(keys)+1)
	args = append(args, "MGET")
	for _, k := range keys {
		args = append(args, s.prefix+k)
	}
	v, err := s.c.one(ctx, args...)
	if err != nil {
		return nil, err
	}
	vals, _ := v.([]any)
	for i := range out {
		if i < len(vals) {
			if b, ok := decode(vals[i]); ok {
				out[i] = b
			}
		}
	}
	return out, nil
}
