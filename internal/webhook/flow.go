package webhook

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/simkit/simkit/inbox"
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
// inbox's workers run it.
func Enqueue(ctx context.Context, w http.ResponseWriter, log *slog.Logger, in *inbox.Inbox, provider, id string, body []byte) {
	added, err := in.Add(ctx, provider, id, body)
	switch {
	case err != nil:
		log.LogAttrs(ctx, slog.LevelError, "simkit: webhook inbox failed", slog.String("error", err.Error()))
		Reply(w, http.StatusInternalServerError, "inbox unavailable")
	case !added:
		Reply(w, http.StatusOK, "already received")
	default:
		Reply(w, http.StatusAccepted, "queued")
	}
}

// Register makes in's workers run fn for the provider's deliveries, each
// decoded from the body the handler persisted. It fails when in already
// has a handler for provider.
func Register[T any](in *inbox.Inbox, provider string, decode func([]byte) (T, error), fn func(context.Context, T) error) error {
	return in.Handle(provider, func(ctx context.Context, m inbox.Message) error {
		v, err := decode(m.Body)
		if err != nil {
			return err
		}
		return fn(ctx, v)
	})
}
