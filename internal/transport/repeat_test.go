package transport

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// TestErrorSaysWhetherToCallAgain: every failed call's error answers "may
// the provider have acted?" and "may I call again?", with or without an
// observer: a read never acts; a deduplicated call is safe to repeat; any
// other call that may have acted is not.
func TestErrorSaysWhetherToCallAgain(t *testing.T) {
	tests := []struct {
		name         string
		method       string
		idem         Idempotency
		status       int
		wantActed    bool
		wantRepeatOK bool
	}{
		{name: "a refused order", method: http.MethodPost, idem: NotIdempotent, status: 422, wantActed: false, wantRepeatOK: true},
		{name: "an order answered with a 5xx", method: http.MethodPost, idem: NotIdempotent, status: 500, wantActed: true, wantRepeatOK: false},
		{name: "a deduplicated order answered with a 5xx", method: http.MethodPost, idem: Idempotent, status: 500, wantActed: true, wantRepeatOK: true},
		{name: "a read answered with a 5xx", method: http.MethodGet, idem: Auto, status: 500, wantActed: false, wantRepeatOK: true},
	}
	for _, observed := range []bool{false, true} {
		for _, tc := range tests {
			name := tc.name
			if observed {
				name += " observed"
			}
			t.Run(name, func(t *testing.T) {
				var edit []func(*Config)
				if observed {
					edit = append(edit, withObserver(&recorder{}))
				}
				f := newFixture(t, edit...)
				f.mt.RegisterResponder(tc.method, base+"/orders", httpmock.NewStringResponder(tc.status, `{}`))
				_, err := f.c.Do(context.Background(), &Request{Method: tc.method, Path: "/orders", Idempotency: tc.idem}, nil)
				var e *apierror.Error
				require.ErrorAs(t, err, &e)
				require.Equal(t, tc.status, e.StatusCode)
				require.Equal(t, tc.wantActed, e.MayHaveActed, "may have acted")
				require.Equal(t, tc.wantRepeatOK, e.SafeToRetry, "safe to call again")
			})
		}
	}
}
