package observe_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/observe"
)

func TestClass(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, "ok"},
		{"kind", &apierror.Error{Kind: apierror.ErrRateLimited}, "rate_limited"},
		{"wrapped kind", fmt.Errorf("buy: %w", &apierror.Error{Kind: apierror.ErrInsufficientFunds}), "insufficient_funds"},
		{"kind wins over cause", &apierror.Error{Kind: apierror.ErrRateLimited, Err: context.DeadlineExceeded}, "rate_limited"},
		{"unknown outcome wins over the failure joined to it", errors.Join(apierror.ErrUnavailable, apierror.ErrOutcomeUnknown), "outcome_unknown"},
		{"bare sentinel", apierror.ErrBadResponse, "bad_response"},
		{"cancelled, no kind", &apierror.Error{Err: context.Canceled}, "canceled"},
		{"deadline", context.DeadlineExceeded, "deadline"},
		{"other", errors.New("boom"), "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, observe.Class(tt.err))
		})
	}
}

func TestStatusClass(t *testing.T) {
	for status, want := range map[int]string{200: "ok", 204: "ok", 402: "insufficient_funds", 429: "rate_limited", 503: "unavailable", 500: "server", 418: "error"} {
		require.Equal(t, want, observe.StatusClass(status), status)
	}
}

// partial overrides one method; the rest come from Base.
type partial struct {
	observe.Base
	ends int
}

func (p *partial) CallEnd(context.Context, observe.CallEnd) { p.ends++ }

func TestBaseFillsTheRest(t *testing.T) {
	p := &partial{}
	var o observe.Observer = p
	ctx := context.Background()
	require.Equal(t, ctx, o.CallStart(ctx, observe.CallStart{}))
	o.CallEnd(ctx, observe.CallEnd{})
	o.Webhook(ctx, observe.Webhook{})
	require.Equal(t, 1, p.ends)
	require.Equal(t, observe.Base{}, observe.Or(nil))
	require.Same(t, p, observe.Or(p))
}
