// Package randid is the one source of random names in simkit: lock and
// lease holders, inbox message ids, single-flight replicas, activation
// owners and the UUIDs callers may use as order ids.
package randid

import (
	"crypto/rand"
	"encoding/hex"
)

// Hex returns n random bytes as 2n hex digits.
func Hex(n int) string {
	b := make([]byte, 2*n)
	Fill(b)
	return string(b)
}

// Fill writes len(dst)/2 random bytes into dst as hex digits, without
// allocating (dst's length must be even).
func Fill(dst []byte) {
	var buf [32]byte
	for len(dst) > 0 {
		n := min(len(dst)/2, len(buf))
		_, _ = rand.Read(buf[:n])
		hex.Encode(dst, buf[:n])
		dst = dst[2*n:]
	}
}

// UUID returns a random UUID (version 4) in its canonical text form.
func UUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}
