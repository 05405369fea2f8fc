package retry

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoff(t *testing.T) {
	p := Default()
	p.NoJitter = true
	require.Equal(t, 200*time.Millisecond, p.Backoff(1, false))
	require.Equal(t, 400*time.Millisecond, p.Backoff(2, false))
	require.Equal(t, 5*time.Second, p.Backoff(10, false), "capped")
	require.Equal(t, time.Second, p.Backoff(1, true), "rate limits start slower")
	require.Equal(t, 2*time.Second, p.Backoff(2, true), "and grow")

	p.NoJitter = false
	for i := 0; i < 100; i++ {
		d := p.Backoff(2, false)
		require.GreaterOrEqual(t, d, 200*time.Millisecond)
		require.LessOrEqual(t, d, 400*time.Millisecond)
	}
	require.Equal(t, time.Duration(0), Policy{}.Backoff(1, false))
}

func TestAttemptsAndNever(t *testing.T) {
	require.Equal(t, 3, Default().Attempts())
	require.Equal(t, 1, Never().Attempts())
	require.Equal(t, 1, Policy{}.Attempts())
}

func TestRetryable(t *testing.T) {
	p := Default()
	require.True(t, p.ShouldRetry(nil, errors.New("reset")))
	for _, s := range []int{429, 502, 503, 504} {
		require.True(t, p.ShouldRetry(&http.Response{StatusCode: s}, nil), "status %d", s)
	}
	for _, s := range []int{200, 400, 401, 404, 409, 500} {
		require.False(t, p.ShouldRetry(&http.Response{StatusCode: s}, nil), "status %d", s)
	}
	require.False(t, p.ShouldRetry(nil, nil))
	p.Retryable = func(*http.Response, error) bool { return false }
	require.False(t, p.ShouldRetry(nil, errors.New("reset")), "the policy's own rule wins")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"2", 2 * time.Second, true},
		{"0", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
		{"-5", 0, false},
	}
	for _, tt := range tests {
		d, ok := ParseRetryAfter(tt.in, now)
		require.Equal(t, tt.ok, ok, tt.in)
		require.Equal(t, tt.want, d, tt.in)
	}
	d, ok := ParseRetryAfter("99999999999999999999", now)
	require.True(t, ok)
	require.Greater(t, d, time.Duration(0), "absurd values do not overflow into negative waits")
}

func TestWait(t *testing.T) {
	var got time.Duration
	p := Policy{Sleep: func(_ context.Context, d time.Duration) error { got = d; return nil }}
	require.NoError(t, p.Wait(context.Background(), 3*time.Second))
	require.Equal(t, 3*time.Second, got)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, Policy{}.Wait(ctx, time.Hour), context.Canceled)
	require.ErrorIs(t, SleepContext(ctx, 0), context.Canceled)
	require.NoError(t, SleepContext(context.Background(), time.Millisecond))
}

func TestOr(t *testing.T) {
	def := Default()
	def.MaxAttempts = 2
	sleep := func(context.Context, time.Duration) error { return nil }
	got := Policy{Sleep: sleep, NoJitter: true}.Or(def)
	require.Equal(t, 2, got.MaxAttempts, "unset: the default schedule")
	require.NotNil(t, got.Sleep, "but the caller's sleeper")
	require.True(t, got.NoJitter)

	mine := Policy{MaxAttempts: 5}
	require.Equal(t, 5, mine.Or(def).MaxAttempts, "a set policy wins")
	rule := func(*http.Response, error) bool { return false }
	require.NotNil(t, Policy{Retryable: rule}.Or(def).Retryable)
}
