// Package money holds what every provider's money calls share: writing
// their intent and outcome to the ledger, and the answer to "may I call
// again?" on their errors.
package money

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
)

// writeTimeout bounds an outcome write made after the caller's context
// ended: the outcome must still reach the ledger, but never wait long.
const writeTimeout = 5 * time.Second

// Begin records a money call's intent before it sends, and tells the id
// of the entry to a sink that ctx carries (see WithEntrySink).
func Begin(ctx context.Context, l *ledger.Ledger, in ledger.Intent) (*ledger.Entry, error) {
	e, err := l.Begin(ctx, in)
	if err == nil && e != nil {
		if id, ok := ctx.Value(entrySinkKey{}).(*string); ok && id != nil {
			*id = e.ID
		}
	}
	return e, err
}

// entrySinkKey is the context key of WithEntrySink.
type entrySinkKey struct{}

// WithEntrySink returns ctx carrying id, where the money call made with it
// writes the id of the ledger entry it begins. Code of the SDK that makes a
// money call on the user's behalf and must name its entry afterwards (an
// activation's journal) reads it there: finding it again by listing the
// ledger would cost a walk over every call of the last minutes, per call.
func WithEntrySink(ctx context.Context, id *string) context.Context {
	return context.WithValue(ctx, entrySinkKey{}, id)
}

// Finish records the outcome of a money call, even when the caller's
// context has ended; a failed write is logged, never returned: the call's
// result is the caller's whatever the ledger says.
func Finish(ctx context.Context, l *ledger.Ledger, log *slog.Logger, e *ledger.Entry, o ledger.Outcome) {
	if l == nil || e == nil {
		return
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if err := l.Finish(wctx, e, o); err != nil && log != nil {
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: ledger could not record a money call's outcome",
			slog.String("route", e.Call), slog.String("state", string(o.State)), slog.String("error", err.Error()))
	}
}

// Lost marks e ambiguous (an answer was lost; the call now settles by
// look-up) and closes its window at end. Other calls settling the same
// subject stop waiting for e's answer once they see it.
func Lost(ctx context.Context, l *ledger.Ledger, e *ledger.Entry, end time.Time) error {
	if l == nil || e == nil {
		return nil
	}
	e.Ambiguous = true
	if e.WindowEnd.IsZero() || end.After(e.WindowEnd) {
		e.WindowEnd = end
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	return l.Update(wctx, e)
}

// StateOf is the ledger state of a money call that ended with err and
// made nothing the caller holds.
func StateOf(err error) ledger.State {
	switch {
	case err == nil:
		return ledger.StateDone
	case errors.Is(err, apierror.ErrOutcomeUnknown), apierror.MayHaveActed(err):
		return ledger.StateUnknown
	}
	return ledger.StateFailed
}

// Mark returns err with its "may I call again?" fields set (when it is an
// *apierror.Error). It marks a copy, never err itself: one error value can
// reach several callers at once (a shared token fetch, a single-flight
// look-up), and each call's answer is its own.
func Mark(err error, mayHaveActed, safeToRetry bool) error {
	var e *apierror.Error
	if !errors.As(err, &e) {
		return err
	}
	cp := *e
	cp.MayHaveActed, cp.SafeToRetry = mayHaveActed, safeToRetry
	return &cp
}
