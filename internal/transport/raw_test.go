package transport

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

func TestRawRoute(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/customer/v2/sims", "/customer/v2/sims"},
		{"/customer/v2/sims/89852341234567890123/usage", "/customer/v2/sims/{param}/usage"},
		{"/v1/user/reuse/telegram/79001234567", "/v1/user/reuse/telegram/{param}"},
		{"/orders/7898e683-4e56-44a3-9782-eca3f758a844", "/orders/{param}"},
		{"/users/a%40b.example", "/users/{param}"},
		{"/users/a@b.example/v10", "/users/{param}/v10"},
		{"/v1/guest/prices", "/v1/guest/prices"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, RawRoute(tt.path), tt.path)
	}
}

func TestNewRawRequest(t *testing.T) {
	var out map[string]any
	tests := []struct {
		name    string
		rc      RawCall
		out     any
		wantErr string
		check   func(t *testing.T, r *Request)
	}{
		{name: "GET is at most once by default", rc: RawCall{Method: "GET", Path: "/a/1"}, out: &out,
			check: func(t *testing.T, r *Request) {
				require.Equal(t, NotIdempotent, r.Idempotency)
				require.Equal(t, "GET /a/{param}", r.Op)
			}},
		{name: "idempotent when marked", rc: RawCall{Method: "POST", Path: "/a", Idempotent: true, Route: "/a"},
			check: func(t *testing.T, r *Request) { require.Equal(t, Idempotent, r.Idempotency) }},
		{name: "raw JSON sent as is", rc: RawCall{Method: "POST", Path: "/a", Body: json.RawMessage(`{"x":1}`)},
			check: func(t *testing.T, r *Request) {
				require.Equal(t, []byte(`{"x":1}`), r.Body)
				require.Equal(t, "application/json", r.ContentType)
				require.Nil(t, r.JSON)
			}},
		{name: "a value is marshalled", rc: RawCall{Method: "POST", Path: "/a", Body: map[string]int{"x": 1}},
			check: func(t *testing.T, r *Request) { require.Equal(t, map[string]int{"x": 1}, r.JSON) }},
		{name: "lower-case method", rc: RawCall{Method: "get", Path: "/a"}, wantErr: "method"},
		{name: "no leading slash could change the host", rc: RawCall{Method: "GET", Path: "@evil.example/x"}, wantErr: "must start with /"},
		{name: "query in the path", rc: RawCall{Method: "GET", Path: "/a?b=1"}, wantErr: "query"},
		{name: "dot segments", rc: RawCall{Method: "GET", Path: "/api/../admin"}, wantErr: "dot segments"},
		{name: "white space", rc: RawCall{Method: "GET", Path: "/a b"}, wantErr: "white space"},
		{name: "route not a template", rc: RawCall{Method: "GET", Path: "/a", Route: "a"}, wantErr: "route"},
		{name: "out not a pointer", rc: RawCall{Method: "GET", Path: "/a"}, out: out, wantErr: "pointer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRawRequest("test", tt.rc, tt.out)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, apierror.ErrValidation)
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, r)
		})
	}
}
