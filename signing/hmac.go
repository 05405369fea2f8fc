// Package signing implements every HMAC-SHA256 scheme the simkit providers
// use, webhook verification with a tolerance in both directions and
// constant-time comparison, and helpers that produce signed payloads for
// tests and fakes.
//
// All signatures are lowercase hex HMAC-SHA256. Keyed hash state is pooled
// per secret, so signing costs about one bare hmac computation without
// re-deriving the key pads on every call.
package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"hash"
	"sync"
)

// Signer computes HMAC-SHA256 signatures with one fixed key. It is safe for
// concurrent use; build it once per secret and reuse it.
type Signer struct {
	pool *sync.Pool
}

// mac is one pooled keyed hash plus the scratch buffer its message is
// assembled in, so a signature allocates only its result string.
type mac struct {
	h   hash.Hash
	buf []byte
}

// NewSigner returns a Signer keyed with key. The key bytes are copied.
func NewSigner(key []byte) *Signer {
	k := append([]byte(nil), key...)
	return &Signer{pool: &sync.Pool{New: func() any {
		return &mac{h: hmac.New(sha256.New, k), buf: make([]byte, 0, 128)}
	}}}
}

// Sign returns the lowercase hex HMAC of the concatenation of parts.
func (s *Signer) Sign(parts ...string) string {
	var out [hexLen]byte
	s.sum(&out, parts)
	return string(out[:])
}

// Equal reports, in constant time, whether sig is the signature of parts.
// Upper-case hex is accepted, since some senders emit it.
func (s *Signer) Equal(sig string, parts ...string) bool {
	var want [hexLen]byte
	s.sum(&want, parts)
	if len(sig) != len(want) {
		return false
	}
	var got [hexLen]byte
	for i := 0; i < len(sig); i++ {
		c := sig[i]
		if c >= 'A' && c <= 'F' {
			c += 'a' - 'A'
		}
		got[i] = c
	}
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

func (s *Signer) sum(out *[hexLen]byte, parts []string) {
	m := s.pool.Get().(*mac)
	m.h.Reset()
	m.buf = m.buf[:0]
	for _, p := range parts {
		m.buf = append(m.buf, p...)
	}
	_, _ = m.h.Write(m.buf)
	var raw [sha256.Size]byte
	m.h.Sum(raw[:0])
	if cap(m.buf) <= 4096 {
		s.pool.Put(m)
	}
	hex.Encode(out[:], raw[:])
}

// hexLen is the length of a hex-encoded SHA-256 MAC.
const hexLen = 2 * sha256.Size
