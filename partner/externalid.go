package partner

import (
	"crypto/rand"
	"encoding/hex"
)

// NewExternalID returns a random UUID (version 4) for callers that have no
// order id of their own. Store it with your order before calling
// CreateOrder: the id is what lets a failed call be repeated safely.
func NewExternalID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}
