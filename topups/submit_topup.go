package topups

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/money"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
)

const (
	opSubmitTopup   = "POST /customer/v2/orders/topups"
	submitKeyPrefix = "topups:topup:"
	// submitMemory is how long a placed top-up is remembered by reference.
	submitMemory = 15 * time.Minute
)

// submitLockTTL is how long one SubmitTopup holds the fleet-wide lock on
// its reference. It must outlive the whole look-up, submit and settling
// look-up (submitBudget bounds them): a lock that expired while a submit
// was still in flight let another replica look up, find nothing yet, and
// submit a second top-up.
const submitLockTTL = 10 * time.Minute

// submitBudget bounds the look-up and submit under the lock, leaving room
// for the settling look-up's own settleTimeout.
const submitBudget = submitLockTTL - 3*settleTimeout

// settleTimeout bounds the look-up that settles an ambiguous top-up when
// the caller's context has already ended.
const settleTimeout = 10 * time.Second

// SubmitTopupParams is a top-up order.
type SubmitTopupParams struct {
	// PackageID must be the ID of a Package returned by TopupPackages for
	// this ICCID, fetched just before: eSIM (local, regional, global)
	// package ids are refused, and the list changes over time. Required.
	PackageID string
	// ICCID of the eSIM to top up. Required, 17 to 22 digits.
	ICCID string
	// Reference is your unique id for this top-up (your order id, or
	// customer id plus order id), at most 255 bytes, without surrounding
	// white space (the provider trims it). Required. It is sent
	// as the order's description, so the top-up can be found again: a call
	// with a Reference that already has a top-up on this ICCID returns that
	// top-up and never submits a second one. Never reuse a Reference for a
	// different purchase; do not put customer data such as emails in it.
	Reference string
}

// SubmitTopup orders a top-up for an existing eSIM and charges the
// account (POST /customer/v2/orders/topups). Call it only after the end user's payment has been collected,
// with a package id just returned by TopupPackages.
//
// The provider takes no idempotency key, so simkit makes Reference one:
//   - before submitting, it looks for a top-up on this ICCID whose
//     description is exactly Reference, and returns it if there is one
//     (a repeated call after any failure, or after your process crashed,
//     never tops up twice);
//   - the submit itself reaches the provider at most once and is never
//     retried;
//   - when the submit's outcome is ambiguous (no answer, a timeout, a 5xx,
//     an unreadable answer), it looks again and returns the top-up if the
//     provider has it (if ctx has already ended, that look-up runs on its
//     own deadline of at most 10 seconds, since the answer decides whether
//     the customer was charged);
//   - concurrent calls with one Reference share one look-up and submit, in
//     this process and across replicas sharing the Store.
//
// When the look-up finds nothing or fails after an ambiguous submit, the
// error matches ErrOutcomeUnknown and carries Reference and Started: call
// SubmitTopup again later with the same Reference (it looks first), or
// search ListOrders with Description = Reference. Any other error means no
// top-up was placed by this call.
func (c *Client) SubmitTopup(ctx context.Context, p SubmitTopupParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if validate.Blank(p.PackageID) {
		return nil, apierror.Validation(Provider, opSubmitTopup, "package_id is required: use an id from TopupPackages")
	}
	if why := validate.ID(p.PackageID); why != "" {
		return nil, apierror.Validation(Provider, opSubmitTopup, "package_id %s", why)
	}
	if err := checkICCID(opSubmitTopup, p.ICCID); err != nil {
		return nil, err
	}
	if why := validate.ID(p.Reference); why != "" {
		return nil, apierror.Validation(Provider, opSubmitTopup, "reference %s", why)
	}
	if validate.Padded(p.Reference) {
		// The provider trims it: the top-up could never be found again
		// by the reference as given, and a repeat would top up twice.
		return nil, apierror.Validation(Provider, opSubmitTopup, "reference must not start or end with white space")
	}
	started := c.t.Now()
	// Concurrent calls with one reference share one look-up and submit
	// (in this process, and across replicas sharing the Store while the
	// lock lasts); the top-up is remembered for a while so a repeat needs
	// no look-up.
	v, _, err := c.submits.LoadNamed(ctx, "submit_topup", submitKeyPrefix+p.ICCID+":"+p.Reference, func(ctx context.Context) ([]byte, time.Duration, error) {
		ctx, cancel := context.WithTimeout(ctx, submitBudget)
		defer cancel()
		o, err := c.submitOnce(ctx, p, started, opts)
		if err != nil {
			return nil, 0, err
		}
		b, err := jsonx.Marshal(o)
		return b, submitMemory, err
	})
	if err != nil {
		// Whatever failed, the reference keeps a repeat from submitting a
		// second top-up: the repeat looks for this one first.
		var ae *apierror.Error
		if errors.As(err, &ae) {
			// Concurrent callers of one reference share this error: copy
			// it before marking.
			cp := *ae
			cp.SafeToRetry = true
			return nil, &cp
		}
		err = storeError(opSubmitTopup, err)
		// A caller that stopped waiting may leave a submit running (here
		// or on another replica); a store failure sent nothing.
		return nil, money.Mark(err, !errors.Is(err, apierror.ErrUnavailable), true)
	}
	o := &Order{}
	if err := jsonx.Unmarshal(v, o); err != nil {
		return nil, &apierror.Error{Provider: Provider, Op: opSubmitTopup, Message: "cannot decode remembered top-up", Kind: apierror.ErrBadResponse, Err: err}
	}
	return o, nil
}

// submitOnce looks for the top-up, submits it when there is none, and
// settles an ambiguous submit.
func (c *Client) submitOnce(ctx context.Context, p SubmitTopupParams, started time.Time, opts []option.CallOption) (*Order, error) {
	rec, opts := money.NewRecord(opts)
	e, berr := money.Begin(ctx, c.ledger, ledger.Intent{
		Call: opSubmitTopup, Reference: p.Reference, Subject: "topup/" + p.PackageID + "/" + c.ledger.Hash(p.ICCID),
	})
	if berr != nil {
		// The reference keeps the top-up exactly-once without the ledger.
		c.t.Logger().LogAttrs(ctx, slog.LevelWarn, "simkit: ledger could not record a top-up", slog.String("route", opSubmitTopup), slog.String("error", berr.Error()))
	}
	o, err := c.submitRecorded(ctx, p, started, rec, opts)
	switch {
	case err == nil && o.recovered:
		money.Finish(ctx, c.ledger, c.t.Logger(), e, topupOutcome(ledger.StateRecovered, &o.Order))
	case err == nil:
		money.Finish(ctx, c.ledger, c.t.Logger(), e, topupOutcome(ledger.StateDone, &o.Order))
	default:
		money.Finish(ctx, c.ledger, c.t.Logger(), e, ledger.Outcome{State: money.StateOf(err)})
	}
	rec.Done(err == nil && o.recovered)
	if err != nil {
		return nil, err
	}
	return &o.Order, nil
}

// found is a top-up order and whether it came from a look-up.
type found struct {
	Order
	recovered bool
}

func topupOutcome(s ledger.State, o *Order) ledger.Outcome {
	out := ledger.Outcome{State: s, ProviderIDs: []string{o.ID}, Currency: o.Currency}
	if !o.Price.IsZero() {
		out.Amount = decimal.NewNullDecimal(o.Price)
	}
	return out
}

// submitRecorded looks for the reference's top-up, submits it when none
// exists, and settles an ambiguous submit by looking again.
func (c *Client) submitRecorded(ctx context.Context, p SubmitTopupParams, started time.Time, rec *money.Record, opts []option.CallOption) (*found, error) {
	lopts, done := rec.Lookup(opListOrders, opts)
	o, err := c.findTopup(ctx, p, lopts)
	done(err)
	if err != nil {
		// Submitting now could place a second top-up, so nothing is sent
		// and nothing was charged.
		return nil, money.Mark(err, false, true)
	}
	if o != nil {
		// Found: that is this top-up.
		return &found{*o, true}, nil
	}
	var out struct {
		Data Order `json:"data"`
	}
	resp, err := c.call(ctx, &transport.Request{
		Method: http.MethodPost,
		Path:   "/customer/v2/orders/topups",
		Form: map[string]string{
			"package_id":  p.PackageID,
			"iccid":       p.ICCID,
			"description": p.Reference,
		},
		Idempotency: transport.NotIdempotent,
		Op:          opSubmitTopup,
	}, &out, opts)
	if err == nil && out.Data.ID != "" {
		return &found{out.Data, false}, nil
	}
	if err == nil {
		// A 2xx that names no top-up (empty, null or id-less data): it was
		// probably placed, but which one is only known by looking.
		err = c.t.Fail(resp, &apierror.Error{Message: "top-up answer names no order", Kind: apierror.ErrBadResponse, Ambiguous: true})
	}
	if !transport.Ambiguous(err) {
		return nil, money.Mark(err, false, true)
	}
	o, err = c.settleTopup(ctx, p, started, err, rec, opts)
	if err != nil {
		return nil, err
	}
	return &found{*o, true}, nil
}

// settleTopup decides an ambiguous submit by looking the top-up up; the
// look-up is listed in rec with its own error.
func (c *Client) settleTopup(ctx context.Context, p SubmitTopupParams, started time.Time, cause error, rec *money.Record, opts []option.CallOption) (*Order, error) {
	if ctx.Err() != nil {
		// The caller gave up; the answer is still worth the look-up, so it
		// runs on its own short deadline.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
		defer cancel()
	}
	lopts, done := rec.Lookup(opListOrders, opts)
	o, lerr := c.findTopup(ctx, p, lopts)
	done(lerr)
	if o != nil {
		return o, nil
	}
	msg := "top-up may or may not have been placed; no top-up with this reference was found"
	if lerr != nil {
		msg = "top-up may or may not have been placed; the look-up failed"
	}
	e := &apierror.Error{
		Provider: Provider,
		Op:       opSubmitTopup,
		Message:  msg,
		Kind:     apierror.ErrOutcomeUnknown,
		// The causes are kept as text only: wrapping them would let
		// errors.Is find context.Canceled or DeadlineExceeded in an unknown
		// outcome, which reads as "nothing happened, try again" (the single
		// flight itself did, and submitted a second top-up).
		Err:       opaque(errors.Join(cause, lerr)),
		Ambiguous: true,
		Reference: p.Reference,
		Started:   started,
		// Calling again with the same reference looks for this top-up
		// before submitting: it never submits a second one.
		MayHaveActed: true,
		SafeToRetry:  true,
	}
	var ae *apierror.Error
	if errors.As(cause, &ae) {
		e.StatusCode, e.RequestID = ae.StatusCode, ae.RequestID
	}
	return nil, e
}

// findTopup returns the top-up on p.ICCID whose description is exactly
// p.Reference, or nil. The provider's filters match substrings, so every
// candidate is checked here: description equal, and the eSIM equal when
// the answer names it.
func (c *Client) findTopup(ctx context.Context, p SubmitTopupParams, opts []option.CallOption) (*Order, error) {
	q := ListOrdersParams{
		Include:     []Include{IncludeSIMs, IncludeStatus},
		ICCID:       p.ICCID,
		Description: p.Reference,
		Type:        OrderTypeTopup,
		Limit:       maxLimit,
	}
	for o, err := range c.AllOrders(ctx, q, opts...) {
		if err != nil {
			return nil, err
		}
		if o.Description == p.Reference && o.Type != OrderTypeSIM && ordersSIM(o, p.ICCID) {
			return &o, nil
		}
	}
	return nil, nil
}

// ordersSIM reports whether o is for iccid, or does not say.
func ordersSIM(o Order, iccid string) bool {
	if len(o.SIMs) == 0 {
		return true
	}
	for _, s := range o.SIMs {
		if s.ICCID == iccid {
			return true
		}
	}
	return false
}

// opaque keeps err's text and drops its chain, so no sentinel or context
// error inside it classifies the error that carries it.
func opaque(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(err.Error())
}
