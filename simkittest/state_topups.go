package simkittest

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// topupsState is the top-up fake's state document.
type topupsState struct {
	Balance    decimal.Decimal               `json:"balance"`
	Tokens     map[string]time.Time          `json:"tokens"`
	Issued     []time.Time                   `json:"issued"`
	TokenCount int                           `json:"token_count"`
	SIMs       []topupsSIMState              `json:"sims"`
	Orders     []topupsOrderState            `json:"orders"`
	NextOrder  int64                         `json:"next_order"`
	Renewal    map[string]topupsRenewalState `json:"renewal_users"`
}

type topupsSIMState struct {
	ICCID       string         `json:"iccid"`
	Packages    []TopupPackage `json:"packages"`
	History     int            `json:"history"`
	LastHistory time.Time      `json:"last_history"`
	HasHistory  bool           `json:"has_history"`
}

type topupsOrderState struct {
	ID          int64           `json:"id"`
	Entry       int64           `json:"entry"`
	Code        string          `json:"code"`
	ICCID       string          `json:"iccid"`
	Type        string          `json:"type"`
	Package     TopupPackage    `json:"package"`
	Description string          `json:"description"`
	Created     time.Time       `json:"created"`
	Paid        decimal.Decimal `json:"paid"`
	Discount    decimal.Decimal `json:"discount"`
	Pct         decimal.Decimal `json:"pct"`
	Discounted  bool            `json:"discounted"`
}

type topupsRenewalState struct {
	Trial    bool `json:"trial"`
	Renewals int  `json:"renewals"`
}

// State returns the fake's state as JSON (see Server.Snapshot). It holds
// the access tokens issued, so a restored fake accepts them.
func (f *TopupsFake) State() json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := topupsState{
		Balance: f.balance, Tokens: f.tokens, Issued: f.issued, TokenCount: f.tokenCount,
		NextOrder: f.nextOrder, Renewal: map[string]topupsRenewalState{},
	}
	for _, s := range f.sims {
		st.SIMs = append(st.SIMs, topupsSIMState{s.iccid, s.packages, s.history, s.lastHistory, s.hasHistory})
	}
	for _, o := range f.orders {
		st.Orders = append(st.Orders, topupsOrderState{o.id, o.entry, o.code, o.iccid, o.typ, o.pkg, o.description, o.created, o.paid, o.discount, o.pct, o.discounted})
	}
	for e, u := range f.renewal {
		st.Renewal[e] = topupsRenewalState{u.trial, u.renewals}
	}
	b, _ := json.Marshal(st)
	return b
}

// LoadState replaces the fake's state with one State returned.
func (f *TopupsFake) LoadState(b json.RawMessage) error {
	var st topupsState
	if err := decodeState(b, &st); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.balance, f.issued, f.tokenCount, f.nextOrder = st.Balance, st.Issued, st.TokenCount, st.NextOrder
	f.tokens = map[string]time.Time{}
	for k, v := range st.Tokens {
		f.tokens[k] = v
	}
	f.sims = map[string]*topupsSIM{}
	for _, s := range st.SIMs {
		f.sims[s.ICCID] = &topupsSIM{iccid: s.ICCID, packages: s.Packages, history: s.History, lastHistory: s.LastHistory, hasHistory: s.HasHistory}
	}
	f.orders = nil
	for _, o := range st.Orders {
		f.orders = append(f.orders, &topupsOrder{id: o.ID, entry: o.Entry, code: o.Code, iccid: o.ICCID, typ: o.Type, pkg: o.Package,
			description: o.Description, created: o.Created, paid: o.Paid, discount: o.Discount, pct: o.Pct, discounted: o.Discounted})
	}
	if st.Renewal != nil {
		f.renewal = map[string]*topupsRenewalUser{}
		for e, u := range st.Renewal {
			f.renewal[e] = &topupsRenewalUser{trial: u.Trial, renewals: u.Renewals}
		}
	}
	return nil
}
