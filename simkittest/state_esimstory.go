package simkittest

import (
	"encoding/json"
	"sort"
)

// esimStoryState is the eSIM Story fake's state document.
type esimStoryState struct {
	Orders     map[string][]esimUnitState `json:"orders"`
	Seq        int                        `json:"seq"`
	WebhookURL string                     `json:"webhook_url,omitempty"`
}

type esimUnitState struct {
	ESIMStoryUnit
	Withheld bool `json:"withheld,omitempty"`
}

// State returns the fake's state as JSON (see Server.Snapshot).
func (f *ESIMStoryFake) State() json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := esimStoryState{Orders: map[string][]esimUnitState{}, Seq: f.seq, WebhookURL: f.hook.url}
	for ext, units := range f.orders {
		for _, u := range units {
			st.Orders[ext] = append(st.Orders[ext], esimUnitState{ESIMStoryUnit: *u, Withheld: u.withheld})
		}
	}
	b, _ := json.Marshal(st)
	return b
}

// LoadState replaces the fake's state with one State returned.
func (f *ESIMStoryFake) LoadState(b json.RawMessage) error {
	var st esimStoryState
	if err := decodeState(b, &st); err != nil {
		return err
	}
	f.mu.Lock()
	f.orders, f.units, f.seq = map[string][]*ESIMStoryUnit{}, map[string]*ESIMStoryUnit{}, st.Seq
	exts := make([]string, 0, len(st.Orders))
	for ext := range st.Orders {
		exts = append(exts, ext)
	}
	sort.Strings(exts)
	for _, ext := range exts {
		for _, us := range st.Orders[ext] {
			u := us.ESIMStoryUnit
			u.withheld = us.Withheld
			f.orders[ext] = append(f.orders[ext], &u)
			f.units[u.TopupID] = &u
		}
	}
	f.mu.Unlock()
	if st.WebhookURL != "" {
		f.SetWebhookURL(st.WebhookURL)
	}
	return nil
}
