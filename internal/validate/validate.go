// Package validate checks caller input before any request is sent, so a bad
// ICCID or an empty id never reaches a provider (or moves money).
package validate

import (
	"strings"

	"github.com/simkit/simkit/apierror"
	"unicode"
	"unicode/utf8"
)

// ICCID reports whether s is 17 to 22 ASCII digits (Airalo's own sandbox
// ICCIDs have 17). The Luhn check digit is deliberately not enforced:
// providers' own sample ICCIDs fail it.
func ICCID(s string) bool {
	if len(s) < 17 || len(s) > 22 {
		return false
	}
	return Digits(s)
}

// CheckICCID refuses an ICCID that is not 17 to 22 digits with the one
// wording every provider uses (ErrValidation, labelled provider and op);
// the message never repeats the ICCID, which is customer data.
func CheckICCID(provider, op, iccid string) error {
	if !ICCID(iccid) {
		return apierror.Validation(provider, op, "ICCID must be 17 to 22 digits")
	}
	return nil
}

// Digits reports whether s is non-empty and all ASCII digits.
func Digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Luhn reports whether s (all digits) passes the Luhn checksum.
func Luhn(s string) bool {
	if !Digits(s) {
		return false
	}
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// UUID reports whether s is a canonical 8-4-4-4-12 hex UUID (any version).
func UUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// Email reports whether s looks like one address: local@domain.tld, no
// spaces, no second @. It is a sanity check, not RFC 5322.
func Email(s string) bool {
	if len(s) < 6 || len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>,;") {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at < 1 || at != strings.LastIndexByte(s, '@') {
		return false
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-2
}

// Blank reports whether s is empty or only white space.
func Blank(s string) bool { return strings.TrimSpace(s) == "" }

// MaxID bounds caller-chosen ids (external ids, references): providers
// store them in short columns, and a megabyte id is a bug, not an order.
const MaxID = 255

// ID reports why s is not acceptable as a caller-chosen id or reference,
// or "" when it is: not blank, at most MaxID bytes, valid UTF-8 and free of
// control characters (which break signatures, logs and look-ups).
func ID(s string) string {
	switch {
	case Blank(s):
		return "is required"
	case len(s) > MaxID:
		return "must be at most 255 bytes"
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	case hasControl(s):
		return "must not contain control characters"
	}
	return ""
}

// MaxSegment bounds one URL path segment taken from caller input.
const MaxSegment = 64

// Segment reports why s is not acceptable as one URL path segment built
// from caller input (a country, product or operator name), or "" when it
// is: not blank, at most MaxSegment bytes, no "/", no control characters.
func Segment(s string) string {
	switch {
	case Blank(s):
		return "is required"
	case len(s) > MaxSegment:
		return "must be at most 64 bytes"
	case strings.ContainsAny(s, "/\\?#%"):
		return "must not contain /, \\, ?, # or %"
	case !utf8.ValidString(s) || hasControl(s):
		return "must not contain control characters"
	}
	return ""
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// Padded reports whether s starts or ends with white space (Unicode, plus
// the zero-width characters Laravel also strips). Providers built on
// Laravel trim every input (its TrimStrings middleware), so an id sent
// padded is stored without the padding and an exact-match look-up by the
// id as given never finds it again.
func Padded(s string) bool {
	return strings.TrimFunc(s, padding) != s
}

func padding(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' || r == '\u200E'
}
