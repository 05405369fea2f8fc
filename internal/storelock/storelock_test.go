package storelock

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

// plain hides Memory's CompareAndDelete, to test the read-and-delete path.
type plain struct{ store.Store }

func TestReleaseOnlyOwnToken(t *testing.T) {
	ctx := context.Background()
	for name, st := range map[string]store.Store{"atomic": store.NewMemory(), "read and delete": plain{store.NewMemory()}} {
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
