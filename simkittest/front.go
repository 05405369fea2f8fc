package simkittest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// front stands before every fake, in-process (Env) and served (Server):
// it gives each answer a request id as the real APIs do, applies the
// faults and chaos, and writes the journal.
type front struct {
	provider, prefix string
	faults           *Faults
	journal          *Journal
	now              func() time.Time
	ids              *atomic.Uint64
	routes           *http.ServeMux
	next             http.Handler
}

func newFront(provider, prefix string, faults *Faults, journal *Journal, now func() time.Time, ids *atomic.Uint64, next http.Handler) *front {
	m := http.NewServeMux()
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, p := range providerRoutes[provider] {
		m.Handle(p, noop)
	}
	return &front{provider: provider, prefix: prefix, faults: faults, journal: journal, now: nowOr(now), ids: ids, routes: m, next: next}
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := "fake-" + f.provider + "-" + strconv.FormatUint(f.ids.Add(1), 10)
	w.Header().Set("X-Request-Id", id)
	_, route := f.routes.Handler(r)
	e := JournalEntry{Time: f.now(), Provider: f.provider, Method: r.Method, Path: r.URL.Path, Route: route, RequestID: id}
	if r.Method == http.MethodPost {
		e.Ref = f.ref(r)
	}
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		e.Status = max(sw.status, 0)
		f.journal.add(e)
	}()
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w}
		f.next.ServeHTTP(rec, r)
		e.Handled, e.FakeStatus = true, max(rec.status, 0)
	})
	fault := f.faults.take(f.provider, f.prefix, r)
	if fault == nil {
		fault = f.faults.chaosPick(f.provider, f.prefix, r)
	}
	if fault == nil {
		inner.ServeHTTP(sw, r)
		return
	}
	e.Fault = faultNames[fault.Kind]
	serveFault(fault, sw, r, inner)
}

// refFields are the body fields that carry a caller's reference.
var refFields = map[string]string{
	ProviderPartner: "external_id", ProviderESIMStory: "external_order_id", ProviderTopups: "description",
}

// ref reads the caller's reference from a POST body and puts the body
// back for the fake.
func (f *front) ref(r *http.Request) string {
	field, ok := refFields[f.provider]
	if !ok || r.Body == nil {
		return ""
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	if err != nil {
		return ""
	}
	if strings.HasPrefix(strings.TrimSpace(r.Header.Get("Content-Type")), "application/json") || f.provider != ProviderTopups {
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) != nil {
			return ""
		}
		s, _ := jsonScalar(m[field])
		return s
	}
	cp := r.Clone(r.Context())
	cp.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := topupsForm(cp)
	return form[field]
}
