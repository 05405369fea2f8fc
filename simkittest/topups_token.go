package simkittest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"
)

// handleToken issues an OAuth client-credentials token from a form or JSON
// body, refusing bad credentials and more than TokenLimit issues per minute.
func (f *TopupsFake) handleToken(w http.ResponseWriter, r *http.Request) {
	form, ok := topupsForm(r)
	if !ok {
		topupsInvalid(w, "grant_type", "The grant type field is required.")
		return
	}
	switch {
	case form["client_id"] == "":
		topupsInvalid(w, "client_id", "The client id field is required.")
		return
	case form["client_secret"] == "":
		topupsInvalid(w, "client_secret", "The client secret field is required.")
		return
	case form["grant_type"] != "client_credentials":
		topupsInvalid(w, "grant_type", "The selected grant type is invalid.")
		return
	}
	if !constantEqual(form["client_id"], f.cfg.ClientID) || f.cfg.ClientID == "" {
		// An unknown client id fails the provider's validation; a known one
		// with the wrong secret fails authentication.
		topupsInvalid(w, "client_id", "The selected client id is invalid.")
		return
	}
	if !constantEqual(form["client_secret"], f.cfg.ClientSecret) {
		writeJSON(w, http.StatusUnauthorized, topupsMeta("Client authentication failed.", nil))
		return
	}
	now := f.cfg.Now()
	if f.cfg.TokenLimit > 0 {
		recent := f.issued[:0]
		for _, t := range f.issued {
			if now.Sub(t) < time.Minute {
				recent = append(recent, t)
			}
		}
		f.issued = recent
		if len(recent) >= f.cfg.TokenLimit {
			w.Header().Set("Retry-After", topupsSeconds(recent[0].Add(time.Minute).Sub(now)))
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "Too Many Attempts.", "code": http.StatusTooManyRequests})
			return
		}
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	tok := hex.EncodeToString(b)
	f.tokens[tok] = now.Add(f.cfg.TokenTTL)
	f.issued = append(f.issued, now)
	f.tokenCount++
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"token_type":   "Bearer",
		"expires_in":   int64(f.cfg.TokenTTL / time.Second),
		"access_token": tok,
	}, "meta": map[string]string{"message": "success"}})
}

// TokenCount returns how many access tokens the fake has issued, so tests can
// prove a client caches its token.
func (f *TopupsFake) TokenCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenCount
}

// ExpireTokens makes every access token issued so far expired, as if the
// fake clock had passed their expires_in.
func (f *TopupsFake) ExpireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.tokens {
		f.tokens[k] = time.Time{}
	}
}
