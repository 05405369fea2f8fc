package webhook

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/internal/capped"
	"github.com/simkit/simkit/observe"
)

// ReadOrReply reads r's capped body; on failure it answers the sender
// (413 for a body over the cap, 400 otherwise), reports the refusal to dl
// (which may be nil) and returns false.
func ReadOrReply(w http.ResponseWriter, r *http.Request, max int64, dl *Delivery) ([]byte, bool) {
	body, err := ReadBody(r, max)
	if err == nil {
		return body, true
	}
	if errors.Is(err, capped.ErrTooLarge) {
		Reply(w, http.StatusRequestEntityTooLarge, "body too large")
		dl.Refused(r.Context(), observe.ReasonTooLarge, http.StatusRequestEntityTooLarge)
	} else {
		Reply(w, http.StatusBadRequest, "cannot read body")
		dl.Refused(r.Context(), observe.ReasonMalformed, http.StatusBadRequest)
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
// Each answer is reported to dl (nil reports nothing): Accepted before fn
// runs, then Handled or Failed; Duplicate for a delivery done or in flight;
// Failed when the store fails.
//
// fn's context ends deadline after Handle starts, so the answer goes out
// before the provider gives up; the lease is renewed until fn returns or
// that context ends, whichever comes first, so a function that ignores its
// context cannot hold the delivery past its lease.
func (d *Dedupe) Handle(ctx context.Context, w http.ResponseWriter, log *slog.Logger, dl *Delivery, id string, deadline time.Duration, fn func(context.Context) error) {
	fnCtx, cancel := withTimeout(ctx, deadline)
	defer cancel()
	lease, state, err := d.Begin(fnCtx, id)
	if err != nil {
		log.LogAttrs(ctx, slog.LevelError, "simkit: webhook dedupe store failed", slog.String("id", id), slog.String("error", err.Error()))
		Reply(w, http.StatusInternalServerError, "store unavailable")
		dl.Failed(ctx, http.StatusInternalServerError, err)
		return
	}
	switch state {
	case Done:
		Reply(w, http.StatusOK, "already handled")
		dl.Duplicate(ctx, false, http.StatusOK)
		return
	case InFlight:
		Reply(w, http.StatusConflict, "delivery in progress")
		dl.Duplicate(ctx, true, http.StatusConflict)
		return
	}
	dl.Accepted(ctx)
	stop := lease.Keep(fnCtx)
	finished, reported := false, false
	defer func() {
		if !finished {
			if !reported {
				// fn panicked; the panic goes on to net/http.
				dl.Failed(ctx, http.StatusInternalServerError, errPanicked)
			}
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
		reported = true
		dl.Failed(ctx, http.StatusInternalServerError, err)
		return
	}
	finished = true
	stop()
	if err := lease.Commit(ctx); err != nil {
		// fn succeeded, so the answer is 200 and the provider stops; the
		// done mark is written as soon as the store is back, so a retry
		// caused by a reply lost on the way is not handled twice.
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook dedupe commit failed; retrying in the background", slog.String("id", id), slog.String("error", err.Error()))
		if d.Later != nil {
			d.Later.Go(ctx, id, d.done(), lease.Commit)
		}
	}
	Reply(w, http.StatusOK, "ok")
	dl.Handled(ctx, http.StatusOK)
}

// errPanicked is the failure reported for a webhook function that panicked.
var errPanicked = errors.New("webhook: function panicked")
