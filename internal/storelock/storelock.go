// Package storelock is the one compare-and-delete release of a lock or
// lease held in a store.Store under a holder's token, shared by the
// single-flight locks, the webhook leases and the SMS activation locks.
package storelock

import (
	"context"

	"github.com/simkit/simkit/store"
)

// Release deletes key while it still holds value (the holder's token), so
// a holder whose lock ran out cannot free the one a newer holder took: in
// one step where the store can (store.CompareAndDeleter), else by a read
// and a delete. It runs even after ctx ended (a lock left behind would make
// every other replica wait out its TTL).
func Release(ctx context.Context, st store.Store, key string, value []byte) error {
	ctx = context.WithoutCancel(ctx)
	if cad, ok := st.(store.CompareAndDeleter); ok {
		_, err := cad.CompareAndDelete(ctx, key, value)
		return err
	}
	v, found, err := st.Get(ctx, key)
	if err != nil || !found || string(v) != string(value) {
		return err
	}
	return st.Delete(ctx, key)
}
