package webhook

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
)

// ReadOrReply reads r's capped body; on failure it answers the sender
// (413 for a body over the cap, 400 otherwise) and returns false.
func ReadOrReply(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := ReadBody(r, max)
	if err == nil {
		return body, true
	}
	if errors.Is(err, ErrTooLarge) {
		Reply(w, http.StatusRequestEntityTooLarge, "body too large")
	} else {
		Reply(w, http.StatusBadRequest, "cannot read body")
	}
	return nil, false
}

// Handle runs fn at most once per id across every handler sharing the
// Store, and answers the sender: 200 when fn succeeded or id was handled
// before; 409 while another handler holds id (the sender retries later);
// 500 when the store fails or fn fails, with the claim released so the
// sender's retry runs fn again. A panicking fn releases the claim too, or
// retries would meet 409 until the claim expired.
func (d *Dedupe) Handle(ctx context.Context, w http.ResponseWriter, log *slog.Logger, id string, fn func() error) {
	state, err := d.Begin(ctx, id)
	if err != nil {
		log.LogAttrs(ctx, slog.LevelError, "simkit: webhook dedupe store failed", slog.String("id", id), slog.String("error", err.Error()))
		Reply(w, http.StatusInternalServerError, "store unavailable")
		return
	}
	switch state {
	case Done:
		Reply(w, http.StatusOK, "already handled")
		return
	case InFlight:
		Reply(w, http.StatusConflict, "delivery in progress")
		return
	}
	finished := false
	defer func() {
		if !finished {
			_ = d.Release(ctx, id)
		}
	}()
	if err := fn(); err != nil {
		log.LogAttrs(ctx, slog.LevelError, "simkit: webhook function failed", slog.String("id", id), slog.String("error", err.Error()))
		Reply(w, http.StatusInternalServerError, "handler failed")
		return
	}
	finished = true
	if err := d.Commit(ctx, id); err != nil {
		// fn succeeded; a retry may reach fn again, which is the lesser harm.
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook dedupe commit failed", slog.String("id", id), slog.String("error", err.Error()))
	}
	Reply(w, http.StatusOK, "ok")
}

// Discard returns a logger that drops everything; slog.DiscardHandler
// needs Go 1.24, newer than simkit's minimum.
func Discard() *slog.Logger { return slog.New(discard{}) }

type discard struct{}

func (discard) Enabled(context.Context, slog.Level) bool  { return false }
func (discard) Handle(context.Context, slog.Record) error { return nil }
func (d discard) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discard) WithGroup(string) slog.Handler           { return d }
