package page

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// pages serves n pages of 2 items and counts fetches.
func pages(n int, calls *int) Fetch[int] {
	return func(_ context.Context, token string) ([]int, string, error) {
		*calls++
		p := 0
		if token != "" {
			p, _ = strconv.Atoi(token)
		}
		next := ""
		if p+1 < n {
			next = strconv.Itoa(p + 1)
		}
		return []int{2 * p, 2*p + 1}, next, nil
	}
}

func TestWalk(t *testing.T) {
	calls := 0
	var got []int
	for v, err := range Walk(context.Background(), pages(3, &calls)) {
		require.NoError(t, err)
		got = append(got, v)
	}
	require.Equal(t, []int{0, 1, 2, 3, 4, 5}, got)
	require.Equal(t, 3, calls)
}

func TestWalkBreakFetchesNoMore(t *testing.T) {
	calls := 0
	for v := range Walk(context.Background(), pages(3, &calls)) {
		if v == 1 {
			break
		}
	}
	require.Equal(t, 1, calls, "breaking on the last item of a page does not fetch the next")
}

func TestWalkStopsOnErrorContextAndRepeatedToken(t *testing.T) {
	boom := errors.New("boom")
	var errs []error
	for _, err := range Walk(context.Background(), func(context.Context, string) ([]int, string, error) { return nil, "", boom }) {
		errs = append(errs, err)
	}
	require.Equal(t, []error{boom}, errs)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	// fetch reports the ended context (the transport does, as a typed
	// error); the walk yields it once and stops.
	ended := func(ctx context.Context, _ string) ([]int, string, error) {
		calls++
		return nil, "", ctx.Err()
	}
	errs = nil
	for _, err := range Walk(ctx, ended) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], context.Canceled)
	require.Equal(t, 1, calls)

	calls = 0
	loop := func(context.Context, string) ([]int, string, error) {
		calls++
		return []int{1}, "same", nil
	}
	n := 0
	for range Walk(context.Background(), loop) {
		n++
	}
	require.Equal(t, 2, calls, "a server repeating its cursor cannot loop the walker forever")

	// An early break right after an error is honoured too.
	for _, err := range Walk(context.Background(), func(context.Context, string) ([]int, string, error) { return nil, "", boom }) {
		require.Error(t, err)
		break
	}
}
