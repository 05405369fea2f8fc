package esimstory

import (
	"fmt"
	"io"
)

// Format prints the client as "esimstory.Client{BaseURL: ..., AccessKey:
// ...}" under every verb, with the secret key redacted: the client holds a
// signer keyed with it, and fmt's fallback for a verb a field does not
// support would otherwise walk into it. A value receiver, so a Client
// value is covered as well as a pointer.
func (c Client) Format(f fmt.State, _ rune) {
	if c.opts == nil {
		_, _ = io.WriteString(f, "esimstory.Client(nil)")
		return
	}
	_, _ = fmt.Fprintf(f, "esimstory.Client{BaseURL: %q, AccessKey: %q, SecretKey: [redacted]}", c.opts.BaseURL, c.opts.AccessKey)
}

// Format prints the options with the secret key redacted under every verb.
func (o Options) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "esimstory.Options{BaseURL: %q, Sandbox: %t, AccessKey: %q, SecretKey: [redacted]}", o.BaseURL, o.Sandbox, o.AccessKey)
}
