package simkittest

import (
	"encoding/json"
	"net/http"
	"strings"
)

type topupsRenewalUser struct {
	trial    bool
	renewals int
}

func renewalReply(w http.ResponseWriter, status int, ok bool, msg string, data any) {
	writeJSON(w, status, map[string]any{"message": msg, "success": ok, "data": data})
}

// handleRenew renews a known user's subscription (or converts a free trial);
// an unknown email answers 404 with success:false unless AcceptAnyEmail.
func (f *TopupsFake) handleRenew(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || f.cfg.RenewalKey == "" || !constantEqual(tok, f.cfg.RenewalKey) {
		renewalReply(w, http.StatusUnauthorized, false, "Invalid API key.", nil)
		return
	}
	var in struct {
		Email string `json:"email"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		renewalReply(w, http.StatusBadRequest, false, "Invalid JSON body.", nil)
		return
	}
	if !providerEmail(in.Email) {
		renewalReply(w, http.StatusUnprocessableEntity, false, "A valid email is required.", map[string][]string{"email": {"Enter a valid email address."}})
		return
	}
	key := strings.ToLower(in.Email)
	u, known := f.renewal[key]
	if !known {
		if !f.cfg.AcceptAnyEmail {
			renewalReply(w, http.StatusNotFound, false, "User not found.", nil)
			return
		}
		u = &topupsRenewalUser{}
		f.renewal[key] = u
	}
	u.renewals++
	if u.trial {
		u.trial = false
		renewalReply(w, http.StatusOK, true, "Free trial converted to a paid subscription.", nil)
		return
	}
	renewalReply(w, http.StatusOK, true, "Subscription renewed.", nil)
}

// Renewals returns how many successful renewals the fake performed for email.
func (f *TopupsFake) Renewals(email string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, ok := f.renewal[strings.ToLower(email)]; ok {
		return u.renewals
	}
	return 0
}

// AddRenewalUser makes the renewal API know email, on a free trial when trial is true.
func (f *TopupsFake) AddRenewalUser(email string, trial bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.renewal[strings.ToLower(email)] = &topupsRenewalUser{trial: trial}
}
