package simkittest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/simkit/simkit/signing"
)

// PartnerOrder is an order as the Partner fake stores it; tests inspect it
// through Orders, Order and OrderByExternalID.
type PartnerOrder struct {
	// ID is the order UUID the fake minted; ExternalID the caller's id;
	// Status one of the PartnerStatus constants.
	ID, ExternalID, Status string
	// Total is what the order charged, in Currency.
	Total decimal.Decimal
	// Currency is the account currency of Total.
	Currency string
	// Metadata is the request's metadata as sent (nil when none).
	Metadata json.RawMessage
	// CreatedAt is the fake's clock when the order was placed.
	CreatedAt time.Time
	// Items are the order's lines (one per order).
	Items []PartnerOrderItem
	// ICCID is set on eSIM top-up orders.
	ICCID string
}

// PartnerOrderItem is one line of a PartnerOrder.
type PartnerOrderItem struct {
	// SKUID and SKUName are the SKU bought.
	SKUID, SKUName string
	// Quantity is the number of units.
	Quantity int
	// Price is the unit price charged (the amount for open range) and
	// Amount the line total.
	Price, Amount decimal.Decimal
	// Status is the line's status.
	Status string
	// Delivery holds one entry per delivered unit once completed.
	Delivery []PartnerDelivery
	// ErrorMessage says why a failed line failed.
	ErrorMessage string
}

// PartnerDelivery is one delivered unit: a voucher PIN or an eSIM QR code.
type PartnerDelivery struct {
	// PIN is a voucher's code, SerialNumber its serial or the eSIM's
	// ICCID, ExpirationDate a date (2006-01-02), QRCode an eSIM's LPA
	// string; each is "" (null on the wire) where a unit has none.
	PIN, SerialNumber, ExpirationDate, QRCode string
}

// PartnerESIM is an eSIM the fake knows: the seeded PartnerICCID and every
// eSIM an order delivered.
type PartnerESIM struct {
	// ICCID identifies the eSIM; Status is its state word (default
	// "active").
	ICCID, Status string
	// CanRenew is whether a top-up is accepted.
	CanRenew bool
	// SKU is the package a top-up without sku_uuid renews.
	SKU string
}

// Order statuses the fake uses.
const (
	PartnerStatusProcessing = "processing"
	PartnerStatusCompleted  = "completed"
	PartnerStatusFailed     = "failed"
)

// ErrNoOrder is returned by CompleteOrder and FailOrder for an unknown or
// already final order.
var ErrNoOrder = errors.New("simkittest: no such processing order")

func (o *PartnerOrder) json() map[string]any {
	items := make([]map[string]any, 0, len(o.Items))
	for _, it := range o.Items {
		dd := make([]map[string]any, 0, len(it.Delivery))
		for _, d := range it.Delivery {
			dd = append(dd, map[string]any{"pin": nullable(d.PIN), "serial_number": nullable(d.SerialNumber),
				"expiration_date": nullable(d.ExpirationDate), "qr_code": nullable(d.QRCode)})
		}
		items = append(items, map[string]any{
			"sku_id": it.SKUID, "sku_name": it.SKUName, "quantity": it.Quantity,
			"price": money(it.Price), "amount": money(it.Amount), "status": it.Status,
			"delivery_data": dd, "error_message": nullable(it.ErrorMessage),
		})
	}
	var meta any = o.Metadata
	if len(o.Metadata) == 0 {
		meta = nil
	}
	return map[string]any{
		"id": o.ID, "external_id": o.ExternalID, "status": o.Status,
		"total_amount": money(o.Total), "currency": o.Currency, "metadata": meta,
		"created_at": o.CreatedAt.UTC().Format(timeLayout), "items": items,
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Orders returns copies of every order, oldest first.
func (f *PartnerFake) Orders() []PartnerOrder {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]PartnerOrder, 0, len(f.orders))
	for _, o := range f.orders {
		out = append(out, o.clone())
	}
	return out
}

// Order returns a copy of the order with id.
func (f *PartnerFake) Order(id string) (PartnerOrder, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.byID[id]
	if !ok {
		return PartnerOrder{}, false
	}
	return o.clone(), true
}

// OrderByExternalID returns a copy of the order placed with externalID.
func (f *PartnerFake) OrderByExternalID(externalID string) (PartnerOrder, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.byExternal[externalID]
	if !ok {
		return PartnerOrder{}, false
	}
	return o.clone(), true
}

func (o *PartnerOrder) clone() PartnerOrder {
	c := *o
	c.Items = slices.Clone(o.Items)
	for i := range c.Items {
		c.Items[i].Delivery = slices.Clone(o.Items[i].Delivery)
	}
	return c
}

// CompleteOrder moves a processing order (see ManualCompletion) to
// completed with its delivery data, and sends the webhook.
func (f *PartnerFake) CompleteOrder(id string) error {
	return f.finish(id, PartnerStatusCompleted, "")
}

// FailOrder moves a processing order to failed with message, refunds its
// charge, and sends the webhook.
func (f *PartnerFake) FailOrder(id, message string) error {
	return f.finish(id, PartnerStatusFailed, message)
}

func (f *PartnerFake) finish(id, status, msg string) error {
	f.mu.Lock()
	o, ok := f.byID[id]
	if !ok || o.Status != PartnerStatusProcessing {
		f.mu.Unlock()
		return ErrNoOrder
	}
	if status == PartnerStatusCompleted {
		f.deliverLocked(o)
	} else {
		o.Status = status
		for i := range o.Items {
			o.Items[i].Status, o.Items[i].ErrorMessage = status, msg
		}
		f.balance = f.balance.Add(o.Total)
		f.txs = append(f.txs, f.transaction("refund", o.Total, o.ID))
	}
	snap := o.json()
	f.mu.Unlock()
	f.notify(snap)
	return nil
}

// deliverLocked completes o: vouchers get PINs, eSIMs QR codes (and become
// known to the status call). Call with mu held.
func (f *PartnerFake) deliverLocked(o *PartnerOrder) {
	o.Status = PartnerStatusCompleted
	exp := f.now().AddDate(1, 0, 0).UTC().Format("2006-01-02")
	for i := range o.Items {
		it := &o.Items[i]
		it.Status = PartnerStatusCompleted
		sku := f.skus[it.SKUID]
		for u := 0; u < it.Quantity; u++ {
			n := len(f.byID)*100 + u
			if o.ICCID != "" {
				it.Delivery = append(it.Delivery, PartnerDelivery{SerialNumber: o.ICCID, ExpirationDate: exp})
				continue
			}
			if sku != nil && sku.Product.Type == "esim" {
				iccid := fmt.Sprintf("89444227111%08d", n)
				code := strings.ToUpper(strings.ReplaceAll(randomUUID(), "-", ""))
				f.esims[iccid] = &PartnerESIM{ICCID: iccid, Status: "active", CanRenew: true, SKU: it.SKUID}
				it.Delivery = append(it.Delivery, PartnerDelivery{SerialNumber: iccid, ExpirationDate: exp, QRCode: "LPA:1$smdp.fake.example$" + code})
				continue
			}
			it.Delivery = append(it.Delivery, PartnerDelivery{PIN: fmt.Sprintf("%016d", 4000000000000000+n), SerialNumber: fmt.Sprintf("SN%010d", n), ExpirationDate: exp})
		}
	}
}

// checkSigned enforces X-Timestamp within ±5 minutes and returns the header
// text; the signature itself needs the body and is checked by the caller.
func (f *PartnerFake) checkSigned(w http.ResponseWriter, r *http.Request) (string, bool) {
	ts, sig := r.Header.Get(signing.HeaderTimestamp), r.Header.Get(signing.HeaderSignature)
	if ts == "" || sig == "" {
		partnerError(w, http.StatusUnauthorized, "Missing X-Timestamp or X-Signature header.")
		return "", false
	}
	if _, err := signing.CheckTimestamp(ts, f.now(), 5*time.Minute); err != nil {
		partnerError(w, http.StatusUnauthorized, "Request timestamp is outside the allowed window.")
		return "", false
	}
	return ts, true
}

// externalIDValid answers the provider's validation error for an
// external_id that is not a string or is blank, and reports whether it
// was valid.
func externalIDValid(w http.ResponseWriter, ext string, isString bool) bool {
	switch {
	case !isString:
		validationError(w, "external_id", "The external id must be a string.")
		return false
	case strings.TrimSpace(ext) == "":
		validationError(w, "external_id", "The external id field is required.")
		return false
	}
	return true
}

func validationError(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"success": false, "message": msg, "errors": map[string][]string{field: {msg}},
	})
}

func (f *PartnerFake) handleCreateOrder(w http.ResponseWriter, r *http.Request) {
	ts, ok := f.checkSigned(w, r)
	if !ok {
		return
	}
	body, ok := readPartnerBody(w, r)
	if !ok {
		return
	}
	ext, extOK := bodyString(body["external_id"])
	var item map[string]json.RawMessage
	itemOK := !present(body["item"]) || json.Unmarshal(body["item"], &item) == nil
	sku, skuOK := bodyString(item["sku_id"])
	if !f.signer.Equal(r.Header.Get(signing.HeaderSignature), ts, sku, ext) {
		partnerError(w, http.StatusUnauthorized, "Invalid signature.")
		return
	}
	if !externalIDValid(w, ext, extOK) {
		return
	}
	switch {
	case !itemOK:
		validationError(w, "item", "The item must be an object.")
		return
	case !skuOK:
		validationError(w, "item.sku_id", "The item.sku id must be a string.")
		return
	case sku == "":
		validationError(w, "item.sku_id", "The item.sku id field is required.")
		return
	}
	qty := 1
	if present(item["quantity"]) {
		n, ok := bodyInt(item["quantity"])
		if !ok {
			validationError(w, "item.quantity", "The item.quantity must be an integer.")
			return
		}
		qty = n
	}
	var amount decimal.NullDecimal
	if present(item["amount"]) {
		d, ok := bodyDecimal(item["amount"])
		if !ok {
			validationError(w, "item.amount", "The item.amount must be a number.")
			return
		}
		amount = decimal.NewNullDecimal(d)
	}
	if _, ok := bodyObject(item["fields"]); !ok {
		validationError(w, "item.fields", "The item.fields must be an object.")
		return
	}
	meta, ok := bodyObject(body["metadata"])
	if !ok {
		validationError(w, "metadata", "The metadata must be an object.")
		return
	}
	f.place(w, ext, sku, qty, amount, meta, "", "Order created successfully", false)
}

// place validates and charges one order; shared by create and top-up.
// hold leaves the order processing whatever ManualCompletion says.
func (f *PartnerFake) place(w http.ResponseWriter, externalID, skuID string, qty int, amount decimal.NullDecimal, meta json.RawMessage, iccid, okMsg string, hold bool) {
	f.mu.Lock()
	if _, dup := f.byExternal[externalID]; dup {
		f.mu.Unlock()
		partnerError(w, http.StatusConflict, "The external id has already been taken.")
		return
	}
	sku, ok := f.skus[skuID]
	var price decimal.Decimal
	bad := ""
	switch {
	case !ok:
		bad = "The selected item.sku id is invalid."
	case qty < 1 || qty > sku.MaxPerOrder:
		bad = fmt.Sprintf("The item.quantity must be between 1 and %d.", sku.MaxPerOrder)
	case !sku.Price.Valid && (!amount.Valid || !amount.Decimal.IsPositive()):
		bad = "The item.amount field is required for open range products."
	case sku.Stock < qty:
		f.mu.Unlock()
		partnerError(w, http.StatusUnprocessableEntity, "Insufficient stock for the selected SKU.")
		return
	}
	if bad != "" {
		f.mu.Unlock()
		validationError(w, "item", bad)
		return
	}
	price = sku.Price.Decimal
	if !sku.Price.Valid {
		price = amount.Decimal
	}
	total := price.Mul(decimal.NewFromInt(int64(qty)))
	floor := decimal.Zero
	if f.cfg.AllowOverdraft {
		floor = f.cfg.OverdraftLimit.Neg()
	}
	if f.balance.Sub(total).LessThan(floor) {
		f.mu.Unlock()
		partnerError(w, http.StatusPaymentRequired, "Insufficient balance.")
		return
	}
	f.balance = f.balance.Sub(total)
	sku.Stock -= qty
	o := &PartnerOrder{
		ID: randomUUID(), ExternalID: externalID, Status: PartnerStatusProcessing, Total: total,
		Currency: f.cfg.Currency, Metadata: meta, CreatedAt: f.now(), ICCID: iccid,
		Items: []PartnerOrderItem{{SKUID: sku.ID, SKUName: sku.Name, Quantity: qty, Price: price, Amount: total, Status: PartnerStatusProcessing}},
	}
	f.orders = append(f.orders, o)
	f.byID[o.ID] = o
	f.byExternal[externalID] = o
	f.txs = append(f.txs, f.transaction("charge", total, o.ID))
	complete := !f.cfg.ManualCompletion && !hold
	if complete {
		f.deliverLocked(o)
	}
	snap := o.json()
	f.mu.Unlock()
	partnerOK(w, http.StatusCreated, snap, nil, okMsg)
	if complete {
		f.notify(snap)
	}
}

func (f *PartnerFake) handleGetOrder(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.byID[r.PathValue("uuid")]
	if !ok {
		partnerError(w, http.StatusNotFound, "Order not found.")
		return
	}
	partnerOK(w, http.StatusOK, o.json(), nil, "")
}

func (f *PartnerFake) handleListOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, ext := q.Get("status"), q.Get("external_id")
	if status != "" && !contains([]string{"created", "processing", "completed", "cancelled", "failed", "partially_completed"}, status) {
		validationError(w, "status", "The selected status is invalid.")
		return
	}
	var from, to time.Time
	for _, p := range []struct {
		key string
		t   *time.Time
	}{{"date_from", &from}, {"date_to", &to}} {
		if s := q.Get(p.key); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				validationError(w, p.key, "The "+strings.ReplaceAll(p.key, "_", " ")+" is not a valid date.")
				return
			}
			*p.t = t
		}
	}
	f.mu.Lock()
	var rows []map[string]any
	for i := len(f.orders) - 1; i >= 0; i-- {
		o := f.orders[i]
		if status != "" && o.Status != status || ext != "" && o.ExternalID != ext ||
			!from.IsZero() && o.CreatedAt.Before(from) || !to.IsZero() && o.CreatedAt.After(to) {
			continue
		}
		rows = append(rows, o.json())
	}
	f.mu.Unlock()
	page, meta, bad := cursorPage(r, rows, 50, 100)
	if bad != "" {
		partnerError(w, http.StatusUnprocessableEntity, bad)
		return
	}
	if page == nil {
		page = []map[string]any{}
	}
	partnerOK(w, http.StatusOK, page, meta, "")
}
