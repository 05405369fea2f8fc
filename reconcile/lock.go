package reconcile

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/simkit/simkit/store"
)

// ErrBusy is returned by Lock (and so by every Reconcile call) when
// another reconciliation of the same provider holds the lock in the
// Store: two runs at once would read the same histories twice and race
// on the entries they settle.
var ErrBusy = errors.New("reconcile: another reconciliation of this provider is running")

// DefaultLockTTL bounds how long a reconciliation that died keeps the
// others out.
const DefaultLockTTL = 30 * time.Minute

// LockKey is the Store key of a provider's reconciliation lock.
func LockKey(provider string) string { return "simkit:reconcile:lock:" + provider }

// Lock takes provider's reconciliation lock in st for ttl (DefaultLockTTL
// when zero) and returns the function that releases it. It fails with
// ErrBusy when another run holds it. Release deletes the lock only while
// it is still this run's (on stores with store.CompareAndDeleter), so a
// run that outlived its ttl never frees a newer run's lock.
func Lock(ctx context.Context, st store.Store, provider string, ttl time.Duration) (release func(), err error) {
	if ttl <= 0 {
		ttl = DefaultLockTTL
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	token := []byte(hex.EncodeToString(b[:]))
	key := LockKey(provider)
	ok, err := st.SetNX(ctx, key, token, ttl)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrBusy
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		if cad, ok := st.(store.CompareAndDeleter); ok {
			_, _ = cad.CompareAndDelete(ctx, key, token)
			return
		}
		if v, ok, err := st.Get(ctx, key); err == nil && ok && string(v) == string(token) {
			_ = st.Delete(ctx, key)
		}
	}, nil
}
