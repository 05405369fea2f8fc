package fleet

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
)

// webhookNow is the fixed clock handlers check X-Timestamp against;
// webhookSecret signs the deliveries.
const (
	webhookNow    = int64(1768481903)
	webhookSecret = "partner-secret-0123456789abcdef"
)

// delivery is one pre-signed Partner webhook: only the idempotency key and
// the signature differ between deliveries.
type delivery struct{ key, sig string }

// webhookBody splits the SDK's own fixture around its idempotency_key.
func webhookBody(tb testing.TB) (prefix, suffix []byte) {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "partner", "webhook_order_status_changed.json"))
	if err != nil {
		tb.Fatal(err)
	}
	const key = "550e8400-e29b-41d4-a716-446655440000"
	i := bytes.Index(raw, []byte(key))
	if i < 0 {
		tb.Fatal("fixture has no idempotency_key")
	}
	return raw[:i], raw[i+len(key):]
}

// presign signs n deliveries with keys never used before by next.
func presign(s *signing.Signer, next *int, n int) []delivery {
	ts := strconv.FormatInt(webhookNow, 10)
	out := make([]delivery, n)
	for i := range out {
		k := fmt.Sprintf("00000000-0000-4000-8000-%012d", *next)
		*next++
		out[i] = delivery{key: k, sig: s.PartnerWebhook(ts, partner.EventOrderStatusChanged, k)}
	}
	return out
}

// sender replays deliveries through a handler without sockets, reusing
// its request, body and response writer: what is measured is the handler.
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
