package smsnumbers

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/simkit/simkit/internal/apierr"
	"github.com/simkit/simkit/internal/transport"
)

// ErrorTexts maps every plain-text error the API is documented to answer
// with to the sentinel it classifies as. The rule for the two ambiguous
// classes: ErrValidation means the request itself is wrong and must be
// changed (a missing or unknown country/operator); ErrConflict means the
// request is well formed but the current state of the order or account
// refuses it (an expired order, an SMS already received, a reuse that is no
// longer possible, a rating too low). It is exported as documentation; do
// not modify it.
var ErrorTexts = map[string]error{
	"no free phones":          apierr.ErrOutOfStock,
	"not enough user balance": apierr.ErrInsufficientFunds,
	"not enough rating":       apierr.ErrConflict,
	"select country":          apierr.ErrValidation,
	"select operator":         apierr.ErrValidation,
	"bad country":             apierr.ErrValidation,
	"bad operator":            apierr.ErrValidation,
	"no product":              apierr.ErrNotFound,
	"server offline":          apierr.ErrUnavailable,
	"reuse not possible":      apierr.ErrConflict,
	"reuse false":             apierr.ErrConflict,
	"reuse expired":           apierr.ErrConflict,
	"order not found":         apierr.ErrNotFound,
	"order expired":           apierr.ErrConflict,
	"order has sms":           apierr.ErrConflict,
	"order no sms":            apierr.ErrConflict,
	"hosting order":           apierr.ErrConflict,
	"record not found":        apierr.ErrNotFound,
	"internal error":          apierr.ErrServer,
	"you need to wait time":   apierr.ErrRateLimited,
}

// ErrOrderEnded is wrapped by WaitForCode's error when the order reached a
// final status (TIMEOUT, CANCELED, BANNED, or FINISHED without an SMS)
// before any SMS arrived. The error also matches simkit.ErrConflict.
var ErrOrderEnded = errors.New("smsnumbers: order ended without an SMS")

// errorText returns the plain-text message carried by body, unquoting a
// JSON string, or "" when body looks like JSON data.
func errorText(body []byte) string {
	// Look at the bytes first: a JSON answer (the common case) costs no copy.
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] == '{' || b[0] == '[' {
		return ""
	}
	s := string(b)
	if s[0] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return strings.TrimSpace(u)
		}
	}
	return s
}

// kindForText finds the sentinel for msg. The provider sometimes appends
// details ("you need to wait time 30s"), so a known text that starts the
// message matches too.
func kindForText(msg string) error {
	m := strings.ToLower(msg)
	if k, ok := ErrorTexts[m]; ok {
		return k
	}
	for text, k := range ErrorTexts {
		if strings.HasPrefix(m, text) {
			return k
		}
	}
	return nil
}

// decodeError is the transport's DecodeError: it reads a non-2xx answer.
// A redirect to /404.html (the API's answer to an unknown path) is
// ErrNotFound; an empty body leaves the kind to the status (401 =
// ErrUnauthorized); a text keeps its message and gets the table's sentinel,
// or the status's when the text is unknown.
func decodeError(resp *transport.Response) *apierr.Error {
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc := resp.Header.Get("Location")
		e := &apierr.Error{Message: "unexpected redirect to " + strconv.Quote(loc)}
		if strings.Contains(loc, "404") {
			e.Message = "no such endpoint (redirect to " + loc + ")"
			e.Kind = apierr.ErrNotFound
		}
		return e
	}
	msg := errorText(resp.Body)
	if msg == "" {
		return &apierr.Error{}
	}
	return &apierr.Error{Message: msg, Kind: kindForText(msg)}
}
