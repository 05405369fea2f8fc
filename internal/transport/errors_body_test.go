package transport

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// unreadableErrors is a provider's decoder that cannot parse an error
// body: it reports the answer as one it could not read.
func unreadableErrors(*Response) *apierror.Error {
	return &apierror.Error{Message: "cannot decode error answer", Kind: apierror.ErrBadResponse}
}

// envelope is a provider's Unwrap: {"success":false,...} is a refusal sent
// with a 2xx status, {"data":...} is the answer, anything else cannot be read.
func envelope(resp *Response, out any) *apierror.Error {
	var env struct {
		Success *bool           `json:"success"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &env); err != nil || env.Success == nil {
		return &apierror.Error{Message: "cannot decode response", Kind: apierror.ErrBadResponse, Err: err}
	}
	if !*env.Success {
		return &apierror.Error{Message: "refused", Kind: apierror.ErrValidation}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return &apierror.Error{Message: "cannot decode data", Kind: apierror.ErrBadResponse, Err: err}
	}
	return nil
}

// TestErrorKeepsTheBodyItMay: which answer an *Error keeps as Raw. An
// error answer is kept (what the provider said, for support), even one
// the provider's decoder could not parse, whatever its status; the body
// of a 2xx the call could not read is the success answer with its goods
// (PINs, numbers, tokens) and is never kept; a refusal sent with a 2xx
// status is an error answer and is kept; a decoder's own Raw wins; no
// body keeps no Raw.
func TestErrorKeepsTheBodyItMay(t *testing.T) {
	decoderRaw := func(*Response) *apierror.Error {
		return &apierror.Error{Message: "bad sku", Raw: []byte(`{"code":7}`)}
	}
	tests := []struct {
		name    string
		status  int
		body    string
		decode  func(*Response) *apierror.Error
		unwrap  func(*Response, any) *apierror.Error
		wantRaw []byte // nil: no Raw at all
	}{
		{name: "an error answer", status: 422, body: `{"error":"bad sku"}`, wantRaw: []byte(`{"error":"bad sku"}`)},
		{name: "an error answer without a body", status: 404, body: ``, wantRaw: nil},
		{name: "the decoder's own Raw", status: 422, body: `{"error":{"code":7}}`, decode: decoderRaw, wantRaw: []byte(`{"code":7}`)},
		{name: "an error answer the decoder cannot read", status: 400, body: `<html>bad gateway</html>`, decode: unreadableErrors, wantRaw: []byte(`<html>bad gateway</html>`)},
		{name: "a 300 the decoder cannot read", status: 300, body: `<html>choose</html>`, decode: unreadableErrors, wantRaw: []byte(`<html>choose</html>`)},
		{name: "an informational answer the decoder cannot read", status: 101, body: `<html>switching</html>`, decode: unreadableErrors, wantRaw: []byte(`<html>switching</html>`)},
		{name: "a 2xx refusal", status: 200, body: `{"success":false,"error":"no free phones"}`, unwrap: envelope, wantRaw: []byte(`{"success":false,"error":"no free phones"}`)},
		{name: "an unreadable 2xx with goods", status: 200, body: `{"success":true,"data":{"pin":"12`, unwrap: envelope, wantRaw: nil},
		{name: "an unreadable 299", status: 299, body: `{"pin":"1234"`, wantRaw: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.DecodeError, c.Unwrap = tc.decode, tc.unwrap })
			f.mt.RegisterResponder(http.MethodPost, base+"/buy", httpmock.NewStringResponder(tc.status, tc.body))
			var out struct{ Pin string }
			_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{}`), Idempotency: NotIdempotent}, &out)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.status, e.StatusCode)
			if tc.wantRaw == nil {
				require.Nil(t, e.Raw)
				return
			}
			require.Equal(t, tc.wantRaw, e.Raw)
		})
	}
}

// TestErrorMessage: an error always says something. A status simkit has no
// kind for says its HTTP status text; a status with a kind leaves the
// message empty so the error reads the kind's own words, not a second,
// vaguer status text; a provider's message is kept, cut to MaxMessage bytes
// on a rune boundary and marked.
func TestErrorMessage(t *testing.T) {
	long := strings.Repeat("é", apierror.MaxMessage) // two bytes a rune
	tests := []struct {
		name      string
		status    int
		decode    func(*Response) *apierror.Error
		wantMsg   string
		wantError string
	}{
		{name: "a status without a kind", status: 418, wantMsg: "I'm a teapot", wantError: "simkit test POST /x: HTTP 418: I'm a teapot"},
		{name: "a status with a kind", status: 404, wantMsg: "", wantError: "simkit test POST /x: HTTP 404: not found"},
		{name: "the provider's message on a status without a kind", status: 418,
			decode:  func(*Response) *apierror.Error { return &apierror.Error{Message: "quota exceeded"} },
			wantMsg: "quota exceeded", wantError: "simkit test POST /x: HTTP 418: quota exceeded"},
		{name: "the provider's message on a status with a kind", status: 404,
			decode:  func(*Response) *apierror.Error { return &apierror.Error{Message: "no such order"} },
			wantMsg: "no such order", wantError: "simkit test POST /x: HTTP 404: no such order"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.DecodeError = tc.decode })
			f.mt.RegisterResponder(http.MethodPost, base+"/x", httpmock.NewStringResponder(tc.status, `{}`))
			_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Idempotency: NotIdempotent}, nil)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.wantMsg, e.Message)
			require.Equal(t, tc.wantError, err.Error())
		})
	}

	t.Run("a long provider message is capped", func(t *testing.T) {
		f := newFixture(t, func(c *Config) {
			c.DecodeError = func(*Response) *apierror.Error { return &apierror.Error{Message: long} }
		})
		f.mt.RegisterResponder(http.MethodPost, base+"/x", httpmock.NewStringResponder(400, `{}`))
		_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", Idempotency: NotIdempotent}, nil)
		var e *apierror.Error
		require.ErrorAs(t, err, &e)
		require.True(t, strings.HasSuffix(e.Message, "…"), "the cut is marked")
		require.LessOrEqual(t, len(strings.TrimSuffix(e.Message, "…")), apierror.MaxMessage)
		require.True(t, utf8.ValidString(e.Message), "no rune is split")
	})
}

// TestFailWithoutAnAnswer: a provider failing a call it has no answer for
// gets its error back with the provider named and nothing else invented.
func TestFailWithoutAnAnswer(t *testing.T) {
	f := newFixture(t)
	e := f.c.Fail(nil, &apierror.Error{Message: "no order in the answer", Kind: apierror.ErrBadResponse})
	require.NotNil(t, e)
	require.Equal(t, "test", e.Provider)
	require.Equal(t, "no order in the answer", e.Message)
	require.Zero(t, e.StatusCode)
	require.Nil(t, e.Raw)
}
