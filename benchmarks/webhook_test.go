package benchmarks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit/benchmarks/internal/pair"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
)

func timeAt(unix int64) time.Time { return time.Unix(unix, 0) }

// webhookNow is the fixed clock both handlers check X-Timestamp against.
const webhookNow = int64(1768481903)

// delivery is one pre-signed webhook: only the key and signature differ
// between deliveries, so the body is assembled from fixed halves.
type delivery struct {
	key, sig string
}

// webhookBody splits the fixture around its idempotency_key.
func webhookBody(b *testing.B) (prefix, suffix []byte) {
	raw := fixture(b, "partner", "webhook_order_status_changed.json")
	const key = "550e8400-e29b-41d4-a716-446655440000"
	i := bytes.Index(raw, []byte(key))
	if i < 0 {
		b.Fatal("fixture has no idempotency_key")
	}
	return raw[:i], raw[i+len(key):]
}

// presign signs n deliveries with keys never used before by this
// counter, so every one is a first delivery that reaches the function.
func presign(s *signing.Signer, next *int, n int) []delivery {
	ts := strconv.FormatInt(webhookNow, 10)
	out := make([]delivery, n)
	for i := range out {
		k := fmt.Sprintf("00000000-0000-4000-8000-%012d", *next) // a UUID, as the handler requires
		*next++
		out[i] = delivery{key: k, sig: s.PartnerWebhook(ts, partner.EventOrderStatusChanged, k)}
	}
	return out
}

// sender replays deliveries through a handler without sockets, reusing its
// request, body buffer and response writer: what is measured is the handler.
type sender struct {
	prefix, suffix []byte
	buf            []byte
	rd             bytes.Reader
	req            *http.Request
	w              discardWriter
}

func newSender(prefix, suffix []byte) *sender {
	s := &sender{prefix: prefix, suffix: suffix}
	s.req, _ = http.NewRequest(http.MethodPost, "http://hooks.test/partner", nil)
	s.req.Header.Set("Content-Type", "application/json")
	s.req.Header.Set(signing.HeaderTimestamp, strconv.FormatInt(webhookNow, 10))
	s.w.h = http.Header{}
	return s
}

func (s *sender) send(h http.Handler, d delivery) int {
	s.buf = append(append(append(s.buf[:0], s.prefix...), d.key...), s.suffix...)
	s.rd.Reset(s.buf)
	s.req.Body = io.NopCloser(&s.rd)
	s.req.ContentLength = int64(len(s.buf))
	s.req.Header[signing.HeaderSignature] = []string{d.sig}
	s.w.status = 0
	clear(s.w.h)
	h.ServeHTTP(&s.w, s.req)
	return s.w.status
}

type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(s int)   { w.status = s }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

// rawWebhook is the hand-written floor: read, decode, verify with a fresh
// crypto/hmac, check the clock, dedupe in a locked map, call, answer.
type rawWebhook struct {
	key  []byte
	now  func() time.Time
	mu   sync.Mutex
	seen map[string]bool
	fn   func(context.Context, *partner.WebhookEvent) error
}

func (h *rawWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	var ev struct {
		Event          string    `json:"event"`
		Timestamp      time.Time `json:"timestamp"`
		IdempotencyKey string    `json:"idempotency_key"`
		Data           struct {
			Order *partner.Order `json:"order"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "json", http.StatusBadRequest)
		return
	}
	tsh := r.Header.Get(signing.HeaderTimestamp)
	ts, err := strconv.ParseInt(tsh, 10, 64)
	if err != nil || h.now().Sub(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		http.Error(w, "stale", http.StatusUnauthorized)
		return
	}
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(tsh + ev.Event + ev.IdempotencyKey))
	if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(r.Header.Get(signing.HeaderSignature))) {
		http.Error(w, "sig", http.StatusUnauthorized)
		return
	}
	h.mu.Lock()
	dup := h.seen[ev.IdempotencyKey]
	h.seen[ev.IdempotencyKey] = true
	h.mu.Unlock()
	if !dup {
		if err := h.fn(r.Context(), &partner.WebhookEvent{Event: ev.Event, Timestamp: ev.Timestamp, IdempotencyKey: ev.IdempotencyKey, Order: ev.Data.Order}); err != nil {
			http.Error(w, "fn", http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"message":"ok"}`))
}

// BenchmarkWebhook measures the Partner webhook handler (verify, decode,
// dedupe, call) against rawWebhook: one sender on one core, 64 concurrent
// senders on one core, and 64 on every core. Every delivery has its own
// idempotency_key, so each one reaches the function; events/s is 1e9
// divided by ns/op.
func BenchmarkWebhook(b *testing.B) {
	prefix, suffix := webhookBody(b)
	now := func() time.Time { return timeAt(webhookNow) }
	signer := signing.NewSigner([]byte(benchSecret))
	for _, mode := range []struct {
		name         string
		senders, cpu int
	}{
		{"serial/cpu1", 1, 1},
		{"parallel64/cpu1", 64, 1},
		{"parallel64/cpu2", 64, 2},
	} {
		b.Run(mode.name, func(b *testing.B) {
			mk := func(name string, h http.Handler, calls *atomic.Int64) pair.Side {
				var ds []delivery
				next := 0
				s := pair.Parallel(name, mode.senders, func() func(int) error {
					snd := newSender(prefix, suffix)
					return func(i int) error {
						if st := snd.send(h, ds[i]); st != http.StatusOK {
							return fmt.Errorf("status %d", st)
						}
						return nil
					}
				})
				run := s.Block
				s.Prep = func(n int) { ds = presign(signer, &next, n); calls.Store(0) }
				s.Block = func(n int) error {
					if err := run(n); err != nil {
						return err
					}
					if got := calls.Load(); got != int64(n) {
						return fmt.Errorf("function called %d times for %d deliveries", got, n)
					}
					return nil
				}
				return s
			}
			var sdkCalls, rawCalls atomic.Int64
			sdkFn := func(context.Context, *partner.WebhookEvent) error { sdkCalls.Add(1); return nil }
			rawFn := func(context.Context, *partner.WebhookEvent) error { rawCalls.Add(1); return nil }
			sdk, err := partner.NewWebhookHandler(signing.NewSecret(benchSecret), sdkFn, func(o *partner.WebhookOptions) { o.Now = now })
			if err != nil {
				b.Fatal(err)
			}
			raw := &rawWebhook{key: []byte(benchSecret), now: now, seen: map[string]bool{}, fn: rawFn}
			pair.Run(b, pair.Config{Procs: mode.cpu, MinOps: 4 * mode.senders},
				mk("sdk", sdk, &sdkCalls), mk("raw", raw, &rawCalls))
		})
	}
}
