package benchmarks

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"testing"

	"github.com/simkit/simkit/benchmarks/internal/pair"
	"github.com/simkit/simkit/signing"
)

// bareHMAC is the floor for every scheme: one crypto/hmac computation over
// the already-joined message, hex-encoded, as a hand-written client does it.
func bareHMAC(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// BenchmarkSign compares each signing scheme with bareHMAC over the same
// message.
func BenchmarkSign(b *testing.B) {
	key := []byte(benchSecret)
	s := signing.NewSigner(key)
	const ts = int64(1768478058)
	tss := strconv.FormatInt(ts, 10)
	const ext, iccid, event, idem = "ORD-12345", "8944422711108338982", "order.status_changed", "550e8400-e29b-41d4-a716-446655440000"
	es, err := signing.NewESIMStory(benchAccessKey, signing.NewSecret(base64.StdEncoding.EncodeToString(esimKey)))
	if err != nil {
		b.Fatal(err)
	}
	webhookSig := s.PartnerWebhook(tss, event, idem)
	cases := []struct {
		name     string
		sdk, raw func() bool
	}{
		{"partner-order",
			func() bool { return s.PartnerOrder(ts, benchSKU, ext) != "" },
			func() bool { return bareHMAC(key, strconv.FormatInt(ts, 10)+benchSKU+ext) != "" }},
		{"partner-topup",
			func() bool { return s.PartnerTopup(ts, iccid, ext) != "" },
			func() bool { return bareHMAC(key, strconv.FormatInt(ts, 10)+iccid+ext) != "" }},
		{"partner-webhook-verify",
			func() bool {
				return s.VerifyPartnerWebhook(tss, webhookSig, event, idem, timeAt(ts), signing.PartnerWebhookTolerance) == nil
			},
			func() bool {
				want := bareHMAC(key, tss+event+idem)
				return hmac.Equal([]byte(want), []byte(webhookSig))
			}},
		{"esimstory",
			func() bool { return es.Sign("POST", esimOrdersPath, ts) != "" },
			func() bool {
				return bareHMAC(esimKey, "POST\n"+esimOrdersPath+"\n"+strconv.FormatInt(ts, 10)+"\n"+benchAccessKey) != ""
			}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			wrap := func(fn func() bool) call {
				return func(context.Context) error {
					if !fn() {
						return errors.New("signing failed")
					}
					return nil
				}
			}
			pair.Run(b, pair.Config{}, pair.Serial("sdk", wrap(c.sdk)), pair.Serial("raw", wrap(c.raw)))
		})
	}
}
