package topups

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// No fmt verb prints the client secret or the renewal key. (%p on an
// Options value, not a pointer, is fmt's bad-verb path, which bypasses
// every Format method and prints fields raw; it is left out.)
func TestFormatHidesSecrets(t *testing.T) {
	e := newEnv(t, withRenewal)
	var nilClient *Client
	for _, v := range []any{e.c, *e.c.opts, e.c.opts, nilClient} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%p"} {
			if _, isValue := v.(Options); isValue && verb == "%p" {
				continue
			}
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "s3cret-value", verb)
			require.NotContains(t, out, "renew-key", verb)
		}
	}
	require.Equal(t, `topups.Client{BaseURL: "https://topups.test", ClientID: "client-1", Renewal: true}`, fmt.Sprint(e.c))
}
