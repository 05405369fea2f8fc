package partner

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoFmtVerbPrintsSecrets runs every fmt verb over the client, its
// options and an error: none may show the token or partner_secret, in
// clear or hex.
func TestNoFmtVerbPrintsSecrets(t *testing.T) {
	h := newHarness(t)
	h.on(t, "POST", "/orders", 401, "error_unauthorized.json")
	_, err := h.c.CreateOrder(context.Background(), orderParams())
	require.Error(t, err)
	var nilClient *Client
	values := map[string]any{"client": h.c, "options": *h.c.opts, "options pointer": h.c.opts, "error": err, "nil client": nilClient}
	secrets := []string{testToken, testSecret, hex.EncodeToString([]byte(testToken)), hex.EncodeToString([]byte(testSecret)), strings.ToUpper(hex.EncodeToString([]byte(testSecret)))}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%p"} {
			if verb == "%p" && name == "options" {
				// fmt answers %p of a non-pointer before asking any
				// Formatter, printing the fields raw: only a Secret that
				// is not a string underneath can stop that (signing's
				// choice, not this package's).
				continue
			}
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				require.NotContains(t, out, s, "%s %s", name, verb)
			}
		}
	}
	require.Equal(t, `partner.Client{BaseURL: "`+testBase+`", Token: [redacted], Secret: [redacted]}`, fmt.Sprint(h.c))
}
