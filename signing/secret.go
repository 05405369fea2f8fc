package signing

import (
	"fmt"
	"log/slog"
)

// Redacted is what a Secret prints as, in every format and in logs.
const Redacted = "[redacted]"

// Secret holds a token, key or signing secret. It prints, formats, logs and
// marshals as "[redacted]", so a config value passed to fmt, slog or
// encoding/json never leaks the credential. Reveal returns the real value.
type Secret string

// Reveal returns the secret's real value, for the one place that must send
// or key a MAC with it.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether no secret was set.
func (s Secret) IsZero() bool { return s == "" }

// String implements fmt.Stringer.
func (s Secret) String() string { return Redacted }

// GoString implements fmt.GoStringer, for %#v.
func (s Secret) GoString() string { return `signing.Secret("` + Redacted + `")` }

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
