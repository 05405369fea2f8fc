package signing

import (
	"fmt"
	"log/slog"
)

// Redacted is what a Secret prints as, in every format and in logs.
const Redacted = "[redacted]"

// Secret holds a token, key or signing secret. It prints, formats, logs and
// marshals as "[redacted]", so a config value passed to fmt, slog or
// encoding/json never leaks the credential; Reveal returns the real value.
//
// The value sits behind a pointer on purpose: for a verb a type does not
// support (%p on a struct, say) fmt walks fields by reflection without
// calling their Format methods, and a pointer it meets that way is printed
// as an address, never followed. The zero Secret is empty.
type Secret struct{ v *string }

// NewSecret wraps s.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: &s}
}

// Reveal returns the secret's real value, for the one place that must send
// or key a MAC with it.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether no secret was set.
func (s Secret) IsZero() bool { return s.v == nil || *s.v == "" }

// String implements fmt.Stringer.
func (s Secret) String() string { return Redacted }

// GoString implements fmt.GoStringer, for %#v.
func (s Secret) GoString() string { return `signing.NewSecret("` + Redacted + `")` }

// Format implements fmt.Formatter so that every verb (%s, %q, %x, %d...) is
// redacted, not only %v.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(s.GoString()))
		return
	}
	_, _ = f.Write([]byte(Redacted))
}

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalText implements encoding.TextMarshaler, so JSON and YAML encoders
// redact it too.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// UnmarshalText implements encoding.TextUnmarshaler, so a Secret can be
// read from a JSON, YAML or env-decoded configuration file.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = NewSecret(string(b))
	return nil
}
