package esimstory

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/simkit/simkit/apierror"
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
	DefaultTrackerPrefix = "simkit:esimstory:track:"
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
	// external_order_id is not an order being created right now), so that
	// a forged or misrouted delivery never reaches your function.
	RejectUnknown bool
}

// Tracker remembers which topup_ids each order expects and which have been
// delivered. Its state lives in a store.Store, so replicas sharing a store
// (Redis) share the tracker: an order created on one replica can be
// delivered to another and waited for on a third. It is safe for concurrent
// use. A nil *Tracker answers every call with simkit.ErrNotConfigured.
type Tracker struct {
	st   store.Store
	opts TrackerOptions

	mu     sync.Mutex
	notify chan struct{} // closed and replaced on every local Record
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
	return &Tracker{st: st, opts: o, notify: make(chan struct{})}
}

type trackedOrder struct {
	TopupIDs []string `json:"topup_ids"`
}

func (t *Tracker) key(kind, id string) string { return t.opts.Prefix + kind + ":" + id }

func (t *Tracker) ready() error {
	if t == nil || t.st == nil {
		return apierror.NotConfigured(Provider)
	}
	return nil
}

// Track records the topup_ids order expects. CreateOrder calls it for you
// when Options.Tracker is set; call it yourself for orders created
// otherwise, or when CreateOrder reported that tracking failed.
func (t *Tracker) Track(ctx context.Context, order *Order) error {
	if err := t.ready(); err != nil {
		return err
	}
	const op = "Tracker.Track"
	if order == nil || order.ExternalOrderID == "" || len(order.Units) == 0 {
		return apierror.Validation(Provider, op, "order needs an external order id and at least one unit")
	}
	for i, u := range order.Units {
		if u.TopupID == "" {
			return apierror.Validation(Provider, op, "units[%d]: topup id is empty", i)
		}
		if err := t.st.Set(ctx, t.key("topup", u.TopupID), []byte(order.ExternalOrderID), t.opts.TTL); err != nil {
			return storeErr(op, err)
		}
	}
	b, _ := json.Marshal(trackedOrder{TopupIDs: order.TopupIDs()})
	if err := t.st.Set(ctx, t.key("order", order.ExternalOrderID), b, t.opts.TTL); err != nil {
		return storeErr(op, err)
	}
	t.forgetPending(ctx, order.ExternalOrderID)
	t.wake()
	return nil
}

// Known reports whether d belongs to an order this tracker knows: its
// topup_id is expected (by the order named in external_order_id, when the
// delivery names one), or its order is being created right now.
func (t *Tracker) Known(ctx context.Context, d *Delivery) (bool, error) {
	if err := t.ready(); err != nil {
		return false, err
	}
	const op = "Tracker.Known"
	if d == nil || d.TopupID == "" {
		return false, nil
	}
	ext, found, err := t.st.Get(ctx, t.key("topup", d.TopupID))
	if err != nil {
		return false, storeErr(op, err)
	}
	if found {
		return d.ExternalOrderID == "" || d.ExternalOrderID == string(ext), nil
	}
	if d.ExternalOrderID == "" {
		return false, nil
	}
	_, pending, err := t.st.Get(ctx, t.key("pending", d.ExternalOrderID))
	if err != nil {
		return false, storeErr(op, err)
	}
	return pending, nil
}

// Record stores a delivery and wakes local Waits. The webhook handler calls
// it after your function accepted the delivery.
func (t *Tracker) Record(ctx context.Context, d *Delivery) error {
	if err := t.ready(); err != nil {
		return err
	}
	const op = "Tracker.Record"
	if d == nil || d.TopupID == "" {
		return apierror.Validation(Provider, op, "delivery has no topup id")
	}
	b, err := json.Marshal(d)
	if err != nil {
		return storeErr(op, err)
	}
	if err := t.st.Set(ctx, t.key("delivery", d.TopupID), b, t.opts.TTL); err != nil {
		return storeErr(op, err)
	}
	t.wake()
	return nil
}

// Progress reports how many units of an order have been delivered out of
// how many it expects. An order still being created reports (0, 0, nil); an
// order the tracker never saw is an error matching simkit.ErrNotFound.
func (t *Tracker) Progress(ctx context.Context, externalOrderID string) (delivered, expected int, err error) {
	if err := t.ready(); err != nil {
		return 0, 0, err
	}
	ds, expected, err := t.collect(ctx, "Tracker.Progress", externalOrderID)
	return len(ds), expected, err
}

// Wait blocks until every unit of the order has been delivered and returns
// the deliveries in the order's unit order. It returns ctx's error (wrapped
// in *simkit.Error, so errors.Is(err, context.DeadlineExceeded) works) when
// ctx ends first. Deliveries recorded in this process wake it at once;
// those recorded by other replicas are seen at the next poll. An order
// whose creation ended in ErrConflict or an ambiguous failure stays pending
// (its deliveries are accepted) but its unit count is unknown, so Wait on
// it only ends with ctx unless you Track it yourself.
func (t *Tracker) Wait(ctx context.Context, externalOrderID string) ([]Delivery, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	const op = "Tracker.Wait"
	for {
		// Take the channel before reading, so a Record in between wakes us.
		t.mu.Lock()
		ch := t.notify
		t.mu.Unlock()
		ds, expected, err := t.collect(ctx, op, externalOrderID)
		if err != nil {
			return nil, err
		}
		if expected > 0 && len(ds) == expected {
			return ds, nil
		}
		timer := time.NewTimer(t.opts.Poll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, &apierror.Error{Provider: Provider, Op: op, Message: "wait ended by context", Err: ctx.Err()}
		case <-ch:
			timer.Stop()
		case <-timer.C:
		}
	}
}

// collect returns the deliveries recorded so far for an order and how many
// units it expects.
func (t *Tracker) collect(ctx context.Context, op, externalOrderID string) ([]Delivery, int, error) {
	if externalOrderID == "" {
		return nil, 0, apierror.Validation(Provider, op, "external order id is required")
	}
	b, found, err := t.st.Get(ctx, t.key("order", externalOrderID))
	if err != nil {
		return nil, 0, storeErr(op, err)
	}
	if !found {
		_, pending, err := t.st.Get(ctx, t.key("pending", externalOrderID))
		if err != nil {
			return nil, 0, storeErr(op, err)
		}
		if pending {
			return nil, 0, nil
		}
		return nil, 0, &apierror.Error{Provider: Provider, Op: op, Message: fmt.Sprintf("order %q is not tracked", externalOrderID), Kind: apierror.ErrNotFound}
	}
	var o trackedOrder
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, 0, storeErr(op, err)
	}
	var ds []Delivery
	for _, id := range o.TopupIDs {
		v, ok, err := t.st.Get(ctx, t.key("delivery", id))
		if err != nil {
			return nil, 0, storeErr(op, err)
		}
		if !ok {
			continue
		}
		var d Delivery
		if err := json.Unmarshal(v, &d); err != nil {
			return nil, 0, storeErr(op, err)
		}
		ds = append(ds, d)
	}
	return ds, len(o.TopupIDs), nil
}

// markPending notes that an order with this id is being created, so its
// deliveries are accepted even if they arrive before Track records the
// topup_ids.
func (t *Tracker) markPending(ctx context.Context, externalOrderID string) error {
	return t.st.Set(ctx, t.key("pending", externalOrderID), []byte("1"), t.opts.TTL)
}

func (t *Tracker) forgetPending(ctx context.Context, externalOrderID string) {
	_ = t.st.Delete(context.WithoutCancel(ctx), t.key("pending", externalOrderID))
}

func (t *Tracker) wake() {
	t.mu.Lock()
	close(t.notify)
	t.notify = make(chan struct{})
	t.mu.Unlock()
}

func storeErr(op string, err error) error {
	return &apierror.Error{Provider: Provider, Op: op, Message: "tracker store failed", Err: err}
}
