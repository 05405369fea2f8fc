package esimstory

import (
	"context"
	"encoding/json"
)

// claimUnit links a delivery whose topup_id no order listed to the next
// free unit of its (open or recovered) order. Units are claimed with SetNX,
// so replicas recording deliveries of one order at once never take the
// same unit; a repeated delivery finds its own claim first.
func (t *Tracker) claimUnit(ctx context.Context, d *Delivery) error {
	_, mapped, err := t.st.Get(ctx, t.topupKey(d.TopupID))
	if err != nil {
		return storeErr(opRecord, err)
	}
	if mapped {
		return nil
	}
	open, units, err := t.openOrder(ctx, opRecord, d.ExternalOrderID)
	if err != nil || !open {
		return err
	}
	for i := range units {
		k := t.slotKey(d.ExternalOrderID, i)
		ok, err := t.st.SetNX(ctx, k, []byte(d.TopupID), t.opts.TTL)
		if err != nil {
			return storeErr(opRecord, err)
		}
		if !ok {
			v, _, err := t.st.Get(ctx, k)
			if err != nil {
				return storeErr(opRecord, err)
			}
			if string(v) != d.TopupID {
				continue
			}
		}
		if err := t.st.Set(ctx, t.topupKey(d.TopupID), []byte(d.ExternalOrderID), t.opts.TTL); err != nil {
			return storeErr(opRecord, err)
		}
		return nil
	}
	// More deliveries than units: kept, but counted nowhere.
	return nil
}

// openOrder reports whether the order's topup_ids are unknown (recovered,
// being created, or with an open outcome) and how many units it has (0
// when not known yet).
func (t *Tracker) openOrder(ctx context.Context, op, externalOrderID string) (bool, int, error) {
	b, found, err := t.st.Get(ctx, t.orderKey(externalOrderID))
	if err != nil {
		return false, 0, storeErr(op, err)
	}
	if found {
		var o trackedOrder
		if err := json.Unmarshal(b, &o); err != nil {
			return false, 0, storeErr(op, err)
		}
		return len(o.TopupIDs) == 0, o.Expected, nil
	}
	p, pending, err := t.pending(ctx, op, externalOrderID)
	return pending, p.Units, err
}
