// Package webhook holds what every provider's webhook handler shares
// around its own verification: POST only, a capped body read, the hand-off
// of a verified delivery to an inbox, and dedupe through the Store with a lease on a delivery
// in progress that is renewed while the user's function runs, released when
// it fails and gone on its own before the provider's next retry when the
// replica holding it dies, so no retry is swallowed.
package webhook

import (
	"encoding/json"
	"net/http"

	"github.com/simkit/simkit/internal/capped"
)

// MaxBody is the default cap on a webhook body: 1 MiB, far above any
// documented delivery.
const MaxBody = 1 << 20

// ReadBody reads r's body, refusing one longer than max bytes (MaxBody
// when max <= 0) with capped.ErrTooLarge without reading more than max+1
// of it.
func ReadBody(r *http.Request, max int64) ([]byte, error) {
	if max <= 0 {
		max = MaxBody
	}
	return capped.Read(r.Body, r.ContentLength, max)
}

// Reply writes a small JSON answer; webhook senders only read the status.
func Reply(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(replyBody(msg))
}

// replyBody is the JSON {"message": msg}. Messages are short constants, so
// one that needs no escaping is assembled directly; anything else goes
// through encoding/json, which gives the same bytes for the plain case.
func replyBody(msg string) []byte {
	for i := 0; i < len(msg); i++ {
		if c := msg[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(struct {
				Message string `json:"message"`
			}{msg})
			return b
		}
	}
	b := make([]byte, 0, len(msg)+14)
	b = append(b, `{"message":"`...)
	b = append(b, msg...)
	return append(b, `"}`...)
}
