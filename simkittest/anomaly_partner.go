package simkittest

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"

	"github.com/shopspring/decimal"
)

// PartnerStatusPartial is the status of an order only some of whose
// units were delivered.
const PartnerStatusPartial = "partially_completed"

// PartnerOutsideOrder is an order placed on the Partner account by
// another client than the one under test: a charge that client's books do
// not know about, or an order stuck in a state reconciliation must find.
type PartnerOutsideOrder struct {
	// ExternalID is the other client's id; default a fresh "outside-..." id.
	ExternalID string `json:"external_id"`
	// SKUID is the SKU bought; default the catalog's first fixed-price SKU
	// in stock.
	SKUID string `json:"sku_id"`
	// Quantity defaults to 1 (2 for a partial order).
	Quantity int `json:"quantity"`
	// Status is what the order is left in: PartnerStatusCompleted
	// (default, with its webhook), PartnerStatusProcessing (stuck: it never
	// completes by itself, even without ManualCompletion), or
	// PartnerStatusPartial (one unit undelivered and refunded, webhook sent).
	Status string `json:"status"`
}

// PlaceOutsideOrder charges the account for an order another client
// made, through the same rules as POST /orders (balance, stock, unique
// external id), and leaves it in o.Status.
func (f *PartnerFake) PlaceOutsideOrder(o PartnerOutsideOrder) (PartnerOrder, error) {
	if o.ExternalID == "" {
		o.ExternalID = "outside-" + randomUUID()
	}
	switch o.Status {
	case "":
		o.Status = PartnerStatusCompleted
	case PartnerStatusCompleted, PartnerStatusProcessing, PartnerStatusPartial:
	default:
		return PartnerOrder{}, fmt.Errorf("%w: status must be completed, processing or partially_completed", ErrOutsideCall)
	}
	if o.Quantity == 0 {
		o.Quantity = 1
		if o.Status == PartnerStatusPartial {
			o.Quantity = 2
		}
	}
	if o.Status == PartnerStatusPartial && o.Quantity < 2 {
		return PartnerOrder{}, fmt.Errorf("%w: a partial order needs a quantity of at least 2", ErrOutsideCall)
	}
	if o.SKUID == "" {
		o.SKUID = f.firstFixedSKU()
	}
	rec := httptest.NewRecorder()
	f.place(rec, o.ExternalID, o.SKUID, o.Quantity, decimal.NullDecimal{}, nil, "", "Order created successfully", o.Status != PartnerStatusCompleted)
	if rec.Code != 201 {
		var body struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return PartnerOrder{}, fmt.Errorf("%w: %d %s", ErrOutsideCall, rec.Code, body.Message)
	}
	if o.Status == PartnerStatusPartial {
		f.partial(o.ExternalID)
	}
	got, _ := f.OrderByExternalID(o.ExternalID)
	return got, nil
}

// firstFixedSKU is the first SKU with a price and stock.
func (f *PartnerFake) firstFixedSKU() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.products {
		for _, s := range p.SKUs {
			if s.Price.Valid && s.Stock > 1 {
				return s.ID
			}
		}
	}
	return ""
}

// partial delivers all but one unit of a processing order, refunds that
// unit and announces partially_completed.
func (f *PartnerFake) partial(externalID string) {
	f.mu.Lock()
	o := f.byExternal[externalID]
	f.deliverLocked(o)
	o.Status = PartnerStatusPartial
	it := &o.Items[0]
	it.Status = PartnerStatusPartial
	if n := len(it.Delivery); n > 0 {
		it.Delivery = it.Delivery[:n-1]
	}
	it.ErrorMessage = "1 unit could not be delivered."
	f.balance = f.balance.Add(it.Price)
	f.txs = append(f.txs, f.transaction("refund", it.Price, o.ID))
	snap := o.json()
	f.mu.Unlock()
	f.notify(snap)
}
