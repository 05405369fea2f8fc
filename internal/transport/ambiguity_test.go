package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// TestUnreadableSuccessIsAmbiguous: a 2xx whose body cannot be read may
// hide work done, so its error is marked ambiguous, and the body (which
// may carry goods) is not kept; an error status keeps its body.
func TestUnreadableSuccessIsAmbiguous(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodPost, base+"/buy", httpmock.NewStringResponder(200, `{"pin":"1234`))
	var out struct{ Pin string }
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{}`), Idempotency: NotIdempotent}, &out)
	require.ErrorIs(t, err, apierror.ErrBadResponse)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.True(t, e.Ambiguous, "the provider may have acted")
	require.True(t, Ambiguous(err))
	require.Nil(t, e.Raw, "an unread 2xx body is not kept")

	f.mt.RegisterResponder(http.MethodPost, base+"/refused", httpmock.NewStringResponder(422, `{"error":"bad sku"}`))
	_, err = f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/refused", Body: []byte(`{}`), Idempotency: NotIdempotent}, &out)
	require.ErrorAs(t, err, &e)
	require.False(t, e.Ambiguous, "a refusal is definite")
	require.Equal(t, `{"error":"bad sku"}`, string(e.Raw))
}

// TestFailureBeforeSendingIsNotAmbiguous: a connection that was never made
// (refused, or a name that does not resolve) proves nothing was sent.
func TestFailureBeforeSendingIsNotAmbiguous(t *testing.T) {
	for name, cause := range map[string]error{
		"dial":  &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")},
		"dns":   &net.DNSError{Err: "no such host", Name: "provider.invalid", IsNotFound: true},
		"reset": &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.mt.RegisterResponder(http.MethodPost, base+"/buy", httpmock.NewErrorResponder(cause))
			_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{}`), Idempotency: NotIdempotent}, nil)
			require.Error(t, err)
			require.Equal(t, name == "reset", Ambiguous(err), "only a failure after connecting may have reached the provider")
		})
	}
}
