package simkittest

import (
	"net/http"

	"github.com/shopspring/decimal"
)

// balanceJSON is the balance object of GET /balance and /me; call with mu held.
func (f *PartnerFake) balanceJSON() map[string]any {
	return map[string]any{
		"balance":           money(f.balance),
		"currency":          f.cfg.Currency,
		"reserved_amount":   "0.00",
		"available_balance": money(f.available()),
		"allow_overdraft":   f.cfg.AllowOverdraft,
		"overdraft_limit":   money(f.cfg.OverdraftLimit),
		"is_overdrafted":    f.balance.IsNegative(),
	}
}

func (f *PartnerFake) handleMe(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	partnerOK(w, http.StatusOK, map[string]any{"partner": map[string]any{
		"uuid":      "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6",
		"name":      "Fake Partner",
		"email":     "partner@example.com",
		"currency":  f.cfg.Currency,
		"is_active": true,
		"balance":   f.balanceJSON(),
	}}, nil, "")
}

func (f *PartnerFake) handleBalance(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	partnerOK(w, http.StatusOK, f.balanceJSON(), nil, "")
}

func (f *PartnerFake) handleHistory(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	newest := make([]map[string]any, len(f.txs))
	for i, tx := range f.txs {
		newest[len(f.txs)-1-i] = tx
	}
	f.mu.Unlock()
	page, meta, bad := cursorPage(r, newest, 50, 100)
	if bad != "" {
		partnerError(w, http.StatusUnprocessableEntity, bad)
		return
	}
	partnerOK(w, http.StatusOK, page, meta, "")
}

// transaction builds a history row after the balance changed by amount
// (positive for topup/refund, charged amounts are passed positive and
// recorded negative); call with mu held. Ids are integers, as the
// provider's are (the docs leave them untyped). The payment fields are set
// only on a topup, the one movement paid from outside; elsewhere they are
// null, not zero.
func (f *PartnerFake) transaction(kind string, amount decimal.Decimal, orderID string) map[string]any {
	if kind == "charge" {
		amount = amount.Neg()
	}
	f.txSeq++
	row := map[string]any{
		"id":                f.txSeq,
		"type":              kind,
		"amount":            money(amount),
		"balance_after":     money(f.balance),
		"currency":          f.cfg.Currency,
		"created_at":        f.now().UTC().Format(timeLayout),
		"order_id":          nullable(orderID),
		"payment_method":    nil,
		"fee_amount":        nil,
		"original_amount":   nil,
		"original_currency": nil,
		"exchange_rate":     nil,
	}
	if kind == "topup" {
		row["payment_method"] = "bank_transfer"
		row["fee_amount"] = "0.00"
		row["original_amount"] = money(amount)
		row["original_currency"] = f.cfg.Currency
		row["exchange_rate"] = "1.000000"
	}
	return row
}

// timeLayout is the ISO 8601 form the Partner API writes times in.
const timeLayout = "2006-01-02T15:04:05-07:00"

// available is what an order may spend: the balance plus the overdraft
// allowance when enabled (nothing is ever reserved here); call with mu held.
func (f *PartnerFake) available() decimal.Decimal {
	if f.cfg.AllowOverdraft {
		return f.balance.Add(f.cfg.OverdraftLimit)
	}
	return f.balance
}
