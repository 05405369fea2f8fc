package transport

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"

	"github.com/go-resty/resty/v2"
)

// readBody reads and closes resp's body, refusing one longer than max with
// resty's own ErrResponseBodyTooLarge. The buffer is sized from
// Content-Length when the server sent it, so a typical answer costs one
// allocation. A gzip body the server sent unasked is decoded (Go's
// transport decodes only what it asked for).
func readBody(resp *http.Response, max int) ([]byte, error) {
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if !resp.Uncompressed && strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") && resp.ContentLength != 0 {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	size := 512
	if n := resp.ContentLength; n > 0 && n <= int64(max) && r == resp.Body {
		size = int(n) + 1 // +1 so the final Read sees EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > max {
			return nil, resty.ErrResponseBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
