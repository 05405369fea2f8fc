package topups

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The API is loose about JSON types: numbers arrive as strings ("25",
// "9.50"), ids as numbers or strings, times in several layouts. These
// decoders accept every form seen so users get one typed field.

// flexInt decodes a number, a numeric string, "" or null.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil || s == "" {
		*f = 0
		return err
	}
	if n, perr := strconv.ParseInt(s, 10, 64); perr == nil {
		*f = flexInt(n)
		return nil
	}
	// A whole number sent as "1024.0" or 1024.0.
	fl, perr := strconv.ParseFloat(s, 64)
	if perr != nil {
		return fmt.Errorf("topups: %q is not a number", s)
	}
	*f = flexInt(fl)
	return nil
}

// flexString decodes a string, a number (kept as written) or null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	*f = flexString(s)
	return err
}

// scalarText returns the text of a JSON string, number or bool ("" for null).
func scalarText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return "", nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	}
	if b[0] == '{' || b[0] == '[' {
		return "", fmt.Errorf("topups: expected a scalar, got %.20s", b)
	}
	return string(b), nil
}

// timeLayouts are the layouts the API uses: RFC 3339 ("2023-01-09T10:30:45+00:00")
// and Laravel's "2023-03-16 14:12:24" (UTC).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

// flexTime decodes a time in any of timeLayouts, Unix seconds, "" or null.
type flexTime time.Time

func (f *flexTime) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil || s == "" {
		*f = flexTime{}
		return err
	}
	t, err := parseTime(s)
	*f = flexTime(t)
	return err
}

func parseTime(s string) (time.Time, error) {
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(secs, 0).UTC(), nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("topups: unrecognised time %q", s)
}
