package simkittest

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRecorderRedactsEverySecretShape(t *testing.T) {
	upstream := rtFunc(func(r *http.Request) (*http.Response, error) {
		body := `{"data":{"session":{"refresh_token":"refresh-777"},"owner":"alice@example.com"}}`
		return &http.Response{StatusCode: 200, Header: http.Header{"Set-Cookie": {"sid=cookie-1"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	path := filepath.Join(t.TempDir(), "x.json")
	rec := NewRecorder(path, upstream, "alice@example.com")
	for _, tc := range []struct {
		url, ctype, body string
	}{
		{"https://h.example/hooks?token=tok-query-1&page=2", "", ""},
		{"https://h.example/token", "application/x-www-form-urlencoded", "client_id=me&client_secret=form-secret-1"},
		{"https://h.example/json", "application/json", `{"auth":[{"access_token":"json-token-1"}],"email":"alice@example.com"}`},
		{"https://h.example/basic", "", ""},
	} {
		req, err := http.NewRequest("POST", tc.url, strings.NewReader(tc.body))
		require.NoError(t, err)
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		req.SetBasicAuth("user", "basic-pass")
		resp, err := rec.RoundTrip(req)
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		require.Contains(t, string(got), "refresh-777", "the caller still sees the real answer")
	}
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, secret := range []string{"tok-query-1", "form-secret-1", "json-token-1", "refresh-777", "alice@example.com", "cookie-1", "basic-pass", "dXNlcjpiYXNpYy1wYXNz"} {
		require.NotContains(t, string(raw), secret)
	}
	require.Contains(t, string(raw), "page=2")

	rp, err := NewReplayer(path)
	require.NoError(t, err)
	req, _ := http.NewRequest("POST", "https://elsewhere.example/hooks?page=2&token=other", nil)
	resp, err := rp.RoundTrip(req)
	require.NoError(t, err, "sensitive query values match by presence")
	require.Equal(t, 200, resp.StatusCode)
	require.Len(t, rp.Unused(), 3)
}

func TestReplayerRefusesBadFixtures(t *testing.T) {
	dir := t.TempDir()
	_, err := NewReplayer(filepath.Join(dir, "missing.json"))
	require.Error(t, err)
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{"), 0o644))
	_, err = NewReplayer(bad)
	require.ErrorContains(t, err, "bad.json")

	rec := NewRecorder(filepath.Join(bad, "sub", "x.json"), rtFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 204, Body: http.NoBody}, nil
	}))
	req, _ := http.NewRequest("GET", "https://h.example/", nil)
	_, err = rec.RoundTrip(req)
	require.Error(t, err, "an unwritable fixture fails the request, not silently")
}
