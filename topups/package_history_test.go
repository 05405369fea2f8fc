package topups

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

var historyURL = testBase + "/customer/v2/sims/" + testICCID + "/packages"

func TestPackageHistoryDecodes(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, historyURL, jsonResponder(200, fixture(t, "package_history.json")))
	h, err := e.c.PackageHistory(context.Background(), testICCID)
	require.NoError(t, err)
	require.Equal(t, testICCID, h.ICCID)
	require.Equal(t, e.clock.Now(), h.FetchedAt)
	require.Equal(t, []HistoryPackage{
		{ID: 725, Status: PackageExpired,
			ActivatedAt: time.Date(2023, 1, 9, 10, 30, 45, 0, time.UTC),
			ExpiredAt:   time.Date(2023, 1, 16, 10, 30, 45, 0, time.UTC),
			Package: Package{ID: "bonjour-7days-1gb", Type: "sim", Price: decimal.RequireFromString("6"),
				NetPrice: decimal.NewNullDecimal(decimal.RequireFromString("4.5")), Amount: 1024, Day: 7, Title: "1 GB - 7 Days", Data: "1 GB"}},
		{ID: 728, Status: PackageActive, Remaining: 512, RemainingVoice: 30, RemainingText: 10,
			ActivatedAt: time.Date(2023, 3, 16, 14, 20, 0, 0, time.UTC),
			Package: Package{ID: "bonjour-7days-unlimited-topup", Type: "topup", Price: decimal.RequireFromString("9.5"),
				Day: 7, IsUnlimited: true, Title: "Unlimited - 7 Days", Data: "Unlimited", ShortInfo: "No phone number."}},
	}, normalizeUTC(h.Packages))
	require.False(t, h.Packages[1].Package.NetPrice.Valid, "null net price is not zero")
	require.Equal(t, DiscountPricing, h.Pricing.Model)
	require.True(t, decimal.NewFromInt(10).Equal(h.Pricing.DiscountPercentage.Decimal))
}

// normalizeUTC drops the location difference between a time decoded from
// the cache and one built with time.Date.
func normalizeUTC(ps []HistoryPackage) []HistoryPackage {
	for i := range ps {
		for _, t := range []*time.Time{&ps[i].ActivatedAt, &ps[i].ExpiredAt, &ps[i].FinishedAt} {
			if !t.IsZero() {
				*t = t.UTC()
			}
		}
	}
	return ps
}

// The provider allows one request per eSIM per 15 minutes: a second call
// inside the window is served from the cache, one after it asks again.
func TestPackageHistoryCachedForWindow(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, historyURL, jsonResponder(200, fixture(t, "package_history.json")))
	ctx := context.Background()
	first, err := e.c.PackageHistory(ctx, testICCID)
	require.NoError(t, err)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL))

	e.clock.Advance(14*time.Minute + 59*time.Second)
	second, err := e.c.PackageHistory(ctx, testICCID)
	require.NoError(t, err)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL), "no request inside the window")
	require.Equal(t, 14*time.Minute+59*time.Second, second.Age(e.clock.Now()))
	require.True(t, first.FetchedAt.Equal(second.FetchedAt))
	require.Len(t, second.Packages, 2)

	e.clock.Advance(time.Second)
	third, err := e.c.PackageHistory(ctx, testICCID)
	require.NoError(t, err)
	require.Equal(t, 2, e.calls(http.MethodGet, historyURL), "one request once the window passed")
	require.Zero(t, third.Age(e.clock.Now()))
}

func TestPackageHistoryConcurrentCallsSendOneRequest(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	e.mt.RegisterResponder(http.MethodGet, historyURL, func(*http.Request) (*http.Response, error) {
		<-release
		return httpmock.NewStringResponse(200, fixture(t, "package_history.json")), nil
	})
	const n = 50
	var wg, started sync.WaitGroup
	errs := make(chan error, n)
	started.Add(n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			h, err := e.c.PackageHistory(context.Background(), testICCID)
			if err == nil && len(h.Packages) != 2 {
				err = errors.New("wrong history")
			}
			errs <- err
		}()
	}
	started.Wait()
	// Every caller but the leader is queued on the flight before the
	// answer is released.
	require.Eventually(t, func() bool { return e.c.flight.Waiting(historyKeyPrefix+testICCID) == n-1 }, 10*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL))
}

// When the window was spent without a cached answer, the call fails with
// ErrRateLimited and the time to wait, and sends nothing.
func TestPackageHistoryRateLimitedWhenNothingCached(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, historyURL, httpmock.ResponderFromMultipleResponses([]*http.Response{
		httpmock.NewStringResponse(500, `{"message":"Server Error"}`),
		httpmock.NewStringResponse(200, `{"data":[]}`),
	}))
	ctx := context.Background()
	_, err := e.c.PackageHistory(ctx, testICCID)
	require.ErrorIs(t, err, apierror.ErrServer)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL), "never retried")

	e.clock.Advance(5 * time.Minute)
	_, err = e.c.PackageHistory(ctx, testICCID)
	require.ErrorIs(t, err, apierror.ErrRateLimited)
	var ae *apierror.Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 10*time.Minute, ae.RetryAfter)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL))

	e.clock.Advance(10 * time.Minute)
	h, err := e.c.PackageHistory(ctx, testICCID)
	require.NoError(t, err)
	require.Empty(t, h.Packages)
	require.Equal(t, 2, e.calls(http.MethodGet, historyURL))
}

// The provider's own 429 is not retried (a retry would be a second request
// in the window) and keeps the window closed.
func TestPackageHistoryProvider429NotRetried(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, historyURL, func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(429, `{"message":"Too Many Attempts."}`)
		r.Header.Set("Retry-After", "60")
		return r, nil
	})
	_, err := e.c.PackageHistory(context.Background(), testICCID)
	require.ErrorIs(t, err, apierror.ErrRateLimited)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL))
	require.Empty(t, *e.sleeps)
	_, err = e.c.PackageHistory(context.Background(), testICCID)
	require.ErrorIs(t, err, apierror.ErrRateLimited)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL))
}

// A request that got no answer did not spend the allowance: the window is
// given back and the next call may ask at once.
func TestPackageHistoryNoAnswerReleasesWindow(t *testing.T) {
	e := newEnv(t)
	failed := false
	e.mt.RegisterResponder(http.MethodGet, historyURL, func(*http.Request) (*http.Response, error) {
		if !failed {
			failed = true
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
		}
		return httpmock.NewStringResponse(200, fixture(t, "package_history.json")), nil
	})
	ctx := context.Background()
	_, err := e.c.PackageHistory(ctx, testICCID)
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL))

	h, err := e.c.PackageHistory(ctx, testICCID)
	require.NoError(t, err)
	require.Len(t, h.Packages, 2)
	require.Equal(t, 2, e.calls(http.MethodGet, historyURL))
}

// A request whose answer was lost may have been counted by the provider:
// the call fails as unavailable (saying when the window reopens) and the
// window stays closed, so no later call sends a request the provider would
// refuse.
func TestPackageHistoryLostAnswerKeepsWindow(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, historyURL, httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	ctx := context.Background()
	_, err := e.c.PackageHistory(ctx, testICCID)
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.NotErrorIs(t, err, apierror.ErrRateLimited)
	var ae *apierror.Error
	require.ErrorAs(t, err, &ae)
	require.True(t, ae.Ambiguous)
	require.Equal(t, HistoryWindow, ae.RetryAfter)

	_, err = e.c.PackageHistory(ctx, testICCID)
	require.ErrorIs(t, err, apierror.ErrRateLimited)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL), "never a second request inside the window")
}

// Each ICCID has its own window.
func TestPackageHistoryWindowPerICCID(t *testing.T) {
	e := newEnv(t)
	other := "8944500102198304826"
	otherURL := testBase + "/customer/v2/sims/" + other + "/packages"
	e.mt.RegisterResponder(http.MethodGet, historyURL, jsonResponder(200, `{"data":[]}`))
	e.mt.RegisterResponder(http.MethodGet, otherURL, jsonResponder(200, `{"data":[]}`))
	_, err := e.c.PackageHistory(context.Background(), testICCID)
	require.NoError(t, err)
	_, err = e.c.PackageHistory(context.Background(), other)
	require.NoError(t, err)
	require.Equal(t, 1, e.calls(http.MethodGet, historyURL))
	require.Equal(t, 1, e.calls(http.MethodGet, otherURL))
}

func TestPackageHistoryCorruptCache(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.c.opts.Store.Set(context.Background(), historyKeyPrefix+testICCID, []byte("{"), time.Minute))
	_, err := e.c.PackageHistory(context.Background(), testICCID)
	require.Error(t, err)
	require.Equal(t, 0, e.mt.GetTotalCallCount())
}
