// Package capped reads bodies under a size cap: the provider answers the
// transport reads and the webhook deliveries the handlers read, so a
// misbehaving peer cannot make simkit hold more than the cap in memory.
package capped

import (
	"errors"
	"io"
)

// ErrTooLarge is returned by Read for a body over the cap.
var ErrTooLarge = errors.New("body too large")

// Read reads r to its end, refusing a body longer than max bytes with
// ErrTooLarge without reading more than max+1 of it. length is the size
// the sender declared (Content-Length; <= 0 when unknown): a declared size
// over max is refused before reading, and one within it sizes the buffer
// once (+1 so the read that meets EOF needs no growth) instead of
// io.ReadAll's doubling from 512 bytes. A wrong declaration only costs
// growth: the body is read as it is.
func Read(r io.Reader, length, max int64) ([]byte, error) {
	if length > max {
		return nil, ErrTooLarge
	}
	size := int64(512)
	if length > 0 {
		size = length + 1
	}
	b := make([]byte, 0, size)
	lr := io.LimitReader(r, max+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			return nil, ErrTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
