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

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/internal/logx"
)

func TestPostOnly(t *testing.T) {
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodHead} {
		w := httptest.NewRecorder()
		require.False(t, PostOnly(w, httptest.NewRequest(m, "/", nil)), m)
		require.Equal(t, http.StatusMethodNotAllowed, w.Code, m)
		require.Equal(t, http.MethodPost, w.Header().Get("Allow"))
	}
	w := httptest.NewRecorder()
	require.True(t, PostOnly(w, httptest.NewRequest(http.MethodPost, "/", nil)))
	require.Equal(t, http.StatusOK, w.Code, "nothing written for a POST")
	require.Empty(t, w.Body.String())
}

// failingQueue refuses every Add.
type failingQueue struct{ inbox.Queue }

func (failingQueue) Add(context.Context, inbox.Message, time.Duration) (bool, error) {
	return false, errors.New("queue down")
}

func TestEnqueueAndRegister(t *testing.T) {
	in, err := inbox.New(inbox.NewMemory())
	require.NoError(t, err)
	var got []string
	require.NoError(t, Register(in, nil, "p", func(b []byte) (string, error) {
		if !strings.HasPrefix(string(b), "{") {
			return "", errors.New("not JSON")
		}
		return string(b), nil
	}, nil, func(_ context.Context, s string) error { got = append(got, s); return nil }))
	require.Error(t, Register(in, nil, "p", func(b []byte) (string, error) { return "", nil }, nil, nil), "one handler per provider")

	ctx := context.Background()
	codes := func(id, body string) int {
		w := httptest.NewRecorder()
		Enqueue(ctx, w, logx.Discard(), nil, in, "p", id, []byte(body))
		return w.Code
	}
	require.Equal(t, http.StatusAccepted, codes("a", `{"n":1}`))
	require.Equal(t, http.StatusOK, codes("a", `{"n":1}`), "a retry is already received")
	n, err := in.Work(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, []string{`{"n":1}`}, got, "the worker decoded and ran it once")

	broken, err := inbox.New(failingQueue{inbox.NewMemory()})
	require.NoError(t, err)
	w := httptest.NewRecorder()
	Enqueue(ctx, w, logx.Discard(), nil, broken, "p", "b", []byte(`{}`))
	require.Equal(t, http.StatusInternalServerError, w.Code)
}
