package simkittest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Provider names a Fault matches on; they equal the provider packages' names.
const (
	ProviderPartner   = "partner"
	ProviderSMS       = "smsnumbers"
	ProviderESIMStory = "esimstory"
	ProviderTopups    = "topups"
)

// FaultKind says what a Fault does to a matching request.
type FaultKind int

const (
	// Latency delays the request by Fault.Delay (or until the client gives
	// up), then lets the fake handle it normally.
	Latency FaultKind = iota + 1
	// Status answers Fault.Status (default 503) with Fault.Body without
	// calling the fake: the request was not processed.
	Status
	// DropAfterHandling lets the fake process the request in full (an order
	// is created, a balance charged) and then closes the connection without
	// answering: the client sees a transport error for work that happened.
	// This is the ambiguous failure exactly-once order code must survive.
	DropAfterHandling
	// DropBeforeHandling closes the connection without calling the fake.
	DropBeforeHandling
	// MalformedBody lets the fake process the request and answers its status
	// with a truncated, unparsable body (Fault.Body when set).
	MalformedBody
	// StatusAfterHandling lets the fake process the request in full and then
	// answers Fault.Status (default 500) with Fault.Body instead of the real
	// answer: the provider failed after doing the work.
	StatusAfterHandling
	// TruncatedBody lets the fake process the request and sends the first
	// half of its real answer, announcing the full length, then closes the
	// connection: the client reads an unexpected EOF mid-body.
	TruncatedBody
	// HangAfterHandling lets the fake process the request in full and then
	// holds the answer until the client gives up (a client timeout after
	// the work was done); only after Fault.Delay (default 5 s) without the
	// client giving up does the real answer go out.
	HangAfterHandling
)

// Fault is one injected failure. Provider, Method and Path select requests
// (empty matches any); Path is compared with and without the fake's mount
// prefix ("/orders" and "/v1/partner/orders" both match a partner order),
// and a trailing "*" matches any path with that prefix.
type Fault struct {
	Provider string
	Method   string
	Path     string
	// Times is how many matching requests the fault hits; 0 means all.
	Times int
	Kind  FaultKind
	// Delay is the Latency wait, and how long HangAfterHandling holds an
	// answer at most.
	Delay time.Duration
	// Status is the Status (default 503) kind's status code.
	Status int
	// Body replaces the default body of Status, StatusAfterHandling and
	// MalformedBody.
	Body string
	// Header is added to the answer of Status and StatusAfterHandling, e.g.
	// Retry-After on a 429.
	Header http.Header
}

// Faults holds the faults injected into every fake of an Env. It is safe
// for concurrent use; faults apply in the order they were added, and the
// first one that matches and has hits left wins.
type Faults struct {
	mu     sync.Mutex
	faults []*activeFault
	chaos  *chaosState
}

type activeFault struct {
	Fault
	hits int
}

// Add injects f. A Fault with Times > 0 retires itself after Times hits.
func (fs *Faults) Add(f Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = append(fs.faults, &activeFault{Fault: f})
}

// Clear removes every fault and stops chaos.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
	fs.chaos = nil
}

// Hits returns how many requests the faults have hit so far, so a test can
// check that its fault fired.
func (fs *Faults) Hits() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := 0
	for _, f := range fs.faults {
		n += f.hits
	}
	return n
}

// take returns the fault that applies to r, counting the hit.
func (fs *Faults) take(provider, prefix string, r *http.Request) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.faults {
		if f.Times > 0 && f.hits >= f.Times {
			continue
		}
		if f.Provider != "" && f.Provider != provider || f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.Path != "" && !pathMatches(f.Path, r.URL.Path) && !pathMatches(f.Path, strings.TrimPrefix(r.URL.Path, prefix)) {
			continue
		}
		f.hits++
		out := f.Fault
		return &out
	}
	return nil
}

func pathMatches(pattern, path string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(path, p)
	}
	return pattern == path
}

// Wrap returns h with the faults for provider applied; prefix is the path
// the fake is mounted under (stripped when matching Fault.Path). A nil
// *Faults wraps nothing.
func (fs *Faults) Wrap(provider, prefix string, h http.Handler) http.Handler {
	if fs == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := fs.take(provider, prefix, r)
		if f == nil {
			f = fs.chaosPick(provider, prefix, r)
		}
		if f == nil {
			h.ServeHTTP(w, r)
			return
		}
		serveFault(f, w, r, h)
	})
}

// serveFault answers r as f says, calling h where the kind lets the fake
// do its work.
func serveFault(f *Fault, w http.ResponseWriter, r *http.Request, h http.Handler) {
	switch f.Kind {
	case Latency:
		// Read the body first: only then does the server watch the
		// connection and cancel r.Context() when the client gives up.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		h.ServeHTTP(w, r)
	case Status:
		writeStatus(w, f, http.StatusServiceUnavailable)
	case StatusAfterHandling:
		h.ServeHTTP(httptest.NewRecorder(), r)
		writeStatus(w, f, http.StatusInternalServerError)
	case TruncatedBody:
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		full := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(full)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(full[:len(full)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		drop(w)
	case HangAfterHandling:
		// Read the body first, as for Latency, so the server notices
		// the client giving up.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		hold := f.Delay
		if hold <= 0 {
			hold = 5 * time.Second
		}
		t := time.NewTimer(hold)
		defer t.Stop()
		select {
		case <-t.C:
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		case <-r.Context().Done():
		}
	case DropBeforeHandling:
		drop(w)
	case DropAfterHandling:
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		drop(w)
	case MalformedBody:
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := []byte(f.Body)
		if f.Body == "" {
			// Half of the real answer: valid start, broken end.
			full := bytes.TrimSpace(rec.Body.Bytes())
			body = append(full[:len(full)/2:len(full)/2], "\x00{"...)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	default:
		h.ServeHTTP(w, r)
	}
}

// writeStatus answers f's status (def when unset), headers and body.
func writeStatus(w http.ResponseWriter, f *Fault, def int) {
	status, body := f.Status, f.Body
	if status == 0 {
		status = def
	}
	if body == "" {
		body = http.StatusText(status)
	}
	for k, v := range f.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// drop closes the client's connection without an answer. Servers that
// cannot hijack (HTTP/2) get a panic the server turns into a reset stream.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// FaultInForce is a fault that still has hits left, and how often it hit.
type FaultInForce struct {
	Fault
	// Hits is how many requests it has hit so far.
	Hits int
	// Left is how many more requests it will hit; -1 means no limit.
	Left int
}

// InForce lists the faults that still have hits left, in the order they
// apply; ChaosInForce reports chaos.
func (fs *Faults) InForce() []FaultInForce {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var out []FaultInForce
	for _, f := range fs.faults {
		left := -1
		if f.Times > 0 {
			left = f.Times - f.hits
			if left <= 0 {
				continue
			}
		}
		out = append(out, FaultInForce{Fault: f.Fault, Hits: f.hits, Left: left})
	}
	return out
}
