package simkittest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// MatrixProto is how a fault-matrix server speaks to its client.
type MatrixProto string

// The protocols a money call is driven over: a dropped connection looks
// different to the client on each.
const (
	MatrixHTTP1 MatrixProto = "http/1.1"
	MatrixTLS   MatrixProto = "tls"
	MatrixHTTP2 MatrixProto = "http/2"
)

// FaultCase is one row of the standard fault matrix that every money call
// (a buy, a top-up, a payout) is driven through: the failures after which
// a client must neither charge twice nor report an error for work that
// happened.
type FaultCase struct {
	// Name says what fails ("503 after handling").
	Name string
	// Proto is how the server speaks.
	Proto MatrixProto
	// Reused sends the money call on an idle keep-alive connection (the
	// test makes a cheap call first); otherwise on a fresh connection.
	Reused bool
	// Fault is what to inject, once, on the money call's route; the test
	// sets Provider, Method and Path, and may set a provider-shaped Body.
	Fault Fault
	// Timeout is the per-call timeout the row needs (the client must give
	// up on a HangAfterHandling answer); 0 means none.
	Timeout time.Duration
	// RetryAfter is the wait the fault's answer asks for, which a client
	// must honour; 0 when it asks for none.
	RetryAfter time.Duration
}

// Conn names the row's protocol and connection ("tls reused"), for test
// names and tables.
func (c FaultCase) Conn() string {
	if c.Reused {
		return string(c.Proto) + " reused"
	}
	return string(c.Proto) + " fresh"
}

// FaultCases returns the standard fault matrix: a drop after handling over
// each protocol on a fresh and a reused connection; 500, 502, 503 and 504
// before and after handling; 429 with and without Retry-After; a client
// timeout after handling; a malformed and a truncated 2xx. Each provider's
// test adds its own rows (a failing look-up, a definite refusal) and says
// what the caller must get for each.
func FaultCases() []FaultCase {
	var out []FaultCase
	for _, p := range []MatrixProto{MatrixHTTP1, MatrixTLS, MatrixHTTP2} {
		for _, reused := range []bool{false, true} {
			out = append(out, FaultCase{Name: "drop after handling", Proto: p, Reused: reused, Fault: Fault{Kind: DropAfterHandling, Times: 1}})
		}
	}
	one := func(name string, f Fault) FaultCase {
		f.Times = 1
		return FaultCase{Name: name, Proto: MatrixHTTP1, Reused: true, Fault: f}
	}
	for _, st := range []int{500, 502, 503, 504} {
		out = append(out,
			one(fmt.Sprintf("%d before handling", st), Fault{Kind: Status, Status: st}),
			one(fmt.Sprintf("%d after handling", st), Fault{Kind: StatusAfterHandling, Status: st}))
	}
	retryAfter := one("429 with Retry-After: 1", Fault{Kind: Status, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}})
	retryAfter.RetryAfter = time.Second
	hang := one("client timeout after handling", Fault{Kind: HangAfterHandling})
	hang.Timeout = 100 * time.Millisecond
	return append(out,
		one("429 without Retry-After", Fault{Kind: Status, Status: http.StatusTooManyRequests}),
		retryAfter,
		hang,
		one("malformed 2xx", Fault{Kind: MalformedBody}),
		one("truncated 2xx", Fault{Kind: TruncatedBody}))
}

// ServeFaultMatrix serves h over proto until the test ends and returns the
// server and a client transport that trusts it, with a connection pool of
// its own (so the first call opens a fresh connection).
func ServeFaultMatrix(t testing.TB, proto MatrixProto, h http.Handler) (*httptest.Server, *http.Transport) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	switch proto {
	case MatrixTLS:
		srv.StartTLS()
	case MatrixHTTP2:
		srv.EnableHTTP2 = true
		srv.StartTLS()
	default:
		srv.Start()
	}
	t.Cleanup(srv.Close)
	rt := srv.Client().Transport.(*http.Transport).Clone()
	rt.ForceAttemptHTTP2 = proto == MatrixHTTP2
	t.Cleanup(rt.CloseIdleConnections)
	return srv, rt
}

// FaultTable formats a fault matrix's rows as columns under header, each
// as wide as its widest cell, for t.Log.
func FaultTable(header []string, rows [][]string) string {
	width := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			if i < len(width) && len(c) > width[i] {
				width[i] = len(c)
			}
		}
	}
	var b strings.Builder
	b.WriteString("\n")
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			if i > 0 {
				b.WriteString(" | ")
			}
			if i == len(r)-1 {
				b.WriteString(c)
			} else {
				fmt.Fprintf(&b, "%-*s", width[i], c)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
