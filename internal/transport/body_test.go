package transport

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func TestReadBody(t *testing.T) {
	long := strings.Repeat("x", 3000)
	tests := []struct {
		name    string
		body    []byte
		length  int64
		header  http.Header
		max     int
		want    string
		wantErr bool
	}{
		{"sized from Content-Length", []byte(`{"a":1}`), 7, nil, 100, `{"a":1}`, false},
		{"unknown length grows", []byte(long), -1, nil, 4000, long, false},
		{"wrong Content-Length still reads it all", []byte(long), 10, nil, 4000, long, false},
		{"over the cap", []byte(long), -1, nil, 100, "", true},
		{"gzip sent unasked is decoded", gzipped(t, `{"gz":true}`), -1, http.Header{"Content-Encoding": {"gzip"}}, 100, `{"gz":true}`, false},
		{"broken gzip", []byte("not gzip"), -1, http.Header{"Content-Encoding": {"gzip"}}, 100, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			resp := &http.Response{Body: io.NopCloser(bytes.NewReader(tt.body)), ContentLength: tt.length, Header: h}
			got, err := readBody(resp, tt.max)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, string(got))
		})
	}
}

func TestGzipAnswerDecodesThroughDo(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodGet, base+"/gz", func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}}, Body: io.NopCloser(bytes.NewReader(gzipped(t, `{"n":7}`))), ContentLength: -1}, nil
	})
	var out struct{ N int }
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/gz"}, &out)
	require.NoError(t, err)
	require.Equal(t, 7, out.N)

	f.mt.RegisterResponder(http.MethodGet, base+"/badgz", func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}}, Body: io.NopCloser(strings.NewReader("junk")), ContentLength: -1}, nil
	})
	_, err = f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/badgz"}, &out)
	require.ErrorIs(t, err, apierror.ErrUnavailable)
}
