package webhook

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/internal/capped"
)

// ReadOrReply reads r's capped body; on failure it answers the sender
// (413 for a body over the cap, 400 otherwise) and returns false.
func ReadOrReply(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := ReadBody(r, max)
	if err == nil {
		return body, true
	}
	if errors.Is(err, capped.ErrTooLarge) {
		Reply(w, http.StatusRequestEntityTooLarge, "body too large")
	} else {
		Reply(w, http.StatusBadRequest, "cannot read body")
	}
	return nil, false
}

// Handle runs fn at most once per id across every handler sharing the
// Store, and answers the sender: 200 when fn succeeded or id was handled
// before; 409 while another handler holds a live lease on id (the sender
// retries later); 500 when the store fails or fn fails, with the lease
// released so the sender's retry runs fn again. A panicking fn releases the
// lease too.
//
// fn's context ends deadline after Handle starts, so the answer goes out
// before the provider gives up; the lease is renewed until fn returns or
// that context ends, whichever comes first, so a function that ignores its
// context cannot hold the delivery past its lease.
func (d *Dedupe) Handle(ctx context.Context, w http.ResponseWriter, log *slog.Logger, id string, deadline time.Duration, fn func(context.Context) error) {
	fnCtx, cancel := withTimeout(ctx, deadline)
	defer cancel()
	lease, state, err := d.Begin(fnCtx, id)
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
	stop := lease.Keep(fnCtx)
	finished := false
	defer func() {
		if !finished {
			stop()
			if err := lease.Release(ctx); err != nil {
				// The lease ends on its own before the provider's retry.
				log.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook lease release failed", slog.String("id", id), slog.String("error", err.Error()))
			}
		}
	}()
	if err := fn(fnCtx); err != nil {
		log.LogAttrs(ctx, slog.LevelError, "simkit: webhook function failed", slog.String("id", id), slog.String("error", err.Error()))
		Reply(w, http.StatusInternalServerError, "handler failed")
		return
	}
	finished = true
	stop()
	if err := lease.Commit(ctx); err != nil {
		// fn succeeded, so the answer is 200 and the provider stops; the
		// done mark is written as soon as the store is back, so a retry
		// caused by a reply lost on the way is not handled twice.
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook dedupe commit failed; retrying in the background", slog.String("id", id), slog.String("error", err.Error()))
		go lease.commitLater(ctx, time.Sleep)
	}
	Reply(w, http.StatusOK, "ok")
}

// commitLater retries Commit with capped backoff until it succeeds or the
// done mark would have expired anyway.
func (l *Lease) commitLater(ctx context.Context, sleep func(time.Duration)) {
	ctx = context.WithoutCancel(ctx)
	give := time.Now().Add(l.d.done())
	for delay := 20 * time.Millisecond; time.Now().Before(give); delay = min(2*delay, 2*time.Second) {
		sleep(delay)
		if l.Commit(ctx) == nil {
			return
		}
	}
}
