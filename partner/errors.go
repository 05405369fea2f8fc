package partner

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/transport"
)

// decodeError reads the provider's error envelope into message, code and
// kind; the transport fills status, op and raw body. It is the DecodeError
// of the client's transport.
func decodeError(resp *transport.Response) *apierror.Error {
	e := &apierror.Error{}
	var env envelope[json.RawMessage]
	if json.Unmarshal(resp.Body, &env) == nil {
		msgs := []string{}
		if m := jsonx.Text(env.Message); m != "" {
			msgs = append(msgs, m)
		}
		code, m := errorField(env.Error)
		e.Code = code
		if m != "" && !contains(msgs, m) {
			msgs = append(msgs, m)
		}
		for _, m := range flattenErrors(env.Errors) {
			if !contains(msgs, m) {
				msgs = append(msgs, m)
			}
		}
		e.Message = strings.Join(msgs, "; ")
	}
	e.Kind = classify(resp.StatusCode, e.Message+" "+e.Code)
	return e
}

// classify picks a sentinel from what the provider said, where the status
// alone would mislead: a 400 "insufficient balance" is ErrInsufficientFunds,
// a 422 (or a 2xx with success false) "external id has already been taken"
// is ErrConflict. Nil leaves the choice to the status.
func classify(status int, msg string) error {
	m := strings.ToLower(msg)
	switch {
	case status == 402 || isInsufficientFunds(m):
		return apierror.ErrInsufficientFunds
	case status == 409 || (status == 400 || status == 422 || status < 300) && isDuplicateExternalID(m):
		return apierror.ErrConflict
	case strings.Contains(m, "out of stock") || strings.Contains(m, "not enough stock") || strings.Contains(m, "insufficient stock"):
		return apierror.ErrOutOfStock
	}
	return nil
}

func isInsufficientFunds(m string) bool {
	for _, s := range []string{"insufficient balance", "insufficient funds", "not enough balance", "not enough funds", "overdraft limit"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// isDuplicateExternalID recognises the "external_id is not unique" answer,
// including Laravel's "The external id has already been taken."
func isDuplicateExternalID(m string) bool {
	if !strings.Contains(m, "external_id") && !strings.Contains(m, "external id") {
		return false
	}
	for _, s := range []string{"exist", "already", "duplicate", "taken", "unique"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// errorField reads "error": a plain string, or an object with code and
// message fields.
func errorField(raw json.RawMessage) (code, msg string) {
	if s := jsonx.Text(raw); s != "" {
		return "", s
	}
	var obj struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return jsonx.Text(obj.Code), jsonx.Text(obj.Message)
	}
	return "", ""
}

// flattenErrors reads "errors" as a field map ({"field": ["msg"]} or
// {"field": "msg"}), a list of strings or a list of {message} objects, in
// a stable order.
func flattenErrors(raw json.RawMessage) []string {
	var out []string
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) == nil {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, m := range messages(fields[k]) {
				out = append(out, k+": "+m)
			}
		}
		return out
	}
	return messages(raw)
}

// messages reads a string, a list of strings or a list of {message} objects.
func messages(raw json.RawMessage) []string {
	if s := jsonx.Text(raw); s != "" {
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		if s := jsonx.Text(item); s != "" {
			out = append(out, s)
			continue
		}
		if _, m := errorField(item); m != "" {
			out = append(out, m)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// badResponse is the error for a 2xx answer whose data is missing or not
// the documented shape.
func badResponse(c *Client, op string, cause error) error {
	return &apierror.Error{Provider: Provider, Op: op, Message: "response data missing or malformed", Kind: apierror.ErrBadResponse, Err: cause}
}
