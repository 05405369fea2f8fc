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

// TestAnswerClassification: what a money call reads from each kind of
// answer: a 5xx may have acted, a 4xx did not; a 429's Retry-After is
// kept; a failure after sending says the request failed, not that it
// timed out; any bad-response error counts as ambiguous, whoever made it.
func TestAnswerClassification(t *testing.T) {
	f := newFixture(t)
	post := func(path string) *apierror.Error {
		t.Helper()
		_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: path, Body: []byte(`{}`), Idempotency: NotIdempotent}, nil)
		var e *apierror.Error
		require.ErrorAs(t, err, &e)
		return e
	}
	f.mt.RegisterResponder(http.MethodPost, base+"/500", httpmock.NewStringResponder(500, ``))
	require.True(t, post("/500").Ambiguous, "a 5xx may come after the work")
	f.mt.RegisterResponder(http.MethodPost, base+"/499", httpmock.NewStringResponder(499, ``))
	require.False(t, post("/499").Ambiguous)

	f.mt.RegisterResponder(http.MethodPost, base+"/429", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(429, ``)
		r.Header.Set("Retry-After", "7")
		return r, nil
	})
	require.Equal(t, "7s", post("/429").RetryAfter.String())

	f.mt.RegisterResponder(http.MethodPost, base+"/reset", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	e := post("/reset")
	require.Contains(t, e.Message, "request failed")
	require.NotContains(t, e.Message, "timed out")

	require.True(t, Ambiguous(&apierror.Error{Kind: apierror.ErrBadResponse}), "a provider's own unreadable-answer error")
	require.False(t, Ambiguous(errors.New("not an apierror")))
}

// TestEmptySuccessIsNotAnError: a 2xx with no body at all (a 204, or a 200
// the provider leaves empty) succeeds; there is nothing to decode.
func TestEmptySuccessIsNotAnError(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodPost, base+"/ack", httpmock.NewStringResponder(200, ``))
	var out struct{ OK bool }
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/ack", Body: []byte(`{}`), Idempotency: NotIdempotent}, &out)
	require.NoError(t, err)
	require.False(t, out.OK)
}

// TestAmbiguityOutlivesLaterAnswers: once an attempt of a deduplicated
// order may have reached the provider without a readable answer, the
// call's error says so whatever a later attempt answered: the first
// attempt may have placed the order.
func TestAmbiguityOutlivesLaterAnswers(t *testing.T) {
	for name, first := range map[string]httpmock.Responder{
		"no answer": httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		"a 503":     httpmock.NewStringResponder(503, `busy`),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.mt.RegisterResponder(http.MethodPost, base+"/orders", sequence(first, httpmock.NewStringResponder(409, `{"error":"duplicate"}`)))
			_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/orders", Body: []byte(`{}`), Idempotency: Idempotent}, nil)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, 409, e.StatusCode)
			require.Equal(t, 2, f.mt.GetTotalCallCount())
			require.True(t, e.Ambiguous, "the first attempt may have acted")
			require.True(t, Ambiguous(err))
		})
	}
}
