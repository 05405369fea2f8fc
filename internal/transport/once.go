package transport

import (
	"context"
	"io"
	"net/http"
)

// onceKey marks, on an attempt's context, a request that must reach the
// provider at most once.
type onceKey struct{}

// withOnce marks ctx so onceTransport makes its request unreplayable.
func withOnce(ctx context.Context) context.Context {
	return context.WithValue(ctx, onceKey{}, true)
}

// onceTransport sits directly above the connection pool and makes a request
// marked by withOnce impossible to send twice from below us. Go's
// http.Transport replays a request by itself when a reused keep-alive
// connection dies after the request was written, if it thinks the request is
// replayable: every GET without a body is (and a 5sim buy is a GET that
// spends money), as is any request whose body can be rewound through
// GetBody. HTTP/2 retries the same way on some stream errors. A body that
// cannot be rewound makes both refuse: a request with a non-nil body and no
// GetBody is never replayed once anything was written. An empty body is
// probed and sent as no body, so the provider sees the same GET.
type onceTransport struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t *onceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Context().Value(onceKey{}) == nil {
		return t.base.RoundTrip(req)
	}
	// A RoundTripper must not change the caller's request: work on a
	// shallow copy.
	r := req.WithContext(req.Context())
	r.Body = &onceBody{rc: req.Body}
	r.GetBody = nil
	return t.base.RoundTrip(r)
}

// onceBody is a request body that cannot be rewound.
type onceBody struct{ rc io.ReadCloser }

func (b *onceBody) Read(p []byte) (int, error) {
	if b.rc == nil || b.rc == http.NoBody {
		return 0, io.EOF
	}
	return b.rc.Read(p)
}

func (b *onceBody) Close() error {
	if b.rc == nil {
		return nil
	}
	return b.rc.Close()
}
