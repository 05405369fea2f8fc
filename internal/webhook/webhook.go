// Package webhook holds what every provider's webhook handler shares: a
// capped body read and dedupe through the Store with a claim that is
// released when the user's function fails, so the provider's retry is
// handled again instead of being swallowed.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/simkit/simkit/store"
)

// MaxBody is the default cap on a webhook body (SPEC: 1 MiB).
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

// State is where a delivery stands in the dedupe record.
type State int

const (
	// New: first time seen; the caller now owns it and must Commit or Release.
	New State = iota
	// InFlight: another handler is processing the same delivery right now.
	InFlight
	// Done: already handled successfully.
	Done
)

const (
	valueProcessing = "processing"
	valueDone       = "done"
)

// Dedupe records which deliveries were handled, keyed by the provider's
// idempotency id, in a Store shared by every replica.
type Dedupe struct {
	Store  store.Store
	Prefix string
	// TTL is how long a handled id is remembered; it must outlast the
	// provider's retry schedule. Default 7 days.
	TTL time.Duration
	// Claim is how long an in-flight claim holds if the process dies
	// mid-handling. Default 2 minutes.
	Claim time.Duration
}

// Begin claims id. Only the caller that gets New may hand the delivery to
// the user function.
func (d *Dedupe) Begin(ctx context.Context, id string) (State, error) {
	claim := d.Claim
	if claim <= 0 {
		claim = 2 * time.Minute
	}
	// The key can expire between SetNX and Get; try a few times, then call
	// it in flight so the sender retries later.
	for i := 0; i < 3; i++ {
		ok, err := d.Store.SetNX(ctx, d.Prefix+id, []byte(valueProcessing), claim)
		if err != nil {
			return New, err
		}
		if ok {
			return New, nil
		}
		v, found, err := d.Store.Get(ctx, d.Prefix+id)
		if err != nil {
			return New, err
		}
		if found {
			if string(v) == valueDone {
				return Done, nil
			}
			return InFlight, nil
		}
	}
	return InFlight, nil
}

// Commit marks id handled for TTL.
func (d *Dedupe) Commit(ctx context.Context, id string) error {
	ttl := d.TTL
	if ttl <= 0 {
		ttl = 7 * 24 * time.Hour
	}
	return d.Store.Set(context.WithoutCancel(ctx), d.Prefix+id, []byte(valueDone), ttl)
}

// Release forgets the claim on id so the provider's retry is handled anew.
func (d *Dedupe) Release(ctx context.Context, id string) error {
	return d.Store.Delete(context.WithoutCancel(ctx), d.Prefix+id)
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
