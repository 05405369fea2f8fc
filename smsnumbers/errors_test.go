package smsnumbers

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/retry"
)

// TestErrorTexts pins every plain-text error the API sends to its
// sentinel, from the table in testdata, so a change of mapping is a
// deliberate, visible decision.
func TestErrorTexts(t *testing.T) {
	sentinels := map[string]error{
		"ErrOutOfStock": apierror.ErrOutOfStock, "ErrInsufficientFunds": apierror.ErrInsufficientFunds,
		"ErrConflict": apierror.ErrConflict, "ErrValidation": apierror.ErrValidation,
		"ErrNotFound": apierror.ErrNotFound, "ErrUnavailable": apierror.ErrUnavailable,
		"ErrServer": apierror.ErrServer, "ErrRateLimited": apierror.ErrRateLimited,
	}
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "smsnumbers", "error_texts.tsv"))
	require.NoError(t, err)
	want := map[string]error{}
	for _, line := range strings.Split(string(raw), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		text, name, ok := strings.Cut(line, "\t")
		require.True(t, ok, "bad line %q", line)
		kind, ok := sentinels[name]
		require.True(t, ok, "unknown sentinel %q", name)
		want[text] = kind
	}
	require.Len(t, errorTexts, len(want), "every documented text is mapped, and nothing else")
	for msg, kind := range want {
		t.Run(msg, func(t *testing.T) {
			h := newHarness(t)
			h.reply(text(http.StatusBadRequest, msg))
			_, err := h.c.Check(context.Background(), 7)
			require.ErrorIs(t, err, kind)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, msg, e.Message)
			require.Equal(t, http.StatusBadRequest, e.StatusCode)
			require.Equal(t, Provider, e.Provider)
			require.Equal(t, "GET /v1/user/check/{id}", e.Op)
			require.NotContains(t, err.Error(), testToken)
		})
	}
}

// TestErrorVariants covers the ways an error can reach us besides a plain
// 400 text.
func TestErrorVariants(t *testing.T) {
	tests := []struct {
		name    string
		resp    func() *http.Response
		kind    error
		message string
	}{
		{"401 with empty body is a bad token", text(http.StatusUnauthorized, ""), apierror.ErrUnauthorized, ""},
		{"302 to /404.html is not found, not followed", redirect("/404.html"), apierror.ErrNotFound, "no such endpoint (redirect to /404.html)"},
		{"other redirect keeps the location", redirect("https://elsewhere.test/"), nil, `unexpected redirect to "https://elsewhere.test/"`},
		{"unknown text keeps its message, kind from status", text(http.StatusBadRequest, "something new"), apierror.ErrValidation, "something new"},
		{"unknown text on 500", text(http.StatusInternalServerError, "boom"), apierror.ErrServer, "boom"},
		{"text with details matches by prefix", text(http.StatusBadRequest, "you need to wait time 30s"), apierror.ErrRateLimited, "you need to wait time 30s"},
		{"case and spaces do not matter", text(http.StatusBadRequest, "  Order Not Found\n"), apierror.ErrNotFound, "Order Not Found"},
		{"JSON-quoted text", text(http.StatusBadRequest, `"order expired"`), apierror.ErrConflict, "order expired"},
		{"known text with 200", text(http.StatusOK, "order not found"), apierror.ErrNotFound, "order not found"},
		{"unknown text with 200 is a bad response", text(http.StatusOK, "surprise"), transport.ErrBadResponse, "surprise"},
		{"empty 200 for an order", text(http.StatusOK, ""), transport.ErrBadResponse, "empty response"},
		{"malformed JSON 200", text(http.StatusOK, `{"id": "x"`), transport.ErrBadResponse, "cannot decode response"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.reply(tc.resp)
			o, err := h.c.Check(context.Background(), 7)
			require.Error(t, err)
			require.Nil(t, o)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			if tc.kind != nil {
				require.ErrorIs(t, err, tc.kind)
			} else {
				require.Nil(t, e.Kind)
			}
			require.Equal(t, tc.message, e.Message)
			require.Len(t, h.requests(), 1, "no redirect is followed and nothing here is retried")
		})
	}
}

// TestNoFreePhonesWith200 shows a sold-out answer with status 200 is an
// error on every purchase, never an empty order.
func TestNoFreePhonesWith200(t *testing.T) {
	ctx := context.Background()
	buys := map[string]func(c *Client) (*Order, error){
		"activation": func(c *Client) (*Order, error) {
			return c.BuyActivation(ctx, BuyActivationParams{Country: "russia", Operator: Any, Product: "telegram"})
		},
		"hosting": func(c *Client) (*Order, error) {
			return c.BuyHosting(ctx, BuyHostingParams{Country: "russia", Operator: Any, Product: Hosting3Hours})
		},
		"reuse": func(c *Client) (*Order, error) {
			return c.Reuse(ctx, ReuseParams{Product: "telegram", Number: "79006665544"})
		},
	}
	for name, buy := range buys {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.reply(text(http.StatusOK, "no free phones"))
			o, err := buy(h.c)
			require.Nil(t, o)
			require.ErrorIs(t, err, apierror.ErrOutOfStock)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, http.StatusOK, e.StatusCode)
			require.Equal(t, []byte("no free phones"), e.Raw)
		})
	}
}

// TestRateLimitBacksOff shows 429 and 503 are waited out with growing
// pauses before the call is sent again, never retried at full speed.
func TestRateLimitBacksOff(t *testing.T) {
	t.Run("429 then 200", func(t *testing.T) {
		h := newHarness(t)
		h.reply(text(http.StatusTooManyRequests, ""), text(http.StatusOK, fixture(t, "profile.json")))
		p, err := h.c.Profile(context.Background())
		require.NoError(t, err)
		require.Equal(t, int64(1), p.ID)
		require.Len(t, h.requests(), 2)
		sleeps := h.recordedSleeps()
		require.Len(t, sleeps, 1)
		require.Positive(t, sleeps[0])
	})
	t.Run("503 twice grows the wait", func(t *testing.T) {
		h := newHarness(t)
		h.reply(text(http.StatusServiceUnavailable, ""), text(http.StatusServiceUnavailable, ""), text(http.StatusOK, fixture(t, "order_pending.json")))
		_, err := h.c.Check(context.Background(), 1)
		require.NoError(t, err)
		sleeps := h.recordedSleeps()
		require.Len(t, sleeps, 2)
		require.Greater(t, sleeps[1], sleeps[0])
	})
	t.Run("default policy retries a 429 once, after 2 s", func(t *testing.T) {
		// Keep only the recording sleeper: every other field inherits the
		// provider's default.
		h := newHarness(t, func(o *Options) { o.Retry = retry.Policy{Sleep: o.Retry.Sleep, NoJitter: true} })
		h.reply(text(http.StatusTooManyRequests, ""))
		_, err := h.c.Profile(context.Background())
		require.ErrorIs(t, err, apierror.ErrRateLimited)
		require.Len(t, h.requests(), 2, "each throttled call hits the limit at most twice")
		require.Equal(t, []time.Duration{2 * time.Second}, h.recordedSleeps())
	})
	t.Run("429 until attempts run out", func(t *testing.T) {
		h := newHarness(t)
		h.reply(text(http.StatusTooManyRequests, ""))
		_, err := h.c.Profile(context.Background())
		require.ErrorIs(t, err, apierror.ErrRateLimited)
		require.Len(t, h.requests(), 3)
	})
}

// TestBuysAreNeverRetried: a retried buy could pay for a second number. A
// 429 is definite (nothing was bought); a 5xx may come after the work, so
// the orders history is asked, and here it cannot answer either.
func TestBuysAreNeverRetried(t *testing.T) {
	for _, tc := range []struct {
		status int
		kind   error
	}{
		{http.StatusTooManyRequests, apierror.ErrRateLimited},
		{http.StatusServiceUnavailable, apierror.ErrOutcomeUnknown},
		{http.StatusBadGateway, apierror.ErrOutcomeUnknown},
	} {
		h := newHarness(t)
		h.reply(text(tc.status, ""))
		_, err := h.c.BuyActivation(context.Background(), BuyActivationParams{Country: "russia", Operator: Any, Product: "telegram"})
		require.ErrorIs(t, err, tc.kind)
		buys := 0
		for _, r := range h.requests() {
			if strings.HasPrefix(r.Path, "/v1/user/buy/") {
				buys++
			}
		}
		require.Equal(t, 1, buys)
	}
}

// TestTransportFailure covers a connection error: a read call is retried
// and ends as ErrUnavailable; a buy is sent once and, with the history
// unreachable too, ends as ErrOutcomeUnknown, not as "unavailable" (which
// would invite a blind second buy).
func TestTransportFailure(t *testing.T) {
	h := newHarness(t)
	h.mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) { return nil, errors.New("connection reset") })
	_, err := h.c.Profile(context.Background())
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.Equal(t, 3, h.mt.GetTotalCallCount())

	h = newHarness(t)
	var buys int
	h.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		if strings.HasPrefix(r.URL.Path, "/v1/user/buy/") {
			buys++
		}
		return nil, errors.New("connection reset")
	})
	_, err = h.c.BuyHosting(context.Background(), BuyHostingParams{Country: "russia", Operator: Any, Product: Hosting1Day})
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.NotErrorIs(t, err, apierror.ErrUnavailable)
	require.Equal(t, 1, buys)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.True(t, e.Ambiguous)
	require.Equal(t, "GET /v1/user/buy/hosting/russia/any/1day", e.Reference)
	require.False(t, e.Started.IsZero())
}

// TestTransportErrorShowsNoConcretePath: a failure below HTTP names the
// route template, never the path with its ids, country or phone number.
func TestTransportErrorShowsNoConcretePath(t *testing.T) {
	h := newHarness(t)
	h.mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) { return nil, errors.New("connection reset") })
	_, err := h.c.SMSInbox(context.Background(), 987654321)
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.NotContains(t, err.Error(), "987654321")
	require.Contains(t, err.Error(), `"/v1/user/sms/inbox/{id}"`)
	_, err = h.c.Products(context.Background(), ProductsParams{Country: "kazakhstan", Operator: "beeline"})
	require.NotContains(t, err.Error(), "kazakhstan")
}
