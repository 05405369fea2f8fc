package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

// failingStore refuses every call, as a Store whose backend is down.
type failingStore struct{ store.Store }

func (failingStore) SetNX(context.Context, string, []byte, time.Duration) (bool, error) {
	return false, errors.New("down")
}

func TestHandle(t *testing.T) {
	ctx := context.Background()
	d := &Dedupe{Store: store.NewMemory(), Prefix: "wh:"}
	run := func(id string, fn func() error) int {
		w := httptest.NewRecorder()
		d.Handle(ctx, w, Discard(), id, fn)
		return w.Code
	}
	calls := 0
	ok := func() error { calls++; return nil }

	require.Equal(t, 200, run("a", ok))
	require.Equal(t, 200, run("a", ok), "a duplicate is acknowledged")
	require.Equal(t, 1, calls, "and not handed over twice")

	require.Equal(t, 500, run("b", func() error { return errors.New("boom") }))
	require.Equal(t, 200, run("b", ok), "a failed delivery is handled on retry")
	require.Equal(t, 2, calls)

	require.Panics(t, func() { run("c", func() error { panic("bug") }) })
	require.Equal(t, 200, run("c", ok), "a panic released the claim")

	state, err := d.Begin(ctx, "d")
	require.NoError(t, err)
	require.Equal(t, New, state)
	require.Equal(t, http.StatusConflict, run("d", ok), "in flight elsewhere")

	broken := &Dedupe{Store: failingStore{store.NewMemory()}}
	w := httptest.NewRecorder()
	broken.Handle(ctx, w, Discard(), "e", ok)
	require.Equal(t, 500, w.Code)
}

func TestReadOrReply(t *testing.T) {
	w := httptest.NewRecorder()
	_, ok := ReadOrReply(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", 20))), 10)
	require.False(t, ok)
	require.Equal(t, http.StatusRequestEntityTooLarge, w.Code)

	w = httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/", errReader{})
	r.ContentLength = -1
	_, ok = ReadOrReply(w, r, 10)
	require.False(t, ok)
	require.Equal(t, http.StatusBadRequest, w.Code)

	b, ok := ReadOrReply(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hi")), 10)
	require.True(t, ok)
	require.Equal(t, "hi", string(b))
	require.False(t, Discard().Enabled(context.Background(), 8))
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("reset") }
