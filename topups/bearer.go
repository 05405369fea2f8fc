package topups

import (
	"net/http"
	"sync/atomic"
	"time"
)

// bearer is an access token with its Authorization header prepared once.
// Building "Bearer "+token, its header slice and a signing function on
// every call cost four allocations per call for a value that changes only
// when the token does.
type bearer struct {
	// token is the access token, compared with the Store's copy (and with
	// the one refused by a 401).
	token string
	// sign sets the prepared Authorization header on an attempt.
	sign func(h http.Header, now time.Time) error
}

func newBearer(token string) *bearer {
	// Capacity 1: an Add on the header would copy the slice rather than
	// write into the one every request shares.
	v := []string{"Bearer " + token}[:1:1]
	return &bearer{token: token, sign: func(h http.Header, _ time.Time) error {
		h["Authorization"] = v
		return nil
	}}
}

// bearerCache holds the bearer of the token last read from the Store. The
// Store stays the source of truth (its TTL, a token replaced by another
// replica, one dropped after a 401): every call still reads the Store, and
// the prepared bearer is reused only while the Store holds the same token.
type bearerCache struct{ p atomic.Pointer[bearer] }

// forToken returns the bearer for the token the Store holds, raw; it
// allocates only when the token changed.
func (bc *bearerCache) forToken(raw []byte) *bearer {
	if b := bc.p.Load(); b != nil && b.token == string(raw) {
		return b
	}
	b := newBearer(string(raw))
	bc.p.Store(b)
	return b
}
