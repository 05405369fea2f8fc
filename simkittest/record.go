package simkittest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// RecordEnv is the environment variable that switches RecordOrReplay to
// recording.
const RecordEnv = "SIMKIT_RECORD"

// Redacted replaces every secret in a fixture.
const Redacted = "[redacted]"

// ErrNoRecording is returned by a Replayer for a request it has no
// recorded exchange for.
var ErrNoRecording = errors.New("simkittest: no recorded exchange")

// Exchange is one recorded request and its answer.
type Exchange struct {
	Request  RecordedRequest  `json:"request"`
	Response RecordedResponse `json:"response"`
}

// RecordedRequest is the redacted request of an Exchange.
type RecordedRequest struct {
	Method string      `json:"method"`
	Host   string      `json:"host"`
	Path   string      `json:"path"`
	Query  string      `json:"query,omitempty"`
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// RecordedResponse is the redacted response of an Exchange.
type RecordedResponse struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

type fixture struct {
	Exchanges []Exchange `json:"exchanges"`
}

// sensitiveHeaders are dropped to Redacted wherever they appear.
var sensitiveHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"X-Signature", "X-Esim-Story-Signature", "X-Esim-Story-Access-Key", "X-Api-Key"}

// sensitiveFields are body fields and query parameters whose values are
// secrets in these APIs (OAuth credentials and tokens, webhook tokens).
var sensitiveFields = []string{"client_secret", "access_token", "refresh_token", "token", "secret", "password", "api_key", "secret_key"}

// Recorder is an http.RoundTripper that sends requests through Transport and
// writes every exchange, redacted, to the JSON fixture at Path (rewritten
// after each exchange, so a failing test still leaves a usable file).
//
// Secrets (credentials, tokens, signatures) become Redacted. Customer data
// (PINs, serial numbers, activation codes, LPA strings, QR code URLs,
// ICCIDs, phone numbers, e-mail addresses and people's names) becomes a
// stable placeholder of the same shape: the same value gets the same
// placeholder in every exchange, in bodies, paths and query strings, so a
// replayed journey that passes a value on (an ICCID from an order to a
// status call) still matches. Keep lists what to record as is.
type Recorder struct {
	// Path is the fixture file, e.g. testdata/recordings/NAME.json.
	Path string
	// Transport sends the real requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Redact lists more strings to replace with Redacted wherever they
	// appear (account ids, e-mails, phone numbers).
	Redact []string
	// Keep names fields ("serial_number") or kinds (KindICCID, ...) whose
	// values are recorded as they are; a kind also keeps its values found
	// elsewhere (an ICCID in a path). A kept field's value is still
	// replaced where it also appears in a field that is not kept.
	Keep []string

	mu        sync.Mutex
	exchanges []Exchange
	secrets   map[string]bool
	customer  *placeholders
}

// NewRecorder returns a Recorder writing to path through next.
func NewRecorder(path string, next http.RoundTripper, redact ...string) *Recorder {
	return &Recorder{Path: path, Transport: next, Redact: redact}
}

// RoundTrip implements http.RoundTripper.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, err := drain(&req.Body)
	if err != nil {
		return nil, err
	}
	next := r.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(reqBody))
	resp, err := next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	respBody, err := drain(&resp.Body)
	if err != nil {
		return nil, err
	}
	ex := Exchange{
		Request: RecordedRequest{Method: req.Method, Host: req.URL.Host, Path: req.URL.Path, Query: req.URL.RawQuery,
			Header: req.Header.Clone(), Body: string(reqBody)},
		Response: RecordedResponse{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: string(respBody)},
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.secrets == nil {
		r.secrets = map[string]bool{}
	}
	for _, s := range r.Redact {
		r.secrets[s] = true
	}
	collectSecrets(r.secrets, ex.Request.Header, ex.Request.Query, reqBody)
	collectSecrets(r.secrets, ex.Response.Header, "", respBody)
	if r.customer == nil {
		r.customer = newPlaceholders(r.Keep)
	}
	r.customer.collect(ex.Request.Header, ex.Request.Path, ex.Request.Query, reqBody)
	r.customer.collect(ex.Response.Header, "", "", respBody)
	r.exchanges = append(r.exchanges, ex)
	if err := r.saveLocked(); err != nil {
		return nil, err
	}
	return resp, nil
}

// saveLocked redacts every exchange with every secret and customer value
// seen so far (a token or ICCID first seen in a later answer is scrubbed
// from earlier requests too) and rewrites the fixture.
func (r *Recorder) saveLocked() error {
	var fx fixture
	replace := r.customer.replacer()
	for _, ex := range r.exchanges {
		fx.Exchanges = append(fx.Exchanges, replaceCustomerData(redactExchange(ex, r.secrets), replace))
	}
	b, err := json.MarshalIndent(fx, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(r.Path), 0o755); err != nil {
		return err
	}
	tmp := r.Path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, r.Path)
}

// drain reads a body fully and puts an equivalent reader back.
func drain(body *io.ReadCloser) ([]byte, error) {
	if *body == nil || *body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(*body)
	_ = (*body).Close()
	*body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// collectSecrets adds every secret value visible in a header set, a query
// and a body (JSON, form or multipart) to set.
func collectSecrets(set map[string]bool, h http.Header, rawQuery string, body []byte) {
	for _, name := range sensitiveHeaders {
		for _, v := range h.Values(name) {
			set[v] = true
			if _, cred, ok := strings.Cut(v, " "); ok {
				set[cred] = true
			}
		}
	}
	form := formFields(h, rawQuery, body, func(name, value string) {
		if isSensitive(name) {
			set[value] = true
		}
	})
	if !form {
		var v any
		if json.Unmarshal(body, &v) == nil {
			collectJSON(set, v)
		}
	}
}

// formFields calls fn with each name and value of the query and of a
// multipart or URL-encoded body, and reports whether the body was such a
// form; any other body (JSON, text) is left to the caller.
func formFields(h http.Header, rawQuery string, body []byte, fn func(name, value string)) (form bool) {
	each := func(q url.Values) {
		for k, vs := range q {
			for _, v := range vs {
				fn(k, v)
			}
		}
	}
	if q, err := url.ParseQuery(rawQuery); err == nil {
		each(q)
	}
	ct, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			v, _ := io.ReadAll(p)
			fn(p.FormName(), string(v))
		}
		return true
	case ct == "application/x-www-form-urlencoded":
		if q, err := url.ParseQuery(string(body)); err == nil {
			each(q)
		}
		return true
	}
	return false
}

func collectJSON(set map[string]bool, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if s, ok := val.(string); ok && isSensitive(k) {
				set[s] = true
			}
			collectJSON(set, val)
		}
	case []any:
		for _, val := range t {
			collectJSON(set, val)
		}
	}
}

func isSensitive(name string) bool {
	return contains(sensitiveFields, strings.ToLower(name))
}

// redactExchange returns ex with sensitive headers replaced and every
// secret string replaced wherever it occurs. Secrets shorter than 4
// characters are skipped: replacing "1" everywhere would only destroy the
// fixture.
func redactExchange(ex Exchange, secrets map[string]bool) Exchange {
	var list []string
	for s := range secrets {
		if len(s) >= 4 && s != Redacted {
			list = append(list, s)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	scrub := func(s string) string {
		for _, sec := range list {
			s = strings.ReplaceAll(s, sec, Redacted)
			if esc := url.QueryEscape(sec); esc != sec {
				s = strings.ReplaceAll(s, esc, url.QueryEscape(Redacted))
			}
		}
		return s
	}
	scrubHeader := func(h http.Header) http.Header {
		out := http.Header{}
		for k, vs := range h {
			for _, v := range vs {
				if contains(sensitiveHeaders, http.CanonicalHeaderKey(k)) {
					v = Redacted
				}
				out.Add(k, scrub(v))
			}
		}
		return out
	}
	ex.Request.Header = scrubHeader(ex.Request.Header)
	ex.Response.Header = scrubHeader(ex.Response.Header)
	ex.Request.Path = scrub(ex.Request.Path)
	ex.Request.Query = redactQuery(scrub(ex.Request.Query))
	ex.Request.Body = scrub(ex.Request.Body)
	ex.Response.Body = scrub(ex.Response.Body)
	return ex
}

// replaceCustomerData applies replace (customer values to placeholders) to
// every part of ex that can carry them.
func replaceCustomerData(ex Exchange, replace func(string) string) Exchange {
	for _, h := range []http.Header{ex.Request.Header, ex.Response.Header} {
		for k, vs := range h {
			for i, v := range vs {
				vs[i] = replace(v)
			}
			h[k] = vs
		}
	}
	ex.Request.Path = replace(ex.Request.Path)
	ex.Request.Query = redactQuery(replace(ex.Request.Query))
	ex.Request.Body = replace(ex.Request.Body)
	ex.Response.Body = replace(ex.Response.Body)
	return ex
}

// redactQuery replaces sensitive parameters' values and sorts the query, so
// a recorded and a live query compare equal.
func redactQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	for k := range q {
		if isSensitive(k) {
			q[k] = []string{Redacted}
		}
	}
	return q.Encode()
}

// Replayer is an http.RoundTripper that answers from a fixture written by a
// Recorder, without any network. A request matches an exchange by method,
// path and query (secret and customer-data parameters compared by presence,
// ICCIDs, phone numbers, e-mails and LPA strings by shape, so the real
// value and its placeholder match); headers and bodies are ignored. Identical requests get the recorded answers in order,
// and the last one again once they run out.
type Replayer struct {
	mu        sync.Mutex
	exchanges []Exchange
	used      []bool
}

// NewReplayer loads the fixture at path.
func NewReplayer(path string) (*Replayer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fx fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		return nil, fmt.Errorf("simkittest: fixture %s: %w", path, err)
	}
	return &Replayer{exchanges: fx.Exchanges, used: make([]bool, len(fx.Exchanges))}, nil
}

// RoundTrip implements http.RoundTripper.
func (r *Replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	path, query := matchPath(req.URL.Path), matchQuery(req.URL.RawQuery)
	r.mu.Lock()
	defer r.mu.Unlock()
	found := -1
	for i, ex := range r.exchanges {
		if ex.Request.Method != req.Method || matchPath(ex.Request.Path) != path || matchQuery(ex.Request.Query) != query {
			continue
		}
		found = i
		if !r.used[i] {
			break
		}
	}
	if found < 0 {
		// The shapes only: the live path may hold customer data.
		return nil, fmt.Errorf("%w for %s %s?%s", ErrNoRecording, req.Method, path, query)
	}
	r.used[found] = true
	rec := r.exchanges[found].Response
	header := rec.Header.Clone()
	if header.Get("Content-Length") != "" {
		// Placeholders change body lengths.
		header.Set("Content-Length", strconv.Itoa(len(rec.Body)))
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rec.Status, http.StatusText(rec.Status)),
		StatusCode:    rec.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(strings.NewReader(rec.Body)),
		ContentLength: int64(len(rec.Body)),
		Request:       req,
	}, nil
}

// Unused lists the recorded exchanges no request has matched yet, as
// "METHOD path"; a contract test can require it to be empty.
func (r *Replayer) Unused() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for i, ex := range r.exchanges {
		if !r.used[i] {
			out = append(out, ex.Request.Method+" "+ex.Request.Path)
		}
	}
	return out
}

// RecordOrReplay returns the transport for a contract test whose fixture
// is the file path (e.g. testdata/recordings/NAME.json): with SIMKIT_RECORD
// set, a Recorder over real (nil: the default transport) writing it;
// otherwise a Replayer of it. A missing fixture fails the test with the
// variable that records it.
func RecordOrReplay(t testing.TB, path string, real http.RoundTripper, redact ...string) http.RoundTripper {
	t.Helper()
	if os.Getenv(RecordEnv) != "" {
		return NewRecorder(path, real, redact...)
	}
	rp, err := NewReplayer(path)
	if err != nil {
		t.Fatalf("simkittest: no fixture to replay (%v); record it with %s=1 and real credentials", err, RecordEnv)
	}
	return rp
}
