package partner

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/simkit/simkit/internal/jsonx"
)

// Stock is a SKU's availability. The docs do not fix its shape, so it is
// read from a count (12), a numeric string ("12"), a boolean or a status
// word ("in_stock"); Raw keeps what the server sent.
type Stock struct {
	// Count is the units available when the server sent a number.
	Count *int
	// Available is true when the SKU can be ordered now.
	Available bool
	// Raw is the value as sent ("" for null or absent).
	Raw string
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Stock) UnmarshalJSON(b []byte) error {
	*s = Stock{}
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s.Raw = jsonx.Text(b)
	if b[0] == '{' || b[0] == '[' {
		s.Raw = string(b)
		return nil
	}
	if n, err := strconv.Atoi(s.Raw); err == nil {
		s.Count = &n
		s.Available = n > 0
		return nil
	}
	switch strings.ToLower(s.Raw) {
	case "true", "in_stock", "available", "yes", "unlimited":
		s.Available = true
	}
	return nil
}

// MarshalJSON writes the value as it was received, so a Stock round-trips.
func (s Stock) MarshalJSON() ([]byte, error) {
	if s.Raw == "" {
		return []byte("null"), nil
	}
	if s.Count != nil || s.Raw == "true" || s.Raw == "false" || json.Valid([]byte(s.Raw)) && (s.Raw[0] == '{' || s.Raw[0] == '[') {
		return []byte(s.Raw), nil
	}
	return json.Marshal(s.Raw)
}
