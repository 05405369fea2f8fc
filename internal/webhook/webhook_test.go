package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

func TestReadBody(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		max     int64
		chunked bool
		wantErr error
	}{
		{"small", "hello", 10, false, nil},
		{"exactly the cap", "0123456789", 10, false, nil},
		{"declared too large", strings.Repeat("x", 11), 10, false, ErrTooLarge},
		{"undeclared too large", strings.Repeat("x", 11), 10, true, ErrTooLarge},
		{"default cap", strings.Repeat("x", MaxBody+1), 0, true, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(tt.body))
			if tt.chunked {
				r.ContentLength = -1
			}
			b, err := ReadBody(r, tt.max)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.body, string(b))
		})
	}
}

func TestDedupe(t *testing.T) {
	now := time.Unix(0, 0)
	mem := store.NewMemory(func(o *store.MemoryOptions) { o.Now = func() time.Time { return now } })
	d := &Dedupe{Store: mem, Prefix: "wh:"}
	ctx := context.Background()

	st, err := d.Begin(ctx, "k1")
	require.NoError(t, err)
	require.Equal(t, New, st)
	st, _ = d.Begin(ctx, "k1")
	require.Equal(t, InFlight, st, "a concurrent duplicate is told to come back")

	require.NoError(t, d.Release(ctx, "k1"))
	st, _ = d.Begin(ctx, "k1")
	require.Equal(t, New, st, "a failed delivery is handled again on retry")

	require.NoError(t, d.Commit(ctx, "k1"))
	st, _ = d.Begin(ctx, "k1")
	require.Equal(t, Done, st)

	now = now.Add(3 * time.Minute)
	st, _ = d.Begin(ctx, "k2")
	require.Equal(t, New, st)
	now = now.Add(3 * time.Minute)
	st, _ = d.Begin(ctx, "k2")
	require.Equal(t, New, st, "a claim of a crashed handler expires")
	st, _ = d.Begin(ctx, "k1")
	require.Equal(t, Done, st, "handled ids are remembered for days")
}

func TestReply(t *testing.T) {
	w := httptest.NewRecorder()
	Reply(w, http.StatusUnauthorized, `bad "signature"`)
	require.Equal(t, 401, w.Code)
	require.JSONEq(t, `{"message":"bad \"signature\""}`, w.Body.String())
	require.Equal(t, "application/json", w.Header().Get("Content-Type"))
}
