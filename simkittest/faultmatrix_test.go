package simkittest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The standard matrix holds every row the money-safety list names, once.
func TestFaultCases(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range FaultCases() {
		require.False(t, seen[c.Name+c.Conn()], "duplicate row %s %s", c.Name, c.Conn())
		seen[c.Name+c.Conn()] = true
		require.Equal(t, 1, c.Fault.Times, c.Name)
		require.Equal(t, c.Fault.Kind == HangAfterHandling, c.Timeout > 0, "%s: a hang needs a client timeout", c.Name)
	}
	for _, want := range []string{
		"drop after handling" + "http/1.1 fresh", "drop after handling" + "http/1.1 reused",
		"drop after handling" + "tls fresh", "drop after handling" + "tls reused",
		"drop after handling" + "http/2 fresh", "drop after handling" + "http/2 reused",
		"500 before handling" + "http/1.1 reused", "504 after handling" + "http/1.1 reused",
		"429 without Retry-After" + "http/1.1 reused", "429 with Retry-After: 1" + "http/1.1 reused",
		"client timeout after handling" + "http/1.1 reused",
		"malformed 2xx" + "http/1.1 reused", "truncated 2xx" + "http/1.1 reused",
	} {
		require.True(t, seen[want], want)
	}
}

// ServeFaultMatrix speaks the protocol it is asked for.
func TestServeFaultMatrix(t *testing.T) {
	for _, tc := range []struct {
		proto   MatrixProto
		wireTLS bool
		major   int
	}{{MatrixHTTP1, false, 1}, {MatrixTLS, true, 1}, {MatrixHTTP2, true, 2}} {
		t.Run(string(tc.proto), func(t *testing.T) {
			srv, rt := ServeFaultMatrix(t, tc.proto, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusTeapot)
			}))
			resp, err := (&http.Client{Transport: rt}).Get(srv.URL)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, http.StatusTeapot, resp.StatusCode)
			require.Equal(t, tc.wireTLS, resp.TLS != nil)
			require.Equal(t, tc.major, resp.ProtoMajor)
		})
	}
}

func TestFaultTable(t *testing.T) {
	got := FaultTable([]string{"call", "fault", "got"}, [][]string{{"Buy", "drop after handling", "ok"}, {"CreateOrder", "429", "rate limited"}})
	require.Equal(t, "\n"+
		"call        | fault               | got\n"+
		"Buy         | drop after handling | ok\n"+
		"CreateOrder | 429                 | rate limited\n", got)
}
