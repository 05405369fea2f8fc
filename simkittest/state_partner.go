package simkittest

import (
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"
)

// partnerState is the Partner fake's state document.
type partnerState struct {
	Balance      decimal.Decimal  `json:"balance"`
	Stock        map[string]int   `json:"stock"`
	Orders       []PartnerOrder   `json:"orders"`
	Transactions []map[string]any `json:"transactions"`
	TxSeq        int              `json:"tx_seq"`
	ESIMs        []PartnerESIM    `json:"esims"`
	WebhookURL   string           `json:"webhook_url,omitempty"`
}

// State returns the fake's state as JSON (see Server.Snapshot).
func (f *PartnerFake) State() json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := partnerState{Balance: f.balance, Stock: map[string]int{}, TxSeq: f.txSeq, WebhookURL: f.hook.url}
	for id, s := range f.skus {
		st.Stock[id] = s.Stock
	}
	for _, o := range f.orders {
		st.Orders = append(st.Orders, o.clone())
	}
	st.Transactions = append(st.Transactions, f.txs...)
	for _, e := range f.esims {
		st.ESIMs = append(st.ESIMs, *e)
	}
	b, _ := json.Marshal(st)
	return b
}

// LoadState replaces the fake's state with one State returned, by a fake
// with the same configuration.
func (f *PartnerFake) LoadState(b json.RawMessage) error {
	var st partnerState
	if err := decodeState(b, &st); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for id := range st.Stock {
		if _, ok := f.skus[id]; !ok {
			return fmt.Errorf("%w: partner SKU %s is not in the catalog", ErrState, id)
		}
	}
	for id, n := range st.Stock {
		f.skus[id].Stock = n
	}
	f.balance, f.txSeq, f.txs = st.Balance, st.TxSeq, st.Transactions
	f.orders, f.byID, f.byExternal = nil, map[string]*PartnerOrder{}, map[string]*PartnerOrder{}
	for i := range st.Orders {
		o := &st.Orders[i]
		f.orders = append(f.orders, o)
		f.byID[o.ID] = o
		f.byExternal[o.ExternalID] = o
	}
	f.esims = map[string]*PartnerESIM{}
	for i := range st.ESIMs {
		f.esims[st.ESIMs[i].ICCID] = &st.ESIMs[i]
	}
	if st.WebhookURL != "" {
		f.hook = webhookTarget{url: st.WebhookURL}
	}
	return nil
}
