package simkittest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// writeJSON answers v as JSON with status; the fakes never fail to encode
// their own types, so the encode error is deliberately dropped.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// randomUUID returns a random version-4 UUID, as the providers mint them.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// seqUUID returns a deterministic UUID for seeded catalog rows, so a test
// can name the n-th product without looking it up.
func seqUUID(kind, n int) string {
	return fmt.Sprintf("019bc0dd-%04x-7173-a%03x-%012x", kind, n%0x1000, n)
}

// nowOr returns now, or time.Now when the caller gave no clock.
func nowOr(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// constantEqual compares credentials in constant time, as a real server
// must; the fakes do it too so they never teach a timing shortcut.
func constantEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
