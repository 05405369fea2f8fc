package esimstory

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// Tracker defaults.
const (
	// DefaultTrackerTTL is how long every tracker key lives: long enough for
	// the slowest delivery and for support questions afterwards.
	DefaultTrackerTTL = 30 * 24 * time.Hour
	// DefaultTrackerPoll is how often Wait re-reads the store, to notice
	// deliveries recorded by another replica.
	DefaultTrackerPoll = time.Second
	// DefaultTrackerPrefix namespaces the tracker's keys in a shared store.
	// The Store adds its own namespace (redisstore.Options.Prefix).
	DefaultTrackerPrefix = "esimstory:track:"
)

// Labels of the tracker's own errors (they come from the store, not from
// an HTTP call, so they carry no route).
const (
	opTrack    = "tracker track"
	opKnown    = "tracker known"
	opRecord   = "tracker record"
	opProgress = "tracker progress"
	opWait     = "tracker wait"
)

// TrackerOptions configures a Tracker.
type TrackerOptions struct {
	// Prefix namespaces keys; default DefaultTrackerPrefix.
	Prefix string
	// TTL is the lifetime of every key the tracker writes; default
	// DefaultTrackerTTL.
	TTL time.Duration
	// Poll is how often Wait re-reads the store; default DefaultTrackerPoll.
	// Deliveries recorded by this process wake Wait at once.
	Poll time.Duration
	// RejectUnknown makes a webhook handler using this tracker answer 404
	// to a delivery whose topup_id no tracked order expects (and whose
	// external_order_id is not an order being created, or whose outcome is
	// still open), so that a forged or misrouted delivery never reaches
	// your function.
	RejectUnknown bool
	// OnProgress, when set, is called after each delivery is recorded and
	// after each order is tracked, with the order's progress at that
	// moment. It runs on the caller's goroutine (the webhook request, or
	// CreateOrder), so keep it quick and do not block in it; it is the
	// place to count, log or notify. It is not called when the progress
	// cannot be read (the store failed).
	OnProgress func(ctx context.Context, p OrderProgress)
	// Observer receives each check Wait makes (delivered and expected
	// units) and how the wait ended, and the same progress OnProgress
	// gets. Default: none, or the Observer of the first Client whose
	// Options.Tracker this is.
	Observer observe.Observer
}

// OrderProgress is one tracked order's state, as handed to
// TrackerOptions.OnProgress.
type OrderProgress struct {
	// ExternalOrderID names the order.
	ExternalOrderID string
	// TopupID is the unit whose delivery was just recorded; "" when the
	// event is the order being tracked.
	TopupID string
	// Delivered and Expected count units; Expected is 0 while the unit
	// count is not known yet.
	Delivered, Expected int
	// Recovered reports that the order's topup_ids are unknown (a
	// recovered order, see Order.Recovered, or one whose creation is in
	// flight or open): its units are matched by external_order_id.
	Recovered bool
}

// Tracker remembers which topup_ids each order expects and which have been
// delivered. Its state lives in a store.Store, so replicas sharing a store
// (Redis) share the tracker: an order created on one replica can be
// delivered to another and waited for on a third. It is safe for concurrent
// use. A nil *Tracker answers every call with simkit.ErrNotConfigured.
//
// An order whose topup_ids are unknown (a recovered order, or one whose
// creation outcome is still open) is counted by its external_order_id:
// each delivery naming it with a new topup_id fills one of its units, up to
// the unit count of the request.
type Tracker struct {
	st   store.Store
	opts TrackerOptions

	mu     sync.Mutex
	notify chan struct{}    // closed and replaced on every local Record
	obs    observe.Observer // opts.Observer, or a client's; read under mu
	books  *ledger.Ledger   // the ledger of the first client it was handed to; read under mu
}

// NewTracker returns a tracker keeping its state in st (a fresh in-memory
// store when st is nil, which only suits a single process).
func NewTracker(st store.Store, opts ...func(*TrackerOptions)) *Tracker {
	o := TrackerOptions{}
	for _, fn := range opts {
		fn(&o)
	}
	if o.Prefix == "" {
		o.Prefix = DefaultTrackerPrefix
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTrackerTTL
	}
	if o.Poll <= 0 {
		o.Poll = DefaultTrackerPoll
	}
	if st == nil {
		st = store.NewMemory()
	}
	return &Tracker{st: st, opts: o, notify: make(chan struct{}), obs: o.Observer}
}

// inheritObserver gives a tracker built without an Observer the one of
// the client it was handed to.
func (t *Tracker) inheritObserver(obs observe.Observer) {
	if t == nil || obs == nil {
		return
	}
	t.mu.Lock()
	if t.obs == nil {
		t.obs = obs
	}
	t.mu.Unlock()
}

func (t *Tracker) observer() observe.Observer {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.obs
}

func (t *Tracker) ready() error {
	if t == nil || t.st == nil {
		return apierror.NotConfigured(Provider)
	}
	return nil
}

// Track records the units order expects. CreateOrder calls it for you
// when Options.Tracker is set; call it yourself for orders created
// otherwise, or when CreateOrder reported that tracking failed. A
// recovered order (Order.Recovered) is tracked by its unit count: its
// deliveries are matched by external_order_id.
func (t *Tracker) Track(ctx context.Context, order *Order) error {
	if err := t.ready(); err != nil {
		return err
	}
	if order == nil || order.ExternalOrderID == "" || len(order.Units) == 0 {
		return apierror.Validation(Provider, opTrack, "order needs an external order id and at least one unit")
	}
	rec := trackedOrder{Recovered: order.Recovered}
	if order.Recovered {
		rec.Expected = len(order.Units)
	} else {
		for i, u := range order.Units {
			if u.TopupID == "" {
				return apierror.Validation(Provider, opTrack, "units[%d]: topup id is empty", i)
			}
			if err := t.st.Set(ctx, t.topupKey(u.TopupID), []byte(order.ExternalOrderID), t.opts.TTL); err != nil {
				return storeErr(opTrack, err)
			}
		}
		rec.TopupIDs = order.TopupIDs()
	}
	b, _ := json.Marshal(rec)
	if err := t.st.Set(ctx, t.orderKey(order.ExternalOrderID), b, t.opts.TTL); err != nil {
		return storeErr(opTrack, err)
	}
	t.forgetPending(ctx, order.ExternalOrderID)
	t.wake()
	t.report(ctx, order.ExternalOrderID, "")
	return nil
}

// Known reports whether d belongs to an order this tracker knows: its
// topup_id is expected (by the order named in external_order_id, when the
// delivery names one), or it names an order whose topup_ids are not known
// (being created right now, recovered, or with its outcome open) that still
// has a unit to fill.
func (t *Tracker) Known(ctx context.Context, d *Delivery) (bool, error) {
	if err := t.ready(); err != nil {
		return false, err
	}
	if d == nil || d.TopupID == "" {
		return false, nil
	}
	ext, found, err := t.st.Get(ctx, t.topupKey(d.TopupID))
	if err != nil {
		return false, storeErr(opKnown, err)
	}
	if found {
		return d.ExternalOrderID == "" || d.ExternalOrderID == string(ext), nil
	}
	if d.ExternalOrderID == "" {
		return false, nil
	}
	open, units, err := t.openOrder(ctx, opKnown, d.ExternalOrderID)
	if err != nil || !open {
		return false, err
	}
	if units == 0 {
		// Being created, size not recorded: accept, the answer tells.
		return true, nil
	}
	for i := range units {
		v, ok, err := t.st.Get(ctx, t.slotKey(d.ExternalOrderID, i))
		if err != nil {
			return false, storeErr(opKnown, err)
		}
		if !ok || string(v) == d.TopupID {
			return true, nil
		}
	}
	return false, nil // every unit is already filled by another topup_id
}

// Record stores a delivery and wakes local Waits. The webhook handler calls
// it after your function accepted the delivery. A delivery for an order
// whose topup_ids are unknown fills the next free unit of that order.
func (t *Tracker) Record(ctx context.Context, d *Delivery) error {
	if err := t.ready(); err != nil {
		return err
	}
	if d == nil || d.TopupID == "" {
		return apierror.Validation(Provider, opRecord, "delivery has no topup id")
	}
	b, err := jsonx.Marshal(d)
	if err != nil {
		return storeErr(opRecord, err)
	}
	if err := t.st.Set(ctx, t.deliveryKey(d.TopupID), b, t.opts.TTL); err != nil {
		return storeErr(opRecord, err)
	}
	if d.ExternalOrderID != "" {
		if err := t.claimUnit(ctx, d); err != nil {
			return err
		}
	}
	t.wake()
	t.report(ctx, d.ExternalOrderID, d.TopupID)
	t.markDelivered(ctx, d.ExternalOrderID)
	return nil
}

// Progress reports how many units of an order have been delivered out of
// how many it expects. An order still being created reports the unit count
// of its request (0 when that is not known); an order the tracker never
// saw is an error matching simkit.ErrNotFound.
func (t *Tracker) Progress(ctx context.Context, externalOrderID string) (delivered, expected int, err error) {
	if err := t.ready(); err != nil {
		return 0, 0, err
	}
	ds, expected, _, err := t.collect(ctx, opProgress, externalOrderID)
	return len(ds), expected, err
}

// Wait blocks until every unit of the order has been delivered and returns
// the deliveries in the order's unit order (for an order tracked by unit
// count, in the order they arrived). It returns ctx's error (wrapped in
// *simkit.Error, so errors.Is(err, context.DeadlineExceeded) works) when
// ctx ends first. Deliveries recorded in this process wake it at once;
// those recorded by other replicas are seen at the next poll. An order
// whose CreateOrder failed with its outcome open (the error's Ambiguous is
// set; CreateOrder never answers ErrOutcomeUnknown) is waited for too: if
// it exists, its deliveries arrive and fill its units.
//
// Each read of the order is reported to the Observer as a check, with the
// units delivered and expected, and the wait's end as received or the
// error's class.
func (t *Tracker) Wait(ctx context.Context, externalOrderID string) ([]Delivery, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	w := observe.StartWait(t.observer(), Provider, observe.WaitESIMDelivery)
	for {
		// Take the channel before reading, so a Record in between wakes us.
		t.mu.Lock()
		ch := t.notify
		t.mu.Unlock()
		ds, expected, _, err := t.collect(ctx, opWait, externalOrderID)
		if err != nil {
			w.Done(ctx, "", "", err)
			return nil, err
		}
		w.Check(ctx, "", len(ds), expected)
		if expected > 0 && len(ds) == expected {
			w.Done(ctx, observe.WaitReceived, "", nil)
			return ds, nil
		}
		timer := time.NewTimer(t.opts.Poll)
		select {
		case <-ctx.Done():
			timer.Stop()
			err := &apierror.Error{Provider: Provider, Op: opWait, Message: "wait ended by the caller's context", Err: ctx.Err()}
			w.Done(ctx, "", "", err)
			return nil, err
		case <-ch:
			timer.Stop()
		case <-timer.C:
		}
	}
}

func (t *Tracker) wake() {
	t.mu.Lock()
	close(t.notify)
	t.notify = make(chan struct{})
	t.mu.Unlock()
}

// report hands the order's progress to OnProgress and the Observer (as
// a progress event that is no Wait's check: Check 0), when set.
func (t *Tracker) report(ctx context.Context, externalOrderID, topupID string) {
	obs := t.observer()
	if (t.opts.OnProgress == nil && obs == nil) || externalOrderID == "" {
		return
	}
	ds, expected, byUnit, err := t.collect(ctx, opProgress, externalOrderID)
	if err != nil {
		return
	}
	if obs != nil {
		obs.WaitProgress(ctx, observe.WaitProgress{Provider: Provider, Wait: observe.WaitESIMDelivery,
			Delivered: len(ds), Expected: expected})
	}
	if t.opts.OnProgress != nil {
		t.opts.OnProgress(ctx, OrderProgress{
			ExternalOrderID: externalOrderID, TopupID: topupID,
			Delivered: len(ds), Expected: expected, Recovered: byUnit,
		})
	}
}

func storeErr(op string, err error) error {
	return &apierror.Error{Provider: Provider, Op: op, Message: "tracker store failed", Err: err}
}
