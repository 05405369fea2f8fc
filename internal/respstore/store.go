package respstore

import (
	"context"
	"strconv"
	"time"

	"github.com/simkit/simkit/store"
)

// DefaultPrefix is contrib/redisstore's default key prefix.
const DefaultPrefix = "simkit:"

// version1 is contrib/redisstore's value encoding: a version byte, then
// the caller's bytes.
const version1 byte = 1

// Store is a store.Store over one Redis server, in contrib/redisstore's
// layout.
type Store struct {
	c      *conn
	prefix string
}

// New returns a Store for addr (host:port or redis://[user:pass@]host:port/db)
// putting prefix (DefaultPrefix when empty) before every key, as a
// contrib/redisstore Store with the same Prefix does. It connects on first
// use.
func New(addr, prefix string) (*Store, error) {
	c, err := parseAddr(addr)
	if err != nil {
		return nil, err
	}
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{c: c, prefix: prefix}, nil
}

// Ping checks the server answers.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.c.one(ctx, "PING")
	return err
}

// Close closes the connection.
func (s *Store) Close() error {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.close()
	return nil
}

func encode(v []byte) string { return string(append([]byte{version1}, v...)) }

func decode(raw any) ([]byte, bool) {
	b, ok := raw.([]byte)
	if !ok || len(b) == 0 || b[0] != version1 {
		return nil, false
	}
	return b[1:], true
}

func ms(ttl time.Duration) string {
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	return strconv.FormatInt(ttl.Milliseconds(), 10)
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := s.c.one(ctx, "GET", s.prefix+key)
	if err != nil {
		return nil, false, err
	}
	b, ok := decode(v)
	return b, ok, nil
}

// Set implements store.Store.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return store.ErrNoTTL
	}
	_, err := s.c.one(ctx, "SET", s.prefix+key, encode(value), "PX", ms(ttl))
	return err
}

// SetNX implements store.Store.
func (s *Store) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, store.ErrNoTTL
	}
	v, err := s.c.one(ctx, "SET", s.prefix+key, encode(value), "PX", ms(ttl), "NX")
	return v != nil, err
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	_, err := s.c.one(ctx, "DEL", s.prefix+key)
	return err
}

// compareAndDelete is contrib/redisstore's script.
const compareAndDelete = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`

// CompareAndDelete implements store.CompareAndDeleter.
func (s *Store) CompareAndDelete(ctx context.Context, key string, value []byte) (bool, error) {
	v, err := s.c.one(ctx, "EVAL", compareAndDelete, "1", s.prefix+key, encode(value))
	n, _ := v.(int64)
	return n == 1, err
}

var (
	_ store.Store             = (*Store)(nil)
	_ store.CompareAndDeleter = (*Store)(nil)
)
