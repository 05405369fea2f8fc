package smsnumbers

import (
	"fmt"
	"io"
)

// Format prints the client as "smsnumbers.Client{Token: [redacted]}" under
// every verb. The client keeps a prepared Authorization header, and fmt's
// fallback for a verb a field does not support (%s, %d, %x on a struct)
// would otherwise walk into it. A value receiver, so a Client value is
// covered as well as a pointer.
func (c Client) Format(f fmt.State, _ rune) {
	if c.t == nil {
		_, _ = io.WriteString(f, "smsnumbers.Client(nil)")
		return
	}
	_, _ = io.WriteString(f, "smsnumbers.Client{Token: [redacted]}")
}

// Format prints the options with the token redacted under every verb.
func (o Options) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "smsnumbers.Options{BaseURL: %q, Token: [redacted]}", o.BaseURL)
}
