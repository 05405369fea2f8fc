package storelock

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

// plain hides Memory's CompareAndDelete, to test the read-and-delete path.
type plain struct{ store.Store }

// strict refuses a context that ended, as a networked store (Redis) does;
// Memory ignores contexts.
type strict struct{ *store.Memory }

func (s strict) Get(ctx context.Context, k string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	return s.Memory.Get(ctx, k)
}

func (s strict) Delete(ctx context.Context, k string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.Memory.Delete(ctx, k)
}

func (s strict) CompareAndDelete(ctx context.Context, k string, v []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return s.Memory.CompareAndDelete(ctx, k, v)
}

// failingGet is a store whose reads fail.
type failingGet struct{ store.Store }

func (failingGet) Get(context.Context, string) ([]byte, bool, error) {
	return nil, false, errors.New("store down")
}

func TestReleaseReportsAFailedRead(t *testing.T) {
	st := failingGet{store.NewMemory()}
	require.NoError(t, st.Set(context.Background(), "k", []byte("mine"), time.Minute))
	require.ErrorContains(t, Release(context.Background(), st, "k", []byte("mine")), "store down")
}

func TestReleaseOnlyOwnToken(t *testing.T) {
	ctx := context.Background()
	for name, st := range map[string]store.Store{"atomic": strict{store.NewMemory()}, "read and delete": plain{strict{store.NewMemory()}}} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, st.Set(ctx, "k", []byte("theirs"), time.Minute))
			require.NoError(t, Release(ctx, st, "k", []byte("mine")))
			_, ok, err := st.Get(ctx, "k")
			require.NoError(t, err)
			require.True(t, ok, "another holder's lock stays")
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			require.NoError(t, Release(cctx, st, "k", []byte("theirs")))
			_, ok, err = st.Get(ctx, "k")
			require.NoError(t, err)
			require.False(t, ok, "the holder's own lock goes, even after its context ended")
		})
	}
}
