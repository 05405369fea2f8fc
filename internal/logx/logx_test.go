package logx

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDiscard(t *testing.T) {
	l := Discard()
	for _, lv := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		require.False(t, l.Enabled(context.Background(), lv))
	}
	h := l.With("k", "v").WithGroup("g").Handler()
	require.False(t, h.Enabled(context.Background(), slog.LevelError), "derived loggers discard too")
	require.NoError(t, h.Handle(context.Background(), slog.Record{}))
}

func TestOr(t *testing.T) {
	var buf bytes.Buffer
	mine := slog.New(slog.NewTextHandler(&buf, nil))
	require.Same(t, mine, Or(mine), "the user's logger is kept")
	require.False(t, Or(nil).Enabled(context.Background(), slog.LevelError), "nil discards")
}
