// Package webhook holds what every provider's webhook handler shares: a
// capped body read, and dedupe through the Store with a lease on a delivery
// in progress that is renewed while the user's function runs, released when
// it fails and gone on its own before the provider's next retry when the
// replica holding it dies, so no retry is swallowed.
package webhook

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// MaxBody is the default cap on a webhook body: 1 MiB, far above any
// documented delivery.
const MaxBody = 1 << 20

// ErrTooLarge is returned by ReadBody for a body over the cap.
var ErrTooLarge = errors.New("webhook: body too large")

// ReadBody reads r's body, refusing one longer than max bytes without
// reading more than max+1 of it.
func ReadBody(r *http.Request, max int64) ([]byte, error) {
	if max <= 0 {
		max = MaxBody
	}
	if r.ContentLength > max {
		return nil, ErrTooLarge
	}
	// A declared length sizes the buffer once (+1 so the read that meets
	// EOF needs no growth) instead of io.ReadAll's doubling from 512 bytes.
	size := int64(512)
	if r.ContentLength > 0 {
		size = r.ContentLength + 1
	}
	b := make([]byte, 0, size)
	lr := io.LimitReader(r.Body, max+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	return b, nil
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
