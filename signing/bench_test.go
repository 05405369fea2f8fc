package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
)

// The pairs below compare each scheme with one bare crypto/hmac call over
// the same message: the floor a hand-written client would pay.

func BenchmarkBareHMAC(b *testing.B) {
	key := []byte(testSecret)
	msg := []byte("1768478058019bc0dd-8562-7173-afd9-a5cc534fafb7ORD-12345")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m := hmac.New(sha256.New, key)
		m.Write(msg)
		_ = hex.EncodeToString(m.Sum(nil))
	}
}

func BenchmarkPartnerOrder(b *testing.B) {
	s := NewSigner([]byte(testSecret))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = s.PartnerOrder(1768478058, "019bc0dd-8562-7173-afd9-a5cc534fafb7", "ORD-12345")
	}
}

func BenchmarkPartnerTopup(b *testing.B) {
	s := NewSigner([]byte(testSecret))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = s.PartnerTopup(1768478058, "8944422711108338982", "topup-12345")
	}
}

func BenchmarkPartnerWebhookVerify(b *testing.B) {
	s := NewSigner([]byte(testSecret))
	sig := s.PartnerWebhook("1768478058", "order.status_changed", "550e8400-e29b-41d4-a716-446655440000")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if !s.Equal(sig, "1768478058", "order.status_changed", "550e8400-e29b-41d4-a716-446655440000") {
			b.Fatal("mismatch")
		}
	}
}

func BenchmarkESIMStory(b *testing.B) {
	e, err := NewESIMStory("AK123", NewSecret(base64.StdEncoding.EncodeToString([]byte("esim-story-raw-key"))))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = e.Sign("POST", "/api/v1/api_partner/orders", 1768478058)
	}
}
