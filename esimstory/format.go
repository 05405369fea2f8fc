package esimstory

import (
	"fmt"
	"io"

	"github.com/simkit/simkit/signing"
)

// Format prints the client as "esimstory.Client{BaseURL: ...}" under every
// verb, with the access key and the secret key redacted: the client holds
// a signer keyed with the secret, and fmt's fallback for a verb a field
// does not support would otherwise walk into it. The access key is
// redacted too, as recordings and logs redact it: one rule for every
// credential the provider issues. A value receiver, so a Client value is
// covered as well as a pointer.
func (c Client) Format(f fmt.State, _ rune) {
	if c.opts == nil {
		_, _ = io.WriteString(f, "esimstory.Client(nil)")
		return
	}
	_, _ = fmt.Fprintf(f, "esimstory.Client{BaseURL: %q, AccessKey: %s, SecretKey: %s}", c.opts.BaseURL, signing.Redacted, signing.Redacted)
}

// Format prints the options with the access key and the secret key
// redacted under every verb.
func (o Options) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "esimstory.Options{BaseURL: %q, Sandbox: %t, AccessKey: %s, SecretKey: %s}", o.BaseURL, o.Sandbox, signing.Redacted, signing.Redacted)
}
