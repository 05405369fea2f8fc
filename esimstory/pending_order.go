package esimstory

import (
	"context"
	"encoding/json"
)

// The pending-order state machine, driven by CreateOrder: beginOrder when
// a call starts (keeping the ambiguity an earlier call left), then
// Track (settled: forgetPending), keepOpen (outcome unknown: deliveries
// stay accepted and counted by unit) or forgetPending (refused). A
// pending record is what lets a delivery arrive before its order's
// topup_ids are known.

// pendingOrder is an order being created, or whose creation outcome is
// open: Units is the request's unit count, Ambiguous that an attempt for
// this external_order_id may have created it without us seeing the answer.
type pendingOrder struct {
	Units     int  `json:"units"`
	Ambiguous bool `json:"ambiguous,omitempty"`
}

// pending reads the pending record of an order. A record this version
// cannot read counts as pending with an unknown unit count.
func (t *Tracker) pending(ctx context.Context, op, externalOrderID string) (pendingOrder, bool, error) {
	b, found, err := t.st.Get(ctx, t.pendingKey(externalOrderID))
	if err != nil || !found {
		if err != nil {
			err = storeErr(op, err)
		}
		return pendingOrder{}, false, err
	}
	var p pendingOrder
	_ = json.Unmarshal(b, &p)
	return p, true, nil
}

// beginOrder notes that an order with this id and unit count is being
// created, so its deliveries are accepted even if they arrive before Track
// records the topup_ids. It returns the record that was there before (an
// earlier call whose outcome stayed open), whose ambiguity it keeps.
func (t *Tracker) beginOrder(ctx context.Context, externalOrderID string, units int) (prior pendingOrder, had bool, err error) {
	prior, had, err = t.pending(ctx, opTrack, externalOrderID)
	if err != nil {
		return prior, had, err
	}
	return prior, had, t.setPending(ctx, externalOrderID, pendingOrder{Units: units, Ambiguous: prior.Ambiguous})
}

// settled reports whether an order with this id was tracked already: a
// duplicate answer for it is that order, not one a lost answer hid.
func (t *Tracker) settled(ctx context.Context, externalOrderID string) bool {
	_, found, err := t.st.Get(ctx, t.orderKey(externalOrderID))
	return err == nil && found
}

// keepOpen records that an order's creation outcome is unknown: its
// deliveries stay accepted and counted, and a later CreateOrder with the
// same id treats a duplicate answer as this order.
func (t *Tracker) keepOpen(ctx context.Context, externalOrderID string, units int) error {
	return t.setPending(ctx, externalOrderID, pendingOrder{Units: units, Ambiguous: true})
}

func (t *Tracker) setPending(ctx context.Context, externalOrderID string, p pendingOrder) error {
	b, _ := json.Marshal(p)
	if err := t.st.Set(ctx, t.pendingKey(externalOrderID), b, t.opts.TTL); err != nil {
		return storeErr(opTrack, err)
	}
	return nil
}

func (t *Tracker) forgetPending(ctx context.Context, externalOrderID string) {
	_ = t.st.Delete(context.WithoutCancel(ctx), t.pendingKey(externalOrderID))
}

// openNow reports whether the tracker holds this id's creation outcome as
// open (an ambiguous attempt of some call with this id), as of now.
func (t *Tracker) openNow(ctx context.Context, externalOrderID string) bool {
	p, ok, err := t.pending(ctx, opTrack, externalOrderID)
	return err == nil && ok && p.Ambiguous
}
