package jsonx

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestScalarForms(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{`"  abc "`, "abc", false},
		{`42`, "42", false},
		{`9.50`, "9.50", false},
		{`true`, "true", false},
		{`null`, "", false},
		{``, "", false},
		{`{"a":1}`, "", true},
		{`[1]`, "", true},
		{`"unterminated`, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Scalar([]byte(tc.in))
			if tc.wantErr {
				require.Error(t, err)
				require.Equal(t, "", Text([]byte(tc.in)))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.want, Text([]byte(tc.in)))
		})
	}
}

func TestTypedDecoders(t *testing.T) {
	var v struct {
		ID    String `json:"id"`
		N     Int    `json:"n"`
		F     Int    `json:"f"`
		At    Time   `json:"at"`
		Unix  Time   `json:"unix"`
		Empty Time   `json:"empty"`
	}
	err := json.Unmarshal([]byte(`{"id":12345678901234567890,"n":"25","f":1024.0,"at":"2023-03-16 14:12:24","unix":1768478058,"empty":null}`), &v)
	require.NoError(t, err)
	require.Equal(t, String("12345678901234567890"), v.ID, "a number id is kept exactly, not through float64")
	require.Equal(t, Int(25), v.N)
	require.Equal(t, Int(1024), v.F)
	require.Equal(t, time.Date(2023, 3, 16, 14, 12, 24, 0, time.UTC), time.Time(v.At))
	require.Equal(t, time.Unix(1768478058, 0).UTC(), time.Time(v.Unix))
	require.True(t, time.Time(v.Empty).IsZero())

	var bad struct {
		N Int `json:"n"`
	}
	require.Error(t, json.Unmarshal([]byte(`{"n":"1.5"}`), &bad), "a fraction is not silently truncated")
	var badT struct {
		T Time `json:"t"`
	}
	require.Error(t, json.Unmarshal([]byte(`{"t":"yesterday"}`), &badT))
}

// TestUnquoteMatchesEncodingJSON: the fast path must give exactly what
// encoding/json gives, and refuse exactly what it refuses.
func TestUnquoteMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`"abc"`, `""`, `"  spaced  "`, `"2026-01-15T12:58:23+00:00"`, `"a\"b"`, `"a\\b"`, `"tab\tx"`,
		`"\u00e9t\u00e9"`, `"été"`, "\"bad\xffutf8\"", "\"ctl\x01\"", `null`, `"`, `"open`, `"a"b"`, `42`, `{}`,
	} {
		t.Run(in, func(t *testing.T) {
			var want string
			wantErr := json.Unmarshal([]byte(in), &want)
			got, err := Unquote([]byte(in))
			require.Equal(t, wantErr != nil, err != nil, "error: %v vs encoding/json's %v", err, wantErr)
			if wantErr == nil {
				require.Equal(t, want, got)
			}
		})
	}
}
