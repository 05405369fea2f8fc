package signing

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

const testSecret = "partner-secret-for-tests"

// reference computes the MAC with crypto/hmac directly, independently of
// Signer, so a bug in the pooled path cannot hide behind itself.
func reference(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func TestPartnerSchemesUseSeedMessages(t *testing.T) {
	s := NewSigner([]byte(testSecret))
	tests := []struct {
		name string
		got  string
		msg  string
	}{
		{"order (seed example)", s.PartnerOrder(1768478058, "019bc0dd-8562-7173-afd9-a5cc534fafb7", "ORD-12345"),
			"1768478058019bc0dd-8562-7173-afd9-a5cc534fafb7ORD-12345"},
		{"top-up (seed example)", s.PartnerTopup(1768478058, "8944422711108338982", "topup-12345"),
			"17684780588944422711108338982topup-12345"},
		{"webhook", s.PartnerWebhook("1768478058", "order.status_changed", "550e8400-e29b-41d4-a716-446655440000"),
			"1768478058order.status_changed550e8400-e29b-41d4-a716-446655440000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, reference([]byte(testSecret), tt.msg), tt.got)
			require.Len(t, tt.got, 64)
			require.Equal(t, strings.ToLower(tt.got), tt.got, "lowercase hex")
		})
	}
}

func TestSignerIsSafeForConcurrentUse(t *testing.T) {
	s := NewSigner([]byte(testSecret))
	want := reference([]byte(testSecret), "abc")
	done := make(chan string, 64)
	for i := 0; i < 64; i++ {
		go func() { done <- s.Sign("a", "b", "c") }()
	}
	for i := 0; i < 64; i++ {
		require.Equal(t, want, <-done)
	}
	long := strings.Repeat("x", 10000) // larger than the pooled buffer keeps
	require.Equal(t, reference([]byte(testSecret), long), s.Sign(long))
}

func TestEqual(t *testing.T) {
	s := NewSigner([]byte(testSecret))
	sig := s.Sign("hello")
	require.True(t, s.Equal(sig, "hello"))
	require.True(t, s.Equal(strings.ToUpper(sig), "hello"), "upper-case hex accepted")
	require.False(t, s.Equal(sig, "hell", "o!"))
	require.False(t, s.Equal(sig[:63], "hello"))
	require.False(t, s.Equal("", "hello"))
	require.False(t, NewSigner([]byte("other")).Equal(sig, "hello"))
}

func TestESIMStorySignature(t *testing.T) {
	key := []byte("esim-story-raw-key-32-bytes-long!")
	b64 := NewSecret(base64.StdEncoding.EncodeToString(key))
	e, err := NewESIMStory("AK123", b64)
	require.NoError(t, err)
	want := reference(key, "POST\n/api/v1/api_partner/orders\n1768478058\nAK123")
	require.Equal(t, want, e.Sign("POST", "/api/v1/api_partner/orders", 1768478058))
	require.True(t, e.Verify(want, "POST", "/api/v1/api_partner/orders", 1768478058))
	require.False(t, e.Verify(want, "POST", "/api/v1/api_partner/orders", 1768478059))

	h := http.Header{}
	h.Set(HeaderESIMStorySignature, "stale")
	e.SetHeaders(h, "POST", "/api/v1/api_partner/orders", time.Unix(1768478058, 0))
	require.Len(t, h.Values(HeaderESIMStorySignature), 1, "a retry replaces the signature")
	require.Equal(t, "AK123", h.Get(HeaderESIMStoryAccessKey))
	require.Equal(t, "1768478058", h.Get(HeaderESIMStoryTimestamp))
	require.Equal(t, want, h.Get(HeaderESIMStorySignature))

	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		e2, err := NewESIMStory("AK123", NewSecret(enc.EncodeToString(key)))
		require.NoError(t, err)
		require.Equal(t, want, e2.Sign("POST", "/api/v1/api_partner/orders", 1768478058))
	}
	for _, bad := range []Secret{NewSecret(""), NewSecret("not base64 at all!"), NewSecret("%%%")} {
		_, err := NewESIMStory("AK123", bad)
		require.ErrorIs(t, err, ErrBadKey)
	}
}

func TestCheckTimestamp(t *testing.T) {
	now := time.Unix(1768478058, 0)
	const unlimited = time.Duration(math.MaxInt64)
	tests := []struct {
		name      string
		header    string
		tolerance time.Duration // 0: PartnerWebhookTolerance
		want      error
	}{
		{"now", "1768478058", 0, nil},
		{"4m59s old", fmt.Sprint(now.Add(-299 * time.Second).Unix()), 0, nil},
		{"exactly 5m old", fmt.Sprint(now.Add(-5 * time.Minute).Unix()), 0, nil},
		{"exactly 5m in the future", fmt.Sprint(now.Add(5 * time.Minute).Unix()), 0, nil},
		{"6m old", fmt.Sprint(now.Add(-6 * time.Minute).Unix()), 0, apierror.ErrTimestampOutOfRange},
		{"6m in the future", fmt.Sprint(now.Add(6 * time.Minute).Unix()), 0, apierror.ErrTimestampOutOfRange},
		{"empty", "", 0, apierror.ErrSignature},
		{"not a number", "12a", 0, apierror.ErrSignature},
		{"huge", "999999999999999999", 0, apierror.ErrTimestampOutOfRange},
		{"negative huge", "-999999999999999999", 0, apierror.ErrTimestampOutOfRange},
		// A time no clock shows is refused even when the caller accepts
		// any skew: time.Duration would saturate and call it in range.
		{"negative huge, unlimited tolerance", "-999999999999999999", unlimited, apierror.ErrTimestampOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tol := cmp.Or(tt.tolerance, PartnerWebhookTolerance)
			ts, err := CheckTimestamp(tt.header, now, tol)
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, tt.header, fmt.Sprint(ts), "the parsed timestamp is returned")
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestVerifyPartnerWebhook(t *testing.T) {
	s := NewSigner([]byte(testSecret))
	now := time.Unix(1768478058, 0)
	event, key := "order.status_changed", "550e8400-e29b-41d4-a716-446655440000"
	signedAt := func(at time.Time) (string, string) {
		h := s.PartnerWebhookHeaders(at, event, key)
		return h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	}
	ts, sig := signedAt(now)
	oldTS, oldSig := signedAt(now.Add(-6 * time.Minute))
	futTS, futSig := signedAt(now.Add(6 * time.Minute))
	tests := []struct {
		name    string
		ts, sig string
		event   string
		want    error
	}{
		{"valid", ts, sig, event, nil},
		{"6 minutes old", oldTS, oldSig, event, apierror.ErrTimestampOutOfRange},
		{"6 minutes in the future", futTS, futSig, event, apierror.ErrTimestampOutOfRange},
		{"tampered event", ts, sig, "order.created", apierror.ErrSignature},
		{"missing signature", ts, "", event, apierror.ErrSignature},
		{"missing timestamp", "", sig, event, apierror.ErrSignature},
		{"signature for another timestamp", fmt.Sprint(now.Unix() + 1), sig, event, apierror.ErrSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.VerifyPartnerWebhook(tt.ts, tt.sig, tt.event, key, now, PartnerWebhookTolerance)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.NotContains(t, err.Error(), testSecret)
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, "partner", ae.Provider, "every refusal names the provider")
		})
	}
}

func TestSecretIsRedactedEverywhere(t *testing.T) {
	const raw = "sk_live_DO_NOT_LEAK"
	s := NewSecret(raw)
	type config struct {
		Token  Secret
		Nested struct{ Key Secret }
	}
	c := config{Token: s}
	c.Nested.Key = s
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("cfg", "token", s, "cfg", c)
	js, err := json.Marshal(c)
	require.NoError(t, err)
	outputs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %d", s, s, s, s, s, s, s),
		fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", &c),
		logs.String(), string(js), s.String(), s.GoString(),
	}
	for _, out := range outputs {
		require.NotContains(t, out, raw)
	}
	require.Contains(t, fmt.Sprint(s), Redacted)
	require.Equal(t, raw, s.Reveal())
	require.False(t, s.IsZero())
	require.True(t, NewSecret("").IsZero())
}

// FuzzVerifyPartnerWebhook feeds the verifier arbitrary headers and bodies:
// it must never panic, and it may accept only a correctly signed, fresh
// message.
func FuzzVerifyPartnerWebhook(f *testing.F) {
	s := NewSigner([]byte(testSecret))
	now := time.Unix(1768478058, 0)
	f.Add("1768478058", s.PartnerWebhook("1768478058", "order.status_changed", "k"), []byte(`{"event":"order.status_changed","idempotency_key":"k"}`))
	f.Add("", "", []byte(``))
	f.Add("-1", "zz", []byte(`{"event":1}`))
	f.Add("99999999999999999999", strings.Repeat("a", 64), []byte(`{}`))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		var head struct {
			Event          string `json:"event"`
			IdempotencyKey string `json:"idempotency_key"`
		}
		_ = json.Unmarshal(body, &head)
		err := s.VerifyPartnerWebhook(ts, sig, head.Event, head.IdempotencyKey, now, PartnerWebhookTolerance)
		if err == nil {
			// Accepted: it must really be a fresh, correct signature.
			require.Equal(t, reference([]byte(testSecret), ts+head.Event+head.IdempotencyKey), strings.ToLower(sig))
			_, terr := CheckTimestamp(ts, now, PartnerWebhookTolerance)
			require.NoError(t, terr)
		}
	})
}
