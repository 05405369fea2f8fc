package smsnumbers

import (
	"context"
	"errors"
	"time"

	"github.com/simkit/simkit/internal/randid"
	"github.com/simkit/simkit/internal/storelock"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/store"
)

// The activations' one Store mutex: the journal's index of open
// activations and the spend counters are read-modify-write records shared
// by replicas, so each update runs under withLock.

const (
	// lockTTL bounds how long a crashed holder blocks a store lock.
	lockTTL = 10 * time.Second
	// lockWait bounds how long a caller waits for a store lock.
	lockWait = 5 * time.Second
	// lockPoll is how often a waiting caller tries the lock again.
	lockPoll = 5 * time.Millisecond
)

// errLockBusy is returned when a store lock stayed taken for lockWait.
var errLockBusy = errors.New("smsnumbers: store lock busy")

// withLock runs fn holding the store lock key (SetNX with a token), so
// read-modify-write sequences are atomic across replicas.
func withLock(ctx context.Context, st store.Store, key string, fn func() error) error {
	token := randid.Hex(8)
	wait, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	for {
		ok, err := st.SetNX(wait, key, []byte(token), lockTTL)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		if err := retry.SleepContext(wait, lockPoll); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return errLockBusy
		}
	}
	defer compareAndDelete(context.WithoutCancel(ctx), st, key, []byte(token))
	return fn()
}

// compareAndDelete releases the lock key while it still holds value.
func compareAndDelete(ctx context.Context, st store.Store, key string, value []byte) {
	_ = storelock.Release(ctx, st, key, value)
}
