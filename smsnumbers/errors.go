package smsnumbers

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
)

// errorTexts maps every plain-text error the API is documented to answer
// with to the sentinel it classifies as. The rule for the two ambiguous
// classes: ErrValidation means the request itself is wrong and must be
// changed (a missing or unknown country/operator); ErrConflict means the
// request is well formed but the current state of the order or account
// refuses it (an expired order, an SMS already received, a reuse that is no
// longer possible, a rating too low). Texts seen live beyond the documented
// ones ("product is incorrect", "country is incorrect") are included.
var errorTexts = map[string]error{
	"no free phones":          apierror.ErrOutOfStock,
	"not enough user balance": apierror.ErrInsufficientFunds,
	"not enough rating":       apierror.ErrConflict,
	"select country":          apierror.ErrValidation,
	"select operator":         apierror.ErrValidation,
	"bad country":             apierror.ErrValidation,
	"bad operator":            apierror.ErrValidation,
	"no product":              apierror.ErrNotFound,
	"server offline":          apierror.ErrUnavailable,
	"reuse not possible":      apierror.ErrConflict,
	"reuse false":             apierror.ErrConflict,
	"reuse expired":           apierror.ErrConflict,
	"order not found":         apierror.ErrNotFound,
	"order expired":           apierror.ErrConflict,
	"order has sms":           apierror.ErrConflict,
	"order no sms":            apierror.ErrConflict,
	"hosting order":           apierror.ErrConflict,
	"record not found":        apierror.ErrNotFound,
	"internal error":          apierror.ErrServer,
	"you need to wait time":   apierror.ErrRateLimited,
	"product is incorrect":    apierror.ErrValidation,
	"country is incorrect":    apierror.ErrValidation,
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
	if k, ok := errorTexts[m]; ok {
		return k
	}
	for text, k := range errorTexts {
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
func decodeError(resp *transport.Response) *apierror.Error {
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc := resp.Header.Get("Location")
		e := &apierror.Error{Message: "unexpected redirect to " + strconv.Quote(loc)}
		if strings.Contains(loc, "404") {
			e.Message = "no such endpoint (redirect to " + loc + ")"
			e.Kind = apierror.ErrNotFound
		}
		return e
	}
	msg := errorText(resp.Body)
	if msg == "" {
		return &apierror.Error{}
	}
	return &apierror.Error{Message: msg, Kind: kindForText(msg)}
}
