package smsnumbers

import (
	"context"
	"errors"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// ErrClaimed is wrapped by the error of a Finish or Cancel refused because
// another manager (another replica, or a sweep) is closing the order.
var ErrClaimed = errors.New("smsnumbers: activation is closed by another owner")

// Finish finishes the order once its code was used (GET /v1/user/finish/{id}),
// which also raises the rating. It takes the order's close claim in the
// Store first, so a sweep on another replica never finishes it too; a
// finish that already happened is not an error.
func (a *Activation) Finish(ctx context.Context, opts ...option.CallOption) error {
	return a.close(ctx, actionFinish, opts)
}

// Cancel cancels the order and gets its money back (GET /v1/user/cancel/{id}),
// for a code the service did not accept before it was used, or a wait
// given up by other means. It is sent with a context of its own, so a
// canceled ctx still gets the refund. Once an SMS came the provider
// refuses a cancel: the error matches simkit.ErrConflict and the order
// must be finished instead.
func (a *Activation) Cancel(ctx context.Context, opts ...option.CallOption) error {
	return a.close(ctx, actionCancel, opts)
}

const (
	actionFinish = "finish"
	actionCancel = "cancel"
)

// errHasSMS marks a cancel refused because an SMS arrived.
var errHasSMS = errors.New("smsnumbers: order has an SMS")

func (a *Activation) close(ctx context.Context, action string, opts []option.CallOption) error {
	a.mu.Lock()
	st := a.entry.State
	a.mu.Unlock()
	switch {
	case action == actionFinish && st == ActivationFinished, action == actionCancel && st == ActivationCanceled:
		return nil
	case !st.Open():
		return &apierror.Error{Provider: Provider, Op: opActivation, Kind: apierror.ErrConflict,
			Message: "activation already " + string(st)}
	}
	o, err := a.m.closeOrder(ctx, a.ID(), action, a.m.owner, opts...)
	if errors.Is(err, ErrClaimed) {
		// A sweep (this owner's lease had lapsed) is closing the order:
		// read back how it ended rather than report a number still open.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
		cur, cerr := a.m.c.Check(dctx, a.ID(), opts...)
		cancel()
		if cerr == nil && cur.Status.Final() {
			// The closer journals it; only this handle's view changes.
			st := endState(cur.Status)
			a.mu.Lock()
			a.order = *cur
			a.entry.State = st
			a.mu.Unlock()
			if action == actionFinish && st == ActivationFinished || action == actionCancel && st == ActivationCanceled {
				return nil
			}
			return &apierror.Error{Provider: Provider, Op: opActivation, Kind: apierror.ErrConflict,
				Message: "another owner closed the order: it is " + string(st), Err: ErrClaimed}
		}
	}
	if o != nil {
		a.mu.Lock()
		a.order = *o
		if errors.Is(err, errHasSMS) && a.sms == nil {
			a.sms = a.newSMS(o)
		}
		a.mu.Unlock()
	}
	if err != nil && (o == nil || !o.Status.Final()) {
		if errors.Is(err, errHasSMS) {
			now := a.m.c.t.Now()
			a.mu.Lock()
			if a.entry.State != ActivationReceived {
				a.entry.record(ActivationReceived, now, a.m.owner)
			}
			a.mu.Unlock()
			a.persist(ctx, true)
		}
		return err
	}
	a.mu.Lock()
	a.entry.record(endState(o.Status), a.m.c.t.Now(), a.m.owner)
	a.mu.Unlock()
	a.closed(ctx, o.Status)
	return nil
}

// closed writes a closed activation to the journal and gives refunded
// money back to the spend limit.
func (a *Activation) closed(ctx context.Context, status Status) {
	a.persist(ctx, false)
	a.recordOutcome(ctx, status)
	a.mu.Lock()
	e := a.entry
	a.mu.Unlock()
	if refunded(status) {
		a.m.guard.refund(ctx, &e)
	}
}

// refunded reports whether the provider returned an order's money.
func refunded(s Status) bool { return s == StatusCanceled || s == StatusTimeout || s == StatusBanned }

// closeOrder cancels or finishes order id for actor, holding its close
// claim: across replicas sharing the Store only one actor ever sends it.
// It runs on a context of its own (ctx's values, not its end), so a refund
// goes out even after the caller gave up. It returns the order as it
// ended, or as it is when the action was refused; a cancel refused because
// an SMS came returns the order and an error wrapping errHasSMS (the
// claim is kept, for the finish that follows).
func (m *Activations) closeOrder(ctx context.Context, id int64, action, actor string, opts ...option.CallOption) (*Order, error) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
	defer cancel()
	route := "GET /v1/user/" + action + "/{id}"
	ok, err := m.st.claimClose(dctx, id, actor)
	if err != nil {
		return nil, &apierror.Error{Provider: Provider, Op: route, Message: "could not claim the order in the store", Err: err}
	}
	if !ok {
		return nil, &apierror.Error{Provider: Provider, Op: route, Kind: apierror.ErrConflict,
			Message: "another owner is closing this order", Err: ErrClaimed}
	}
	var o *Order
	if action == actionFinish {
		o, err = m.c.Finish(dctx, id, opts...)
	} else {
		o, err = m.c.Cancel(dctx, id, opts...)
	}
	if err == nil {
		return o, nil
	}
	if !errors.Is(err, apierror.ErrConflict) && !errors.Is(err, apierror.ErrNotFound) {
		// Not closed, or not known to be (retried until it gave up): a
		// repeat is harmless (a second cancel of a canceled order is
		// refused, and read back below), so let a later attempt or a
		// sweep try again.
		m.st.releaseClose(dctx, id, actor)
		return nil, err
	}
	// Refused: find out why. A repeat of a close that landed, an order
	// the provider closed, or (for a cancel) an SMS that came.
	cur, cerr := m.c.Check(dctx, id, opts...)
	if cerr != nil {
		// Both causes stay matchable; the message keeps them on one line.
		return nil, &apierror.Error{Provider: Provider, Op: route,
			Message: "refused, and the order could not be read back", Err: errors.Join(err, cerr)}
	}
	if cur.Status.Final() {
		return cur, nil
	}
	if action == actionCancel && (len(cur.SMS) > 0 || cur.Status == StatusReceived) {
		return cur, &apierror.Error{Provider: Provider, Op: route, Kind: apierror.ErrConflict,
			Message: "an SMS arrived: finish the order instead", Err: errors.Join(errHasSMS, err)}
	}
	m.st.releaseClose(dctx, id, actor)
	return cur, err
}
