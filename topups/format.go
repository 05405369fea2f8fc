package topups

import (
	"fmt"
	"io"
)

// Format prints the client as "topups.Client{BaseURL: ..., ClientID: ...}"
// under every verb. The client holds the OAuth secret and the renewal key
// (in a prepared Authorization header), and fmt would otherwise walk its
// unexported fields past the secrets' own redaction.
//
// A value receiver, so a Client value is covered as well as a pointer.
func (c Client) Format(f fmt.State, _ rune) {
	if c.opts == nil {
		_, _ = io.WriteString(f, "topups.Client(nil)")
		return
	}
	_, _ = fmt.Fprintf(f, "topups.Client{BaseURL: %q, ClientID: %q, Renewal: %t}", c.opts.BaseURL, c.opts.ClientID, c.renewal != nil)
}

// Format prints the options' addresses and ids under every verb, with the
// secret and the renewal key redacted: fmt's error path for a verb a field
// does not support (%p, %d) would otherwise print them raw.
func (o Options) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "topups.Options{BaseURL: %q, ClientID: %q, ClientSecret: %s, RenewalBaseURL: %q, RenewalKey: %s}",
		o.BaseURL, o.ClientID, o.ClientSecret, o.RenewalBaseURL, o.RenewalKey)
}
