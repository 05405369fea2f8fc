package simkittest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// serverState is the document Snapshot writes and Restore reads: one
// member per provider, each that fake's State.
type serverState struct {
	Version   int             `json:"version"`
	Partner   json.RawMessage `json:"partner,omitempty"`
	SMS       json.RawMessage `json:"smsnumbers,omitempty"`
	ESIMStory json.RawMessage `json:"esimstory,omitempty"`
	Topups    json.RawMessage `json:"topups,omitempty"`
}

// stateVersion is the version of the state document; Restore refuses
// others.
const stateVersion = 1

// Snapshot returns the state of every fake as one JSON document, to save
// and Restore later (or start a server from, with `simkit fakes --state`).
func (s *Server) Snapshot() []byte {
	f := s.fakes.Load()
	b, _ := json.MarshalIndent(serverState{
		Version: stateVersion, Partner: f.partner.State(), SMS: f.sms.State(),
		ESIMStory: f.esimstory.State(), Topups: f.topups.State(),
	}, "", "  ")
	return b
}

// Restore replaces the state of the fakes the document names with the
// document's (fresh fakes from the starting configuration, then the
// state); providers it leaves out keep theirs. Faults and the journal are
// not part of a state.
func (s *Server) Restore(doc []byte) error {
	var st serverState
	if err := decodeState(doc, &st); err != nil {
		return err
	}
	if st.Version != stateVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrState, st.Version, stateVersion)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := s.newFakes()
	next := *s.fakes.Load()
	var old []func()
	load := func(raw json.RawMessage, loadInto func(json.RawMessage) error, swap func()) error {
		if len(raw) == 0 {
			return nil
		}
		if err := loadInto(raw); err != nil {
			return err
		}
		swap()
		return nil
	}
	err := load(st.Partner, fresh.partner.LoadState, func() { old = append(old, next.partner.Close); next.partner = fresh.partner })
	if err == nil {
		err = load(st.SMS, fresh.sms.LoadState, func() { next.sms = fresh.sms })
	}
	if err == nil {
		err = load(st.ESIMStory, fresh.esimstory.LoadState, func() { old = append(old, next.esimstory.Close); next.esimstory = fresh.esimstory })
	}
	if err == nil {
		err = load(st.Topups, fresh.topups.LoadState, func() { next.topups = fresh.topups })
	}
	if err != nil {
		fresh.close()
		return err
	}
	if next.partner != fresh.partner {
		fresh.partner.Close()
	}
	if next.esimstory != fresh.esimstory {
		fresh.esimstory.Close()
	}
	s.fakes.Store(&next)
	for _, c := range old {
		c()
	}
	return nil
}

// ResetProvider replaces one provider's fake with a fresh one from the
// starting configuration, leaving the others, the faults and the journal.
func (s *Server) ResetProvider(provider string) error {
	if !knownProviders[provider] {
		return fmt.Errorf("simkittest: unknown provider %q", provider)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := s.newFakes()
	next := *s.fakes.Load()
	var old func()
	switch provider {
	case ProviderPartner:
		old, next.partner = next.partner.Close, fresh.partner
		fresh.esimstory.Close()
	case ProviderSMS:
		next.sms = fresh.sms
		fresh.close()
	case ProviderESIMStory:
		old, next.esimstory = next.esimstory.Close, fresh.esimstory
		fresh.partner.Close()
	case ProviderTopups:
		next.topups = fresh.topups
		fresh.close()
	}
	s.fakes.Store(&next)
	if old != nil {
		old()
	}
	return nil
}

// stateHandler serves GET (Snapshot) and PUT (Restore) of /state.
func (a *admin) getState(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(a.s.Snapshot())
}

func (a *admin) putState(w http.ResponseWriter, r *http.Request) {
	b, err := readAll(r, 64<<20)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := a.s.Restore(b); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"restored": true})
}
