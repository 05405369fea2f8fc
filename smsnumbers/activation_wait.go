package smsnumbers

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
)

// ErrNoCode is wrapped by Activation.WaitForCode's error when no new SMS
// arrived before the deadline or before ctx ended; the number was canceled
// (see Activation.State) unless the error also carries the cancel's
// failure.
var ErrNoCode = errors.New("smsnumbers: no code arrived")

// WaitForCode checks the order until a new SMS arrives and returns it
// (SMS.Code has the code). An SMS the number had before it was bought (a
// re-buy) is never returned. With ActivateParams.AutoFinish the order is
// finished before it returns.
//
// When no new SMS came before the deadline (ActivateParams.Deadline) or
// ctx ended first, it cancels the order so its money comes back, with a
// context of its own (ctx may be over), and returns an error wrapping
// ErrNoCode (and ctx's error when ctx ended). If the cancel is refused
// because an SMS arrived at that moment, that SMS is returned instead. If
// the provider closed the order first (timeout, ban), the error wraps
// ErrNoCode and ErrOrderEnded. State tells the outcome either way.
//
// Calling it again after it returned gives the same SMS or the same end;
// after a cancel that failed (the error carries why), it tries the cancel
// again. opts apply to every check and to the cancel or finish it sends.
func (a *Activation) WaitForCode(ctx context.Context, opts ...option.CallOption) (*SMS, error) {
	a.mu.Lock()
	if a.sms != nil {
		s := *a.sms
		a.mu.Unlock()
		return &s, nil
	}
	state := a.entry.State
	a.mu.Unlock()
	if !state.Open() {
		return nil, a.endError(nil, nil)
	}
	// The wait reports to the client's observer like Client.WaitForCode.
	w := observe.StartWait(a.m.c.t.Observer(), Provider, observe.WaitSMSCode)
	s, err := a.waitLoop(ctx, w, opts)
	switch {
	case err == nil:
		w.Done(ctx, observe.WaitReceived, string(StatusReceived), nil)
	case errors.Is(err, ErrOrderEnded):
		w.Done(ctx, observe.WaitEnded, "", err)
	default:
		w.Done(ctx, "", "", err)
	}
	return s, err
}

// waitLoop is WaitForCode's polling loop; the caller reports its end.
func (a *Activation) waitLoop(ctx context.Context, w *observe.Waiter, opts []option.CallOption) (*SMS, error) {
	wctx, cancel := context.WithDeadline(ctx, a.deadline)
	defer cancel()
	timer := time.NewTimer(a.m.poll)
	timer.Stop()
	defer timer.Stop()
	for {
		o, err := a.m.c.Check(wctx, a.ID(), opts...)
		if err == nil {
			w.Check(ctx, string(o.Status), 0, 0)
			if s, done, err := a.observe(ctx, o, opts); done {
				return s, err
			}
		} else if wctx.Err() == nil {
			// A check that failed after the transport's retries: the
			// order is still ours to watch until the deadline.
			a.m.c.t.Logger().LogAttrs(ctx, slog.LevelWarn, "simkit: activation check failed",
				slog.String("provider", Provider), slog.String("route", opCheck), slog.String("error", err.Error()))
		}
		if wctx.Err() != nil {
			return a.giveUp(ctx, opts)
		}
		timer.Reset(a.m.poll)
		select {
		case <-wctx.Done():
			return a.giveUp(ctx, opts)
		case <-timer.C:
		}
	}
}

// observe takes in a checked order: a new SMS, a closed order, or nothing
// yet (done false; the lease is renewed).
func (a *Activation) observe(ctx context.Context, o *Order, opts []option.CallOption) (*SMS, bool, error) {
	now := a.m.c.t.Now()
	a.mu.Lock()
	a.order = *o
	s := a.newSMS(o)
	if s != nil {
		a.sms = s
		a.entry.record(ActivationReceived, now, a.m.owner)
		a.entry.LeaseUntil = now.Add(a.m.lease)
		a.mu.Unlock()
		a.persist(ctx, true)
		if a.autoFinish {
			if err := a.Finish(ctx, opts...); err != nil {
				return s, true, err
			}
		}
		return s, true, nil
	}
	if o.Status.Final() {
		a.entry.record(endState(o.Status), now, a.m.owner)
		a.mu.Unlock()
		a.closed(ctx, o.Status)
		return nil, true, a.endError(nil, nil)
	}
	renew := a.entry.LeaseUntil.Sub(now) < a.m.lease/2
	if renew {
		a.entry.LeaseUntil = now.Add(a.m.lease)
	}
	a.mu.Unlock()
	if renew {
		a.persist(ctx, true)
	}
	return nil, false, nil
}

// newSMS returns the first SMS of o that is not part of the baseline: not
// on the number when it was bought, and not older than the order. a.mu is
// held.
func (a *Activation) newSMS(o *Order) *SMS {
	for _, s := range o.SMS {
		if a.baseline[smsDigest(s)] {
			continue
		}
		if !o.CreatedAt.IsZero() && !s.CreatedAt.IsZero() && s.CreatedAt.Before(o.CreatedAt) {
			continue // an SMS of an earlier order of this number
		}
		s := s
		return &s
	}
	return nil
}

// giveUp cancels the order after the wait ended without a code.
func (a *Activation) giveUp(ctx context.Context, opts []option.CallOption) (*SMS, error) {
	cerr := a.Cancel(ctx, opts...)
	a.mu.Lock()
	s := a.sms
	a.mu.Unlock()
	if s != nil {
		// The cancel was refused because the code came at the last
		// moment: the caller gets it rather than a wasted number.
		c := *s
		if a.autoFinish {
			return &c, a.Finish(ctx, opts...)
		}
		return &c, nil
	}
	return nil, a.endError(ctx.Err(), cerr)
}

// endError is WaitForCode's error when no code came.
func (a *Activation) endError(ctxErr, cancelErr error) error {
	a.mu.Lock()
	st, status := a.entry.State, a.order.Status
	a.mu.Unlock()
	errs := []error{ErrNoCode}
	// Say which limit ended the wait: the activation's own deadline, or
	// the caller's context (canceled, or its own deadline) before it.
	msg := "no code before the activation's deadline"
	if ctxErr != nil {
		msg = "no code before the caller's context ended (" + ctxErr.Error() + ")"
		errs = append(errs, ctxErr)
	}
	switch st {
	case ActivationCanceled:
		msg += "; the number was canceled and its money returned"
	case ActivationEnded, ActivationFinished:
		msg = "the order ended (" + string(status) + ") before a code arrived"
		errs = append(errs, ErrOrderEnded)
	default:
		msg += "; the number could not be canceled yet (a sweep will)"
	}
	if cancelErr != nil {
		errs = append(errs, cancelErr)
	}
	return &apierror.Error{Provider: Provider, Op: opActivation, Message: msg, Err: errors.Join(errs...)}
}

// endState is the journal state of an order the provider closed.
func endState(s Status) ActivationState {
	switch s {
	case StatusFinished:
		return ActivationFinished
	case StatusCanceled:
		return ActivationCanceled
	}
	return ActivationEnded
}
