package smsnumbers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/simkit/simkit/store"
)

// claimTTL is how long a claim on an order or payment is kept: longer than
// any order lives (a hosting rental lasts a day at most), so an order can
// never be claimed twice while a look-up could still find it.
const claimTTL = 25 * time.Hour

// claims marks the orders and payments that a call of one account has
// handed to its caller. Keys carry a hash of the token, never the token,
// so accounts sharing a Store never collide and the Store never holds the
// secret.
type claims struct {
	st     store.Store
	prefix string
}

func newClaims(st store.Store, token string) *claims {
	sum := sha256.Sum256([]byte("simkit smsnumbers claims\x00" + token))
	return &claims{st: st, prefix: "smsnumbers:" + hex.EncodeToString(sum[:8]) + ":"}
}

// claim takes kind/id for this caller and reports whether it was free.
func (c *claims) claim(ctx context.Context, kind string, id int64) (bool, error) {
	return c.st.SetNX(ctx, c.prefix+kind+":"+strconv.FormatInt(id, 10), []byte{1}, claimTTL)
}
