package jsonx

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSkipValueEndsWhereJSONDoes checks the scanners against
// encoding/json's own encoding: escapes on each side of every eight-byte
// boundary, nested values holding closers inside strings, scalars before
// each delimiter.
func TestSkipValueEndsWhereJSONDoes(t *testing.T) {
	var values []any
	for n := 0; n < 20; n++ {
		for _, esc := range []string{`"`, `\`, `\\`, `\"`, "\n", "é", "}]"} {
			values = append(values, strings.Repeat("a", n)+esc+strings.Repeat("b", n%9))
		}
	}
	values = append(values, 12, -1.5e3, true, nil, map[string]any{"k": []any{"]}", 1, map[string]any{"x\"": "{"}}}, []any{})
	for _, v := range values {
		text, err := json.Marshal(v)
		require.NoError(t, err)
		for _, after := range []string{",1", "}", "]", " ", "\n", "\t", "]]]]]]]]]]", ",\"aaaaaaaaaa\""} {
			body := append(append([]byte(nil), text...), after...)
			require.Equal(t, len(text), skipValue(body, 0), "%s", body)
		}
		require.Equal(t, len(text), skipValue(text, 0), "value at the end: %s", text)
	}
}

func TestScannersStopAtTheEnd(t *testing.T) {
	for _, body := range []string{`"abc`, `"abcdefghij\`, `{"a":[1,"x`, `[[[`, `"`, `tru`} {
		require.Equal(t, len(body), skipValue([]byte(body), 0), body)
	}
}

func TestWSStopsAtTheFirstToken(t *testing.T) {
	for n := 0; n < 20; n++ {
		for _, token := range []string{"", "{", `"é"`, "1", "\x80", "!", "\xff"} {
			body := []byte(strings.Repeat(" \t\r\n", 5)[:n] + token + "   ")
			want := n
			if token == "" {
				want = len(body)
			}
			require.Equal(t, want, ws(body, 0), "%q", body)
		}
	}
}
