package transport

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"unicode"

	"github.com/simkit/simkit/apierror"
)

// RawCall is the provider-neutral part of a raw call: an endpoint the SDK
// does not type, sent through the same pipeline as the typed calls. Each
// provider's Do adds its own auth and signing to the Request it becomes.
type RawCall struct {
	// Method is the HTTP method, upper case.
	Method string
	// Path is below the provider's base URL, starting with "/"; its
	// segments are already escaped. The query goes in Query.
	Path string
	// Query is appended to the URL.
	Query url.Values
	// Body is sent as JSON: []byte and json.RawMessage as they are,
	// anything else marshalled. Nil sends no body.
	Body any
	// Idempotent lets the retry policy repeat the call after an
	// ambiguous failure; otherwise it reaches the provider at most once.
	Idempotent bool
	// Route labels the call in errors, logs and observer events; empty
	// derives a template from Path (see RawRoute).
	Route string
}

// NewRawRequest checks rc and out (nil, *[]byte or a pointer to decode
// JSON into) and builds the Request, before anything is sent.
func NewRawRequest(provider string, rc RawCall, out any) (*Request, error) {
	route := rc.Route
	if route == "" {
		route = RawRoute(rc.Path)
	}
	op := rc.Method + " " + route
	if !upperToken(rc.Method) {
		return nil, apierror.Validation(provider, op, "method must be an upper-case HTTP method, got %q", rc.Method)
	}
	if why := checkRawPath(rc.Path); why != "" {
		return nil, apierror.Validation(provider, op, "path %s", why)
	}
	if !strings.HasPrefix(route, "/") {
		return nil, apierror.Validation(provider, op, "route must be a path template starting with /")
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return nil, apierror.Validation(provider, op, "out must be nil or a non-nil pointer, got %T", out)
		}
	}
	req := &Request{Method: rc.Method, Path: rc.Path, Query: rc.Query, Op: op, Idempotency: NotIdempotent}
	if rc.Idempotent {
		req.Idempotency = Idempotent
	}
	switch b := rc.Body.(type) {
	case nil:
	case json.RawMessage:
		req.Body, req.ContentType = b, "application/json"
	case []byte:
		req.Body, req.ContentType = b, "application/json"
	default:
		req.JSON = b
	}
	return req, nil
}

// DecodeRaw hands a raw call's 2xx answer to out: nothing for nil, the
// body as it came for *[]byte, JSON decoding otherwise (an empty body
// leaves out as it was). A body that does not decode is ErrBadResponse.
func (c *Client) DecodeRaw(resp *Response, out any) error {
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = resp.Body
		return nil
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		resp.Ambiguous = true
		return c.Fail(resp, &apierror.Error{Message: "cannot decode response", Kind: ErrBadResponse, Err: err})
	}
	return nil
}

// RawRoute derives a call label from a concrete path: every segment that
// holds a digit (other than an API version such as v2), "@", "+" or an
// escape (an id, an ICCID, a phone number, an email) becomes {param}, so
// no customer data reaches an error string, a log line or a metric label.
func RawRoute(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.ContainsAny(p, "0123456789@+%") && !apiVersion(p) {
			parts[i] = "{param}"
		}
	}
	return strings.Join(parts, "/")
}

// apiVersion reports a path segment such as "v1" or "v2".
func apiVersion(seg string) bool {
	if len(seg) < 2 || len(seg) > 3 || seg[0] != 'v' {
		return false
	}
	for i := 1; i < len(seg); i++ {
		if seg[i] < '0' || seg[i] > '9' {
			return false
		}
	}
	return true
}

// checkRawPath says why path cannot follow a base URL ("" when it can): it
// must start with "/" (so it never changes the host), carry no query or
// fragment, no dot segments and no white space or control characters.
func checkRawPath(path string) string {
	if !strings.HasPrefix(path, "/") {
		return "must start with /"
	}
	if strings.ContainsAny(path, "?#") {
		return "must not hold a query or fragment (use Query)"
	}
	for _, r := range path {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "must not hold white space or control characters"
		}
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return "must not hold dot segments"
		}
	}
	return ""
}

// upperToken reports whether m is a non-empty run of A-Z.
func upperToken(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}
