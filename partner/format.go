package partner

import (
	"fmt"
	"io"

	"github.com/simkit/simkit/signing"
)

// Format prints the options with the token and partner_secret redacted
// whatever the verb: fmt's fallback for a verb a type does not support
// would otherwise print Token and Secret without asking them.
func (o Options) Format(f fmt.State, verb rune) {
	_, _ = fmt.Fprintf(f, "partner.Options{BaseURL: %q, Token: %s, Secret: %s}", o.BaseURL, signing.Redacted, signing.Redacted)
}

// Format prints the client as partner.Client{BaseURL: ...} whatever the
// verb, so no fmt verb (%s, %q, %x, %+v, ...) can walk into the fields
// that hold the token and partner_secret. A value receiver, so a Client
// value is covered as well as a pointer.
func (c Client) Format(f fmt.State, verb rune) {
	if c.opts == nil {
		_, _ = io.WriteString(f, "partner.Client(nil)")
		return
	}
	_, _ = fmt.Fprintf(f, "partner.Client{BaseURL: %q, Token: %s, Secret: %s}", c.opts.BaseURL, signing.Redacted, signing.Redacted)
}
