package partner

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// envelope is the wrapper every Partner answer comes in. The error side is
// kept raw because the docs do not fix its shape: message is a string,
// error may be a string or an object, errors a field map or a list.
type envelope[T any] struct {
	Success *bool           `json:"success"`
	Message json.RawMessage `json:"message"`
	Data    T               `json:"data"`
	Meta    Meta            `json:"meta"`
	Error   json.RawMessage `json:"error"`
	Errors  json.RawMessage `json:"errors"`
}

// Meta is the cursor pagination block of a page call. Pass NextCursor as the
// next call's Cursor; it is empty on the last page.
type Meta struct {
	NextCursor string `json:"next_cursor"`
	PrevCursor string `json:"prev_cursor"`
	PerPage    int    `json:"per_page"`
}

// UnmarshalJSON accepts per_page as a number or a numeric string and
// cursors as strings or null, since the docs show neither.
func (m *Meta) UnmarshalJSON(b []byte) error {
	var raw struct {
		NextCursor json.RawMessage `json:"next_cursor"`
		PrevCursor json.RawMessage `json:"prev_cursor"`
		PerPage    json.RawMessage `json:"per_page"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	m.NextCursor = text(raw.NextCursor)
	m.PrevCursor = text(raw.PrevCursor)
	m.PerPage, _ = strconv.Atoi(text(raw.PerPage))
	return nil
}

// call sends req and unwraps the envelope into data and meta. A 2xx answer
// with success:false is an error too.
func call[T any](ctx context.Context, c *Client, req *transport.Request, opts []option.CallOption) (T, Meta, error) {
	var env envelope[T]
	resp, err := c.t.Do(ctx, req, &env, opts...)
	if err != nil {
		var zero T
		return zero, Meta{}, err
	}
	if env.Success != nil && !*env.Success {
		e := decodeError(resp)
		if e.Kind == nil {
			// A refusal without an error status: the request was answered
			// and will be answered the same way again.
			e.Kind = apierror.ErrValidation
		}
		var zero T
		return zero, Meta{}, c.t.Fail(resp, e)
	}
	return env.Data, env.Meta, nil
}

// decodeError reads the provider's error envelope into message, code and
// kind; the transport fills status, op and raw body. It is the DecodeError
// of the client's transport.
func decodeError(resp *transport.Response) *apierror.Error {
	e := &apierror.Error{}
	var env envelope[json.RawMessage]
	if json.Unmarshal(resp.Body, &env) == nil {
		msgs := []string{}
		if m := text(env.Message); m != "" {
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

// text returns a JSON string's value, a number's or bool's literal text, and
// "" for null, absent or structured values.
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	if raw[0] == '{' || raw[0] == '[' {
		return ""
	}
	return string(raw)
}

// errorField reads "error": a plain string, or an object with code and
// message fields.
func errorField(raw json.RawMessage) (code, msg string) {
	if s := text(raw); s != "" {
		return "", s
	}
	var obj struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return text(obj.Code), text(obj.Message)
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
	if s := text(raw); s != "" {
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		if s := text(item); s != "" {
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
