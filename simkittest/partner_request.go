package simkittest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// maxPartnerBody caps a request body the fake reads.
const maxPartnerBody = 1 << 20

// readPartnerBody reads a JSON request body into fields, the way the
// provider's validator sees it: the docs give application/json as the only
// encoding, so another media type is refused with 415 (a client that forgets
// its Content-Type fails here as it would there). It answers and returns
// false when the body cannot be read.
func readPartnerBody(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		partnerError(w, http.StatusUnsupportedMediaType, "The request body must be JSON (Content-Type: application/json).")
		return nil, false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxPartnerBody+1))
	if err != nil || len(b) > maxPartnerBody {
		partnerError(w, http.StatusBadRequest, "Malformed JSON body.")
		return nil, false
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil || fields == nil {
		partnerError(w, http.StatusBadRequest, "Malformed JSON body.")
		return nil, false
	}
	return fields, true
}

// present reports whether a field was sent with a value (null counts as
// absent, as the validator's "nullable" reads it).
func present(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// bodyString reads a string field; ok is false when the field holds
// another JSON type (the validator's "must be a string").
func bodyString(raw json.RawMessage) (string, bool) {
	if !present(raw) {
		return "", true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// bodyInt reads an integer field sent as a number or a numeric string, as
// the validator's "integer" rule accepts both.
func bodyInt(raw json.RawMessage) (int, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(bytes.TrimSpace(raw))
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// bodyDecimal reads a number sent as a JSON number or a numeric string.
func bodyDecimal(raw json.RawMessage) (decimal.Decimal, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(bytes.TrimSpace(raw))
	}
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	return d, err == nil
}

// bodyObject reads an object field; an empty JSON array is an empty object
// too, since PHP-style clients encode an empty map as [].
func bodyObject(raw json.RawMessage) (json.RawMessage, bool) {
	if !present(raw) {
		return nil, true
	}
	t := bytes.TrimSpace(raw)
	switch {
	case t[0] == '{':
		return t, true
	case bytes.Equal(bytes.Join(bytes.Fields(t), nil), []byte("[]")):
		return json.RawMessage("{}"), true
	}
	return nil, false
}
