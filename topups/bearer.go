package topups

import (
	"net/http"
	"sync/atomic"
)

// bearer is an access token with its Authorization header prepared once.
// Building "Bearer "+token, its header slice and a signing function on
// every call cost four allocations per call for a value that changes only
// when the token does.
type bearer struct {
	// token is the access token, compared with the Store's copy (and with
	// the one refused by a 401).
	token string
	// header carries the Authorization header, set on every attempt.
	header http.Header
}

func newBearer(token string) *bearer {
	// Capacity 1: an Add on a request's header copies the slice rather
	// than writing into the one every request shares.
	v := []string{"Bearer " + token}[:1:1]
	return &bearer{token: token, header: http.Header{"Authorization": v}}
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
