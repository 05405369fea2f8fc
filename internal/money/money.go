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

// Begin records a money call's intent before it sends.
func Begin(ctx context.Context, l *ledger.Ledger, in ledger.Intent) (*ledger.Entry, error) {
	return l.Begin(ctx, in)
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
