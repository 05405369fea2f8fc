package apierror

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every error renders on one line, whatever its parts hold: joined causes
// (errors.Join separates them with newlines) and provider messages or
// codes with line breaks would otherwise split a log line.
func TestErrorIsOneLine(t *testing.T) {
	joined := errors.Join(errors.New("smsnumbers: no code"), context.Canceled)
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"joined cause", &Error{Provider: "smsnumbers", Op: "activation", Message: "no code", Err: joined},
			"simkit smsnumbers activation: no code: smsnumbers: no code; context canceled"},
		{"nested joined cause", &Error{Provider: "partner", Message: "m", Err: &Error{Message: "inner", Err: joined}},
			"simkit partner: m: simkit: inner: smsnumbers: no code; context canceled"},
		{"provider message with line breaks", &Error{Provider: "smsnumbers", StatusCode: 400, Message: "bad\r\nrequest\n"},
			"simkit smsnumbers: HTTP 400: bad; request"},
		{"provider code with a line break", &Error{Provider: "topups", StatusCode: 422, Code: "3\n4"},
			"simkit topups: HTTP 422 code 3; 4"},
		{"validation", Validation("partner", "POST /orders", "bad %s", "a\nb"), "simkit partner POST /orders: bad a; b"},
		{"not configured", NotConfigured("esimstory"), "simkit esimstory: provider not configured: set its credentials in the options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.err.Error()
			require.Equal(t, tt.want, got)
			require.False(t, strings.ContainsAny(got, "\r\n"))
			require.ErrorIs(t, tt.err, tt.err) // classification is unchanged
		})
	}
	require.ErrorIs(t, tests[0].err, context.Canceled, "flattening the text keeps the causes")
}
