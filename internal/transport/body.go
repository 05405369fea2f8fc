package transport

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/go-resty/resty/v2"

	"github.com/simkit/simkit/internal/capped"
)

// readBody reads and closes resp's body, refusing one longer than max with
// resty's own ErrResponseBodyTooLarge. The buffer is sized from
// Content-Length when the server sent it, so a typical answer costs one
// allocation. A gzip body the server sent unasked is decoded (Go's
// transport decodes only what it asked for); its Content-Length is the
// compressed size, so it neither sizes the buffer nor refuses early.
func readBody(resp *http.Response, max int) ([]byte, error) {
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	length := resp.ContentLength
	if !resp.Uncompressed && strings.EqualFold(canonicalGet(resp.Header, "Content-Encoding"), "gzip") && resp.ContentLength != 0 {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r, length = zr, -1
	}
	b, err := capped.Read(r, length, int64(max))
	if errors.Is(err, capped.ErrTooLarge) {
		return nil, resty.ErrResponseBodyTooLarge
	}
	return b, err
}
