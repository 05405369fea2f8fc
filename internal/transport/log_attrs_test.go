package transport

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// A log line carries status and request_id only when an answer came: a
// retry after a transport error must not read as if the provider had
// answered status 0 with an empty request id.
func TestLogAttrsOnlyForWhatHappened(t *testing.T) {
	tests := []struct {
		name    string
		first   httpmock.Responder
		want    []string
		wantNot []string
	}{
		{
			name:    "transport error",
			first:   httpmock.NewErrorResponder(errors.New("connection reset")),
			wantNot: []string{`"status"`, `"request_id"`},
		},
		{
			name:    "answer without a request id",
			first:   httpmock.NewStringResponder(503, `{}`),
			want:    []string{`"status":503`},
			wantNot: []string{`"request_id"`},
		},
		{
			name:  "answer with a request id",
			first: httpmock.NewStringResponder(503, `{}`).HeaderSet(http.Header{"X-Request-Id": {"req-1"}}),
			want:  []string{`"status":503`, `"request_id":"req-1"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
			f := newFixture(t, func(c *Config) { c.Shared.Logger = logger })
			f.mt.RegisterResponder("GET", base+"/things/7", sequence(tt.first, httpmock.NewStringResponder(200, `{}`)))
			_, err := f.c.Do(context.Background(), &Request{Method: "GET", Path: "/things/7", Op: "GET /things/{id}"}, nil)
			require.NoError(t, err)
			line := buf.String()
			require.Contains(t, line, `"msg":"simkit: retrying"`)
			require.Equal(t, 1, bytes.Count(buf.Bytes(), []byte("\n")), "one retry line")
			for _, w := range tt.want {
				require.Contains(t, line, w)
			}
			for _, w := range tt.wantNot {
				require.NotContains(t, line, w)
			}
		})
	}
}
