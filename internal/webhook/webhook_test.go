package webhook

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/capped"
)

func TestReadBody(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		max     int64
		chunked bool
		wantErr error
	}{
		{"small", "hello", 10, false, nil},
		{"exactly the cap", "0123456789", 10, false, nil},
		{"declared too large", strings.Repeat("x", 11), 10, false, capped.ErrTooLarge},
		{"undeclared too large", strings.Repeat("x", 11), 10, true, capped.ErrTooLarge},
		{"default cap", strings.Repeat("x", MaxBody+1), 0, true, capped.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(tt.body))
			if tt.chunked {
				r.ContentLength = -1
			}
			b, err := ReadBody(r, tt.max)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.body, string(b))
		})
	}
}

func TestReply(t *testing.T) {
	w := httptest.NewRecorder()
	Reply(w, http.StatusUnauthorized, `bad "signature"`)
	require.Equal(t, 401, w.Code)
	require.JSONEq(t, `{"message":"bad \"signature\""}`, w.Body.String())
	require.Equal(t, "application/json", w.Header().Get("Content-Type"))
}
