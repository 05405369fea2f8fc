package smsnumbers

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/simkit/simkit/store"
)

// claimTTL is how long the activation journal keeps an entry: longer than
// any order lives (a hosting rental lasts a day at most).
const claimTTL = 25 * time.Hour

// claimTimeout bounds a store write made for an order already bought.
const claimTimeout = 5 * time.Second

// claims is the key namespace of one account's activation journal in the
// Store. Keys carry a hash of the token, never the token, so accounts
// sharing a Store never collide and the Store never holds the secret.
// (Which call holds which order is the ledger's job: see Client.Ledger.)
type claims struct {
	st     store.Store
	prefix string
}

func newClaims(st store.Store, token string) *claims {
	sum := sha256.Sum256([]byte("simkit smsnumbers claims\x00" + token))
	return &claims{st: st, prefix: "smsnumbers:" + hex.EncodeToString(sum[:8]) + ":"}
}
