package transport

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/simkit/simkit/option"
)

// Idempotency says whether a request may be sent again after an ambiguous
// failure.
type Idempotency int

const (
	// Auto retries safe methods (GET, HEAD) and nothing else.
	Auto Idempotency = iota
	// Idempotent marks a request the provider deduplicates (an order with
	// its external id), so a retry cannot create a second one.
	Idempotent
	// NotIdempotent forbids retries even for a GET (a 5sim "buy" is a GET
	// that spends money) and makes the request unreplayable by every layer
	// below us (net/http's replay on reused connections, HTTP/2 retries):
	// it reaches the provider at most once per call.
	NotIdempotent
)

// Request is one provider call. Bodies are bytes, never an io.Reader, so
// every attempt re-sends the whole body.
type Request struct {
	Method string
	// Path is appended to the base URL; callers escape path segments.
	Path  string
	Query url.Values
	// JSON is marshalled once, before the first attempt.
	JSON any
	// Body and ContentType send raw bytes when JSON is nil.
	Body        []byte
	ContentType string
	// Form is sent as multipart/form-data when set.
	Form        map[string]string
	Idempotency Idempotency
	// Header is set on every attempt over the client's fixed headers and
	// the call's own: credentials prepared once (a cached bearer token)
	// need no Sign, whose clock reading and function value cost on every
	// call. Its slices are shared between requests and never modified.
	Header http.Header
	// Sign runs at the start of every attempt with that attempt's clock
	// reading; it must use Header.Set so a retry replaces the old signature.
	Sign func(h http.Header, now time.Time) error
	// Op labels the call in errors and logs; default "METHOD path".
	Op string
}

func (r *Request) op() string {
	if r.Op != "" {
		return r.Op
	}
	return r.Method + " " + r.Path
}

// method is the request's HTTP method; empty sends a GET.
func (r *Request) method() string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

func (r *Request) retryable() bool {
	switch r.Idempotency {
	case Idempotent:
		return true
	case NotIdempotent:
		return false
	}
	return r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == ""
}

func (r *Request) encode() ([]byte, string, error) {
	if r.JSON == nil {
		return r.Body, r.ContentType, nil
	}
	b, err := json.Marshal(r.JSON)
	if err != nil {
		return nil, "", err
	}
	return b, "application/json", nil
}

// Response is a provider's answer to the last attempt of a call.
type Response struct {
	option.Response
	// Body is the whole (capped) body, read once.
	Body []byte
	// Op is the call's label, as used in errors.
	Op string
	// Ambiguous reports that an attempt before this answer may have been
	// acted on by the provider without us seeing its answer.
	Ambiguous bool
}
