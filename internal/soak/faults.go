package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// callHeader tags every request of one money call, so the wire record can
// say which call's request created which order.
const callHeader = "X-Soak-Call"

// keyHeader carries the external id or reference of a keyed money call.
const keyHeader = "X-Soak-Key"

// fault is what the injector does to one request.
type fault int

const (
	none fault = iota
	dropBefore
	status500Before
	status502Before
	status503Before
	rate429
	dropAfter
	status500After
	slowAnswer
	truncated
	malformed
	nFaults
)

var faultNames = [...]string{"none", "drop before handling", "500 before handling", "502 before handling", "503 before handling",
	"429 Retry-After", "drop after handling", "500 after handling", "answer slower than client timeout", "truncated 2xx", "malformed 2xx"}

// injector is a client-side RoundTripper that hits a seeded share of
// requests with a fault: some before the fake sees them (nothing happened),
// some after the fake handled them (the work was done, the answer is lost
// or unreadable). It records what the fakes created, per call.
type injector struct {
	next http.RoundTripper
	// wg tracks requests still being answered after their client gave up.
	wg   sync.WaitGroup
	rate atomic.Int64 // per million

	mu     sync.Mutex
	rng    *rand.Rand
	counts [nFaults]int
	total  int
	// late counts answers the fake gave well after their client gave up.
	late int
	// smsCreated maps a call id to the SMS orders its requests created.
	smsCreated map[string][]int64
	// smsAt is when the fake's answer creating an SMS order was seen.
	smsAt map[string]time.Time
	// created counts, per kind and key (external id, reference), the
	// orders the fakes created answering 2xx.
	created map[string]map[string]int
	// withdrawals counts handled payouts per call.
	withdrawals map[string]int
}

func newInjector(next http.RoundTripper, seed int64, rate float64) *injector {
	in := &injector{
		next: next, rng: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x5eed)),
		smsCreated: map[string][]int64{}, smsAt: map[string]time.Time{}, created: map[string]map[string]int{}, withdrawals: map[string]int{},
	}
	in.setRate(rate)
	return in
}

func (in *injector) setRate(r float64) { in.rate.Store(int64(r * 1e6)) }

func (in *injector) pick() fault {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.total++
	f := none
	if in.rng.Int64N(1_000_000) < in.rate.Load() {
		f = fault(1 + in.rng.IntN(int(nFaults)-1))
	}
	in.counts[f]++
	return f
}

func synth(r *http.Request, status int, body string, h http.Header) *http.Response {
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "text/plain")
	return &http.Response{StatusCode: status, Status: strconv.Itoa(status) + " " + http.StatusText(status), Header: h,
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

var errReset = errors.New("soak: connection reset by peer")

func (in *injector) RoundTrip(r *http.Request) (*http.Response, error) {
	f := in.pick()
	switch f {
	case dropBefore:
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, errReset
	case status500Before, status502Before, status503Before:
		if r.Body != nil {
			r.Body.Close()
		}
		code := map[fault]int{status500Before: 500, status502Before: 502, status503Before: 503}[f]
		return synth(r, code, "", nil), nil
	case rate429:
		if r.Body != nil {
			r.Body.Close()
		}
		return synth(r, http.StatusTooManyRequests, "", http.Header{"Retry-After": {"1"}}), nil
	}
	// The fake handles the request to the end even when the client gives
	// up first (as a provider does), so what it created is always seen.
	type answer struct {
		resp *http.Response
		body []byte
		err  error
	}
	done := make(chan answer, 1)
	in.wg.Add(1)
	go func() {
		defer in.wg.Done()
		resp, err := in.next.RoundTrip(r.WithContext(context.WithoutCancel(r.Context())))
		if err != nil {
			done <- answer{err: err}
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			in.observe(r, resp.StatusCode, body)
		}
		done <- answer{resp, body, err}
	}()
	var a answer
	select {
	case a = <-done:
	case <-r.Context().Done():
		gaveUp := time.Now()
		in.wg.Add(1)
		go func() {
			defer in.wg.Done()
			// How long after its client gave up the fake answered: a
			// request handled later than the settle allowance is outside
			// every window, which no settling can attribute.
			a := <-done
			if f != slowAnswer && a.err == nil && time.Since(gaveUp) > 50*time.Millisecond {
				in.mu.Lock()
				in.late++
				in.mu.Unlock()
			}
		}()
		return nil, r.Context().Err()
	}
	if a.err != nil {
		return nil, a.err
	}
	resp, body := a.resp, a.body
	ok2xx := resp.StatusCode >= 200 && resp.StatusCode < 300
	switch {
	case f == dropAfter:
		return nil, errReset
	case f == status500After:
		return synth(r, 500, `{"error":"internal"}`, nil), nil
	case f == slowAnswer:
		<-r.Context().Done()
		return nil, r.Context().Err()
	case f == truncated && ok2xx && len(body) > 1:
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:len(body)/2]), errReader{}))
		return resp, nil
	case f == malformed && ok2xx:
		resp.Body = io.NopCloser(strings.NewReader(`{"id": `))
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// observe records what a request the fake handled created.
func (in *injector) observe(r *http.Request, status int, body []byte) {
	if status < 200 || status >= 300 || r.Method == http.MethodGet && !strings.Contains(r.URL.Path, "/buy/") && !strings.Contains(r.URL.Path, "/reuse/") {
		return
	}
	call := r.Header.Get(callHeader)
	p := r.URL.Path
	in.mu.Lock()
	defer in.mu.Unlock()
	add := func(kind, key string) {
		if in.created[kind] == nil {
			in.created[kind] = map[string]int{}
		}
		in.created[kind][key]++
	}
	switch {
	case strings.Contains(p, "/v1/user/buy/") || strings.Contains(p, "/v1/user/reuse/"):
		var o struct {
			ID int64 `json:"id"`
		}
		if json.Unmarshal(body, &o) == nil && o.ID > 0 {
			in.smsCreated[call] = append(in.smsCreated[call], o.ID)
			in.smsAt[strconv.FormatInt(o.ID, 10)] = time.Now()
		}
	case strings.HasSuffix(p, "/v1/vendor/withdraw"):
		in.withdrawals[call]++
	case strings.HasSuffix(p, "/orders") && strings.Contains(p, "/v1/partner"):
		var env struct {
			Data struct {
				ExternalID string `json:"external_id"`
			} `json:"data"`
		}
		if json.Unmarshal(body, &env) == nil && env.Data.ExternalID != "" {
			add("partner", env.Data.ExternalID)
		}
	case strings.HasSuffix(p, "/api_partner/orders"):
		add("esimstory", r.Header.Get(keyHeader))
	case strings.HasSuffix(p, "/orders/topups"):
		add("topups", r.Header.Get(keyHeader))
	}
}
