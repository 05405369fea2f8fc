package jsonx

import (
	"encoding/binary"
	"math/bits"
)

// The scanners below find where a JSON token ends in a body that
// encoding/json has already accepted, so they do not validate: between
// tokens every byte up to ' ' is white space, and a scalar (number, true,
// false, null) ends at the first delimiter. On a body that is not valid
// JSON they still stop at its end without panicking.

// class sorts the bytes the scanners stop at.
var class = [256]uint8{
	',': delim, '}': delim | closer, ']': delim | closer,
	' ': delim, '\t': delim, '\n': delim, '\r': delim,
	'{': opener, '[': opener, '"': quote,
}

const (
	delim  = 1 << iota // ends a scalar
	closer             // ends an object or array
	opener             // starts an object or array
	quote              // starts a string
)

// ws returns the index of the first byte at or after i that is not white
// space.
func ws(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' {
		i++
	}
	return i
}

// skipValue returns the index after the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case class[c]&opener != 0:
		return skipNested(b, i)
	}
	for i < len(b) && class[b[i]]&delim == 0 {
		i++
	}
	return i
}

// skipNested returns the index after the object or array starting at
// b[i], whatever it holds.
func skipNested(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		k := class[b[i]]
		switch {
		case k&quote != 0:
			i = skipString(b, i)
			continue
		case k&opener != 0:
			depth++
		case k&closer != 0:
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return len(b)
}

const (
	ones   = 0x0101010101010101
	highs  = 0x8080808080808080
	quotes = '"' * ones
	slashs = '\\' * ones
)

// skipString returns the index after the string starting at b[i]. It
// looks at eight bytes at a time for a quote or a backslash (the lowest
// byte flagged by the zero-byte test is exact: a false flag can only sit
// above a true one).
func skipString(b []byte, i int) int {
	for i++; i < len(b); {
		if i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			q, s := x^quotes, x^slashs
			m := ((q-ones)&^q | (s-ones)&^s) & highs
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		switch b[i] {
		case '"':
			return i + 1
		case '\\':
			i += 2
		default:
			i++
		}
	}
	return len(b)
}
