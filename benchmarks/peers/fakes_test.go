package peers

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit/benchmarks/internal/pair"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

// fakesClients is how many clients load a server at once.
const fakesClients = 64

// server is a mock server running as a child process on one core
// (GOMAXPROCS=1), judged by the CPU time that process spends.
type server struct {
	cmd   *exec.Cmd
	url   string
	admin string // simkit fakes' admin API
	cpu   func() time.Duration
}

// build compiles pkg (a main package pinned by this module's go.mod) into
// the benchmark's temp dir.
func build(b *testing.B, pkg string) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), filepath.Base(pkg))
	out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
	if err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// start runs bin with args on one core and stops it when the benchmark
// ends.
func start(b *testing.B, bin string, args ...string) *exec.Cmd {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	cmd.Stderr = io.Discard
	return cmd
}

func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

// startFakes runs `simkit fakes` with a partner balance that no benchmark
// spends, and returns the Partner fake's base URL.
func startFakes(b *testing.B) *server {
	b.Helper()
	seed := filepath.Join(b.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`{"partner":{"balance":"1000000000000.00"}}`), 0o600); err != nil {
		b.Fatal(err)
	}
	bin := os.Getenv("SIMKIT_FAKES_BIN") // another build of the command, to compare
	if bin == "" {
		bin = build(b, "github.com/simkit/simkit/cmd/simkit")
	}
	cmd := start(b, bin, "fakes", "--seed", seed)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stop(cmd) })
	vars := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		vars[k] = v
		if k == "SIMKIT_FAKES_ADMIN_URL" {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	u := vars["SIMKIT_PARTNER_BASE_URL"]
	if u == "" {
		b.Fatal("simkit fakes printed no SIMKIT_PARTNER_BASE_URL")
	}
	return &server{cmd: cmd, url: u, admin: vars["SIMKIT_FAKES_ADMIN_URL"], cpu: pair.ProcessCPU(cmd.Process.Pid)}
}

// reset puts the fakes back to their seed (stock, orders), untimed between
// blocks: each SKU has a stock of 1000, which a run of orders would use up.
func (s *server) reset() error {
	resp, err := http.Post(s.admin+"/reset", "application/json", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("reset: status %d", resp.StatusCode)
	}
	return nil
}

// startStripeMock runs stripe-mock on a free loopback port.
func startStripeMock(b *testing.B) *server {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	// Its HTTPS listener defaults to port 12112; let the system choose.
	cmd := start(b, build(b, "github.com/stripe/stripe-mock"), "-http-addr", addr, "-https-addr", "127.0.0.1:")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stop(cmd) })
	s := &server{cmd: cmd, url: "http://" + addr, cpu: pair.ProcessCPU(cmd.Process.Pid)}
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(s.url + "/v1/balance")
		if err == nil {
			resp.Body.Close()
			return s
		}
		if time.Now().After(deadline) {
			b.Fatalf("stripe-mock did not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// loadClient is one connection pool the 64 clients share, with a
// connection each, as a load test holds them.
func loadClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 2*fakesClients, 2*fakesClients
	return &http.Client{Transport: t}
}

// request is one request of a side; i numbers it within the run.
type request func(i int) (*http.Request, error)

// seq numbers every request of the run, so each order has a new
// external_id.
var seq atomic.Int64

// side loads one server with fakesClients concurrent clients, each sending
// req and reading the whole answer; it is judged by the server's CPU time
// per request (its requests/s on one core is 1e9 / ns/op).
func side(name string, s *server, hc *http.Client, req request) pair.Side {
	return sideSized(name, s, hc, req, nil)
}

// sideSized is side, storing the size of an answer's body in size.
func sideSized(name string, s *server, hc *http.Client, req request, size *atomic.Int64) pair.Side {
	sd := pair.Parallel(name, fakesClients, func() func(int) error {
		return func(int) error {
			r, err := req(int(seq.Add(1)))
			if err != nil {
				return err
			}
			resp, err := hc.Do(r)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
				return fmt.Errorf("%s %s: status %d: %s", r.Method, r.URL.Path, resp.StatusCode, msg)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			if size != nil {
				size.Store(n)
			}
			return err
		}
	})
	sd.CPU = s.cpu
	return sd
}

// BenchmarkFakes measures `simkit fakes` under load beside stripe-mock,
// Stripe's own published mock server, each a child process on one core
// with 64 concurrent clients: a catalog read (a list page of one product:
// Partner GET /catalog/products?per_page=1; stripe-mock GET
// /v1/products?limit=1, whose fixtures hold one product whatever the
// limit) and an order (Partner POST /orders, signed, each with a new external_id,
// charging a balance; stripe-mock POST /v1/payment_intents). A pair is
// judged by the server's CPU time per request, so the load generator and
// the rest of the machine stay out of it.
func BenchmarkFakes(b *testing.B) {
	fk, sm := startFakes(b), startStripeMock(b)
	hc := loadClient()
	bearer := "Bearer " + simkittest.FakePartnerToken
	signer := signing.NewSigner([]byte(simkittest.FakePartnerSecret))
	run := time.Now().UnixNano()
	// Two SKUs of 1000 each: blocks stay under 2000 orders (see reset).
	skus := []string{simkittest.PartnerSKUVoucher, simkittest.PartnerSKUESIM}

	read := func(i int) (*http.Request, error) {
		r, err := http.NewRequest(http.MethodGet, fk.url+"/catalog/products?per_page=1", nil)
		if err == nil {
			r.Header.Set("Authorization", bearer)
		}
		return r, err
	}
	stripeRead := func(i int) (*http.Request, error) {
		r, err := http.NewRequest(http.MethodGet, sm.url+"/v1/products?limit=1", nil)
		if err == nil {
			r.SetBasicAuth("sk_test_123", "")
		}
		return r, err
	}
	order := func(i int) (*http.Request, error) {
		ext := "bench-" + strconv.FormatInt(run, 36) + "-" + strconv.Itoa(i)
		sku := skus[i%len(skus)]
		body := `{"external_id":"` + ext + `","item":{"sku_id":"` + sku + `","quantity":1}}`
		r, err := http.NewRequest(http.MethodPost, fk.url+"/orders", bytes.NewReader([]byte(body)))
		if err != nil {
			return nil, err
		}
		ts := time.Now().Unix()
		r.Header.Set("Authorization", bearer)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set(signing.HeaderTimestamp, strconv.FormatInt(ts, 10))
		r.Header.Set(signing.HeaderSignature, signer.PartnerOrder(ts, sku, ext))
		return r, nil
	}
	stripeOrder := func(i int) (*http.Request, error) {
		r, err := http.NewRequest(http.MethodPost, sm.url+"/v1/payment_intents",
			strings.NewReader("amount=500&currency=usd&payment_method_types[]=card"))
		if err == nil {
			r.SetBasicAuth("sk_test_123", "")
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		return r, err
	}
	for _, tc := range []struct {
		name         string
		simkit, peer request
		reset        bool
	}{
		{"catalog-read", read, stripeRead, false},
		{"order", order, stripeOrder, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			sizes := map[string]int64{}
			for _, s := range []struct {
				name string
				srv  *server
				req  request
			}{{"simkit", fk, tc.simkit}, {"stripe-mock", sm, tc.peer}} {
				var size atomic.Int64
				pair.MustPass(b, s.name, func(context.Context) error {
					return sideSized(s.name, s.srv, hc, s.req, &size).Block(1)
				})
				sizes[s.name] = size.Load()
			}
			sk := side("simkit", fk, hc, tc.simkit)
			if tc.reset {
				sk.Prep = func(int) {
					if err := fk.reset(); err != nil {
						b.Fatal(err)
					}
				}
			}
			pair.Run(b, pair.Config{MinOps: 4 * fakesClients, Block: 20 * time.Millisecond},
				sk, side("stripe-mock", sm, hc, tc.peer))
			for name, n := range sizes {
				b.ReportMetric(float64(n), name+"-resp-B")
			}
		})
	}
}
