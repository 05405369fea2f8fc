package esimstory

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
)

// The tracker's Store layout. Every key starts with TrackerOptions.Prefix
// and lives TrackerOptions.TTL; five record kinds, one key shape each:
//
//	order:<external_order_id>     trackedOrder (JSON): a settled order's topup_ids, or its unit count
//	pending:<external_order_id>   pendingOrder (JSON): an order being created, or whose outcome is open
//	topup:<topup_id>              the external_order_id the unit belongs to
//	slot:<external_order_id>:<i>  the topup_id that filled unit i of an order counted by unit
//	delivery:<topup_id>           the Delivery as recorded (JSON)
//
// Only this file builds keys; the readers and writers of each kind sit
// with their job (tracker.go, tracker_claim.go, pending_order.go).

func (t *Tracker) orderKey(externalOrderID string) string {
	return t.opts.Prefix + "order:" + externalOrderID
}

func (t *Tracker) pendingKey(externalOrderID string) string {
	return t.opts.Prefix + "pending:" + externalOrderID
}

func (t *Tracker) topupKey(topupID string) string { return t.opts.Prefix + "topup:" + topupID }

func (t *Tracker) deliveryKey(topupID string) string { return t.opts.Prefix + "delivery:" + topupID }

// trackedOrder is an order whose creation was settled: its topup_ids, or
// (recovered) only how many units it has.
type trackedOrder struct {
	TopupIDs  []string `json:"topup_ids,omitempty"`
	Expected  int      `json:"expected,omitempty"`
	Recovered bool     `json:"recovered,omitempty"`
}

func (o trackedOrder) expected() int {
	if len(o.TopupIDs) > 0 {
		return len(o.TopupIDs)
	}
	return o.Expected
}

func (t *Tracker) slotKey(externalOrderID string, i int) string {
	return t.opts.Prefix + "slot:" + externalOrderID + ":" + strconv.Itoa(i)
}

// collect returns the deliveries recorded so far for an order, how many
// units it expects and whether it is counted by unit (recovered or open).
func (t *Tracker) collect(ctx context.Context, op, externalOrderID string) ([]Delivery, int, bool, error) {
	if externalOrderID == "" {
		return nil, 0, false, apierror.Validation(Provider, op, "external order id is required")
	}
	b, found, err := t.st.Get(ctx, t.orderKey(externalOrderID))
	if err != nil {
		return nil, 0, false, storeErr(op, err)
	}
	var ids []string
	byUnit := false
	expected := 0
	if found {
		var o trackedOrder
		if err := json.Unmarshal(b, &o); err != nil {
			return nil, 0, false, storeErr(op, err)
		}
		ids, expected, byUnit = o.TopupIDs, o.expected(), len(o.TopupIDs) == 0
	} else {
		p, pending, err := t.pending(ctx, op, externalOrderID)
		if err != nil {
			return nil, 0, false, err
		}
		if !pending {
			return nil, 0, false, &apierror.Error{Provider: Provider, Op: op, Message: fmt.Sprintf("order %q is not tracked", externalOrderID), Kind: apierror.ErrNotFound}
		}
		expected, byUnit = p.Units, true
	}
	if byUnit {
		for i := range expected {
			v, ok, err := t.st.Get(ctx, t.slotKey(externalOrderID, i))
			if err != nil {
				return nil, 0, false, storeErr(op, err)
			}
			if ok {
				ids = append(ids, string(v))
			}
		}
	}
	var ds []Delivery
	for _, id := range ids {
		v, ok, err := t.st.Get(ctx, t.deliveryKey(id))
		if err != nil {
			return nil, 0, false, storeErr(op, err)
		}
		if !ok {
			continue
		}
		var d Delivery
		if err := jsonx.Unmarshal(v, &d); err != nil {
			return nil, 0, false, storeErr(op, err)
		}
		ds = append(ds, d)
	}
	return ds, expected, byUnit, nil
}
