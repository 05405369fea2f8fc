package signing

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// ErrBadKey is returned when an eSIM Story secret key is not valid base64.
var ErrBadKey = errors.New("signing: eSIM Story secret key is not valid base64")

// ESIMStory signs eSIM Story requests: hex HMAC-SHA256, keyed with the
// base64-decoded secret key, over METHOD\nPATH\nTIMESTAMP\nACCESS_KEY.
type ESIMStory struct {
	signer    *Signer
	accessKey string
}

// NewESIMStory decodes the base64 secret key (standard or URL alphabet,
// padded or not) and returns a signer for accessKey.
func NewESIMStory(accessKey string, secretKeyBase64 Secret) (*ESIMStory, error) {
	key, err := decodeBase64(secretKeyBase64.Reveal())
	if err != nil || len(key) == 0 {
		return nil, ErrBadKey
	}
	return &ESIMStory{signer: NewSigner(key), accessKey: accessKey}, nil
}

// Sign returns the X-Esim-Story-Signature for method and path (the full
// request path with the /api prefix, no host, no query) at Unix time ts.
func (e *ESIMStory) Sign(method, path string, ts int64) string {
	return e.signer.Sign(method, "\n", path, "\n", strconv.FormatInt(ts, 10), "\n", e.accessKey)
}

// Verify reports, in constant time, whether sig signs method, path and ts;
// it serves fakes and tests that check what a client sent.
func (e *ESIMStory) Verify(sig, method, path string, ts int64) bool {
	return e.signer.Equal(sig, method, "\n", path, "\n", strconv.FormatInt(ts, 10), "\n", e.accessKey)
}

func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, ErrBadKey
}

// SetHeaders writes the three eSIM Story auth headers into h with Set, so a
// retried attempt replaces, not appends, the previous signature.
func (e *ESIMStory) SetHeaders(h http.Header, method, path string, t time.Time) {
	ts := t.Unix()
	h.Set(HeaderESIMStoryAccessKey, e.accessKey)
	h.Set(HeaderESIMStoryTimestamp, strconv.FormatInt(ts, 10))
	h.Set(HeaderESIMStorySignature, e.Sign(method, path, ts))
}
