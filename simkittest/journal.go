package simkittest

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// JournalEntry is one request a fake served, as a test asks about it:
// "how many orders did my code place, and which requests failed".
type JournalEntry struct {
	// Time is when the request arrived, on the provider's fake clock.
	Time time.Time `json:"time"`
	// Provider is ProviderPartner, ProviderSMS, ...
	Provider string `json:"provider"`
	// Method and Path are the request's; Route is its route template
	// ("GET /v1/user/check/{id}"), "" for a path no route serves.
	Method string `json:"method"`
	Path   string `json:"path"`
	Route  string `json:"route"`
	// Ref is the caller's reference a money call carries: the partner
	// external_id, the eSIM Story external_order_id, the top-up
	// description; "" for other calls.
	Ref string `json:"ref,omitempty"`
	// Status is what the client got; 0 when the connection was dropped
	// without an answer.
	Status int `json:"status"`
	// Handled is whether the fake did the request's work (a fault that
	// answers before handling leaves it false), and FakeStatus what the
	// fake answered, which a fault after handling may have replaced.
	Handled    bool `json:"handled"`
	FakeStatus int  `json:"fake_status,omitempty"`
	// Fault names the fault applied ("status", "drop_after", ...), "" for none.
	Fault string `json:"fault,omitempty"`
	// RequestID is the X-Request-Id the answer carried.
	RequestID string `json:"request_id"`
}

// Journal records every request the fakes served, in order. It is safe
// for concurrent use; Env.Journal and Server.Journal hold one.
type Journal struct {
	mu      sync.Mutex
	entries []JournalEntry
}

// journalLimit bounds the journal of a long-running server; the oldest
// entries go first.
const journalLimit = 100_000

func (j *Journal) add(e JournalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) >= journalLimit {
		j.entries = append(j.entries[:0], j.entries[len(j.entries)-journalLimit/2:]...)
	}
	j.entries = append(j.entries, e)
}

// Entries returns the requests served so far, oldest first.
func (j *Journal) Entries() []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]JournalEntry(nil), j.entries...)
}

// Clear forgets every entry.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = nil
}

// JournalFilter selects entries; an empty field matches any.
type JournalFilter struct {
	Provider string `json:"provider,omitempty"`
	// Route is a route template ("POST /v1/partner/orders"); Method alone
	// matches every route of that method.
	Route  string `json:"route,omitempty"`
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Ref    string `json:"ref,omitempty"`
	Status int    `json:"status,omitempty"`
	Fault  string `json:"fault,omitempty"`
}

func (m JournalFilter) match(e JournalEntry) bool {
	return (m.Provider == "" || m.Provider == e.Provider) && (m.Route == "" || m.Route == e.Route) &&
		(m.Method == "" || strings.EqualFold(m.Method, e.Method)) && (m.Path == "" || m.Path == e.Path) &&
		(m.Ref == "" || m.Ref == e.Ref) && (m.Status == 0 || m.Status == e.Status) && (m.Fault == "" || m.Fault == e.Fault)
}

// Filter returns the entries m selects, oldest first.
func (j *Journal) Filter(m JournalFilter) []JournalEntry {
	var out []JournalEntry
	for _, e := range j.Entries() {
		if m.match(e) {
			out = append(out, e)
		}
	}
	return out
}

// orderRoutes are the routes that create an order (or charge) per
// provider and carry a caller reference.
var orderRoutes = map[string][]string{
	ProviderPartner:   {"POST " + PartnerPrefix + "/orders", "POST " + PartnerPrefix + "/services/esim/{iccid}/topup"},
	ProviderESIMStory: {"POST " + ESIMStoryPrefix + "/v1/api_partner/orders"},
	ProviderTopups:    {"POST /customer/v2/orders/topups", "POST /v2/orders/topups"},
}

// OrdersCreated counts the requests with reference ref that made the
// provider create an order: the fake handled them and answered 2xx,
// whatever the client got afterwards (a drop after handling counts: the
// order exists). "Exactly one order for this external id" is
// OrdersCreated(p, id) == 1.
func (j *Journal) OrdersCreated(provider, ref string) int {
	n := 0
	for _, e := range j.Entries() {
		if e.Provider != provider || e.Ref != ref || !e.Handled || e.FakeStatus/100 != 2 {
			continue
		}
		for _, r := range orderRoutes[provider] {
			if e.Route == r {
				n++
			}
		}
	}
	return n
}

// AfterRefusal returns the requests to the same path as a refusal (an
// answer with status on route) that came within window after it: a
// client that honours "one request per eSIM per 15 minutes" sends none
// after the provider said 429. Only refusals the fake itself made count.
func (j *Journal) AfterRefusal(provider, route string, status int, window time.Duration) []JournalEntry {
	var out []JournalEntry
	refused := map[string]time.Time{}
	for _, e := range j.Entries() {
		if e.Provider != provider || e.Route != route {
			continue
		}
		if at, ok := refused[e.Path]; ok && e.Time.Before(at.Add(window)) {
			out = append(out, e)
			continue
		}
		if e.Handled && e.FakeStatus == status && e.Fault == "" {
			refused[e.Path] = e.Time
		}
	}
	return out
}

// RequireOneOrder fails t unless exactly one order was created for ref.
func (j *Journal) RequireOneOrder(t testing.TB, provider, ref string) {
	t.Helper()
	if n := j.OrdersCreated(provider, ref); n != 1 {
		t.Fatalf("simkittest: %d %s orders created for reference %q, want exactly 1", n, provider, ref)
	}
}

// RequireNoneAfterRefusal fails t when a request followed a refusal (see
// AfterRefusal) inside window.
func (j *Journal) RequireNoneAfterRefusal(t testing.TB, provider, route string, status int, window time.Duration) {
	t.Helper()
	if bad := j.AfterRefusal(provider, route, status, window); len(bad) > 0 {
		t.Fatalf("simkittest: %d requests to %s within %s after a %d, first at %s", len(bad), route, window, status, bad[0].Time.Format(time.RFC3339))
	}
}

// faultNames are the kinds' names in the journal and the admin API.
var faultNames = map[FaultKind]string{
	Latency: "latency", Status: "status", DropBeforeHandling: "drop_before", DropAfterHandling: "drop_after",
	MalformedBody: "malformed", StatusAfterHandling: "status_after", TruncatedBody: "truncated", HangAfterHandling: "hang",
}

// statusWriter notes the status a handler wrote, and still lets a fault
// hijack or flush the connection underneath.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack hands over the connection (a fault dropping it): the client
// got no answer, whatever was written before.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	w.status = -1
	return hj.Hijack()
}
