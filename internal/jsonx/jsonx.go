// Package jsonx holds the lenient JSON decoding every provider needs: the
// providers send numbers as strings ("25", "9.50"), ids as numbers or
// strings, and times in several layouts. One copy here replaces a decoder
// per provider package.
package jsonx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Text returns the text of a JSON string (trimmed), a number's or bool's
// literal text, and "" for null, absent, malformed or structured values.
// It is for fields that are read best-effort, such as error messages.
func Text(raw []byte) string {
	s, err := Scalar(raw)
	if err != nil {
		return ""
	}
	return s
}

// Scalar is Text that reports a structured or malformed value as an error,
// for fields whose decoding must not silently lose data.
func Scalar(raw []byte) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	switch raw[0] {
	case '"':
		s, err := Unquote(raw)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case '{', '[':
		return "", fmt.Errorf("expected a scalar, got %.20s", raw)
	}
	return string(raw), nil
}

// Unquote decodes a JSON string, or null as "", exactly as encoding/json
// decodes it into a Go string. A plain printable-ASCII string without
// escapes (ids, amounts, timestamps: nearly every value the providers
// send) is sliced out directly; encoding/json would validate the value
// again and decode it through reflection, and these values arrive inside
// bodies encoding/json has already checked.
func Unquote(raw []byte) (string, error) {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && plainASCII(raw[1:n-1]) {
		return string(raw[1 : n-1]), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// plainASCII reports whether b holds only printable ASCII other than the
// quote and the backslash: bytes a JSON string holds unchanged.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// String decodes a string, a number (kept exactly as written) or null
// (""). Ids that a provider sends as either use it.
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error {
	v, err := Scalar(b)
	*s = String(v)
	return err
}

// Int decodes a number, a numeric string, "" or null (0). A whole number
// written as "1024.0" is accepted.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	s, err := Scalar(b)
	if err != nil || s == "" {
		*n = 0
		return err
	}
	if v, perr := strconv.ParseInt(s, 10, 64); perr == nil {
		*n = Int(v)
		return nil
	}
	f, perr := strconv.ParseFloat(s, 64)
	if perr != nil || f != float64(int64(f)) {
		return fmt.Errorf("%q is not a whole number", s)
	}
	*n = Int(f)
	return nil
}

// timeLayouts are the layouts the providers use: RFC 3339, Laravel's
// "2023-03-16 14:12:24" (UTC), and plain dates.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
}

// ParseTime reads a time in any of the providers' layouts, or Unix seconds.
// Times without a zone are UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(secs, 0).UTC(), nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}

// Time decodes a time in any layout ParseTime reads; "" and null leave the
// zero time.
type Time time.Time

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	s, err := Scalar(b)
	if err != nil || s == "" {
		*t = Time{}
		return err
	}
	v, err := ParseTime(s)
	*t = Time(v)
	return err
}
