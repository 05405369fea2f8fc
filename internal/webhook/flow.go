package webhook

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/observe"
)

// PostOnly answers anything but a POST with 405 and an Allow header, and
// reports whether r is a POST: providers deliver webhooks by POST only.
func PostOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodPost {
		return true
	}
	w.Header().Set("Allow", http.MethodPost)
	Reply(w, http.StatusMethodNotAllowed, "POST only")
	return false
}

// Enqueue persists a verified delivery in the inbox under id and answers
// at once: 202 when queued, 200 when the inbox already had it (a provider
// retry), 500 when the inbox fails (the provider retries later). The
// inbox's workers run it. dl (which may be nil) is told accepted, duplicate
// or failed; the worker reports the rest (see Register).
func Enqueue(ctx context.Context, w http.ResponseWriter, log *slog.Logger, dl *Delivery, in *inbox.Inbox, provider, id string, body []byte) {
	added, err := in.Add(ctx, provider, id, body)
	switch {
	case err != nil:
		log.LogAttrs(ctx, slog.LevelError, "simkit: webhook inbox failed", slog.String("error", err.Error()))
		Reply(w, http.StatusInternalServerError, "inbox unavailable")
		dl.Failed(ctx, http.StatusInternalServerError, err)
	case !added:
		Reply(w, http.StatusOK, "already received")
		dl.Duplicate(ctx, false, http.StatusOK)
	default:
		Reply(w, http.StatusAccepted, "queued")
		dl.Accepted(ctx)
	}
}

// Register makes in's workers run fn for the provider's deliveries, each
// decoded from the body the handler persisted, and report each run to obs
// (which may be nil) as handled or failed, with status 0: the 202 went out
// already. event names a decoded delivery's event type (nil: none). It
// fails when in already has a handler for provider.
func Register[T any](in *inbox.Inbox, obs observe.Observer, provider string, decode func([]byte) (T, error), event func(T) string,
	fn func(context.Context, T) error) error {
	return in.Handle(provider, func(ctx context.Context, m inbox.Message) error {
		dl := StartDelivery(obs, provider)
		v, err := decode(m.Body)
		if err == nil {
			if event != nil {
				dl.Event = event(v)
			}
			err = fn(ctx, v)
		}
		if err != nil {
			dl.Failed(ctx, 0, err)
			return err
		}
		dl.Handled(ctx, 0)
		return nil
	})
}
