package simkittest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
)

// ESIMStoryOutside is an order another client placed, or one whose units
// the provider accepted and then never delivered.
type ESIMStoryOutside struct {
	// ExternalOrderID defaults to a fresh "outside-..." id; OptionID to
	// ESIMStoryOptionA; Qty to 1.
	ExternalOrderID string `json:"external_order_id"`
	OptionID        string `json:"option_id"`
	Qty             int    `json:"qty"`
	// Withhold is how many of the order's units are never delivered:
	// DeliverAll and automatic delivery skip them (Deliver still sends one
	// when asked by topup_id).
	Withhold int `json:"withhold"`
}

// OrderOutside places an order as another client would (the same rules
// as POST /v1/api_partner/orders) and returns its topup_ids; the last
// Withhold of them are withheld. Withholding units of an order the client
// under test placed is Withhold.
func (f *ESIMStoryFake) OrderOutside(o ESIMStoryOutside) ([]string, error) {
	if o.ExternalOrderID == "" {
		o.ExternalOrderID = "outside-" + randomUUID()
	}
	if o.OptionID == "" {
		o.OptionID = ESIMStoryOptionA
	}
	if o.Qty == 0 {
		o.Qty = 1
	}
	if o.Withhold < 0 || o.Withhold > o.Qty {
		return nil, fmt.Errorf("%w: withhold must be between 0 and qty", ErrOutsideCall)
	}
	body, _ := json.Marshal(map[string]any{"external_order_id": o.ExternalOrderID, "products": []map[string]any{{"option_id": o.OptionID, "qty": o.Qty}}})
	req := httptest.NewRequest(http.MethodPost, ESIMStoryPrefix+"/v1/api_partner/orders", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	// Withheld as the order is created, so automatic delivery (which
	// starts as the order is answered) already skips the units.
	req = req.WithContext(context.WithValue(req.Context(), withholdKey{}, o.Withhold))
	rec := httptest.NewRecorder()
	f.createOrder(rec, req)
	var out esimOrderAnswer
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		return nil, fmt.Errorf("%w: %d %s", ErrOutsideCall, rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
	}
	ids := make([]string, 0, len(out.Products))
	for _, p := range out.Products {
		ids = append(ids, p.TopupID)
	}
	return ids, nil
}

// Withhold makes a unit's delivery never happen by itself: DeliverAll and
// automatic delivery skip it, as if the provider lost it. It returns
// ErrUnknownTopup for a topup_id the fake never issued.
func (f *ESIMStoryFake) Withhold(topupID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.units[topupID]
	if !ok {
		return ErrUnknownTopup
	}
	u.withheld = true
	return nil
}

// withholdKey carries OrderOutside's Withhold to createOrder.
type withholdKey struct{}
