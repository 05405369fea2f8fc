package topups

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// HistoryWindow is the provider's limit for package history: one request
// per eSIM per window. Answers are cached for as long.
const HistoryWindow = 15 * time.Minute

const (
	opPackageHistory  = "GET /customer/v2/sims/{iccid}/packages"
	historyKeyPrefix  = "topups:history:"
	historyGatePrefix = "topups:history-gate:"
)

// HistoryPackage is one package an eSIM received: the original package or
// a top-up, with what is left of it.
type HistoryPackage struct {
	// ID is the provider's id of this entry (an integer in the API).
	ID int64 `json:"id"`
	// Status is the package's state (PackageActive, PackageExpired, ...).
	Status PackageStatus `json:"status"`
	// Remaining data; RemainingVoice minutes and RemainingText messages
	// (0 when the API sends none).
	Remaining      Megabytes `json:"remaining"`
	RemainingVoice int       `json:"remaining_voice"`
	RemainingText  int       `json:"remaining_text"`
	// ActivatedAt, ExpiredAt and FinishedAt are zero until they happen.
	ActivatedAt time.Time `json:"activated_at"`
	ExpiredAt   time.Time `json:"expired_at"`
	FinishedAt  time.Time `json:"finished_at"`
	// Package is the package itself: id, type, prices, amount, validity,
	// is_unlimited, title.
	Package Package `json:"package"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-" extra:"package_id,data"`
}

// UnmarshalJSON accepts numbers sent as strings, the API's time layouts,
// and an entry that names its package flat (package_id, data) rather than
// nested.
func (p *HistoryPackage) UnmarshalJSON(b []byte) error {
	type plain HistoryPackage
	w := struct {
		*plain
		ID             jsonx.Int    `json:"id"`
		RemainingVoice jsonx.Int    `json:"remaining_voice"`
		RemainingText  jsonx.Int    `json:"remaining_text"`
		ActivatedAt    jsonx.Time   `json:"activated_at"`
		ExpiredAt      jsonx.Time   `json:"expired_at"`
		FinishedAt     jsonx.Time   `json:"finished_at"`
		PackageID      jsonx.String `json:"package_id"`
		Data           jsonx.String `json:"data"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.ID, p.RemainingVoice, p.RemainingText = int64(w.ID), int(w.RemainingVoice), int(w.RemainingText)
	p.ActivatedAt, p.ExpiredAt, p.FinishedAt = time.Time(w.ActivatedAt), time.Time(w.ExpiredAt), time.Time(w.FinishedAt)
	if p.Package.ID == "" {
		p.Package.ID = string(w.PackageID)
	}
	if p.Package.Data == "" {
		p.Package.Data = string(w.Data)
	}
	return nil
}

// PackageHistory is an eSIM's package history as the provider reported it
// at FetchedAt; it may be served from the cache for up to HistoryWindow.
type PackageHistory struct {
	// ICCID is the eSIM asked about.
	ICCID string `json:"iccid"`
	// Packages are the original package and every top-up, as the provider
	// lists them.
	Packages []HistoryPackage `json:"packages"`
	// Pricing is the account's pricing model, when the API reports it.
	Pricing Pricing `json:"pricing"`
	// FetchedAt is when the provider answered (by the client's clock).
	FetchedAt time.Time `json:"fetched_at"`
}

// Age is how old the answer is at now (how stale the remaining amounts
// may be).
func (h *PackageHistory) Age(now time.Time) time.Duration { return now.Sub(h.FetchedAt) }

// PackageHistory returns the packages ordered for the eSIM iccid: the
// original package and every top-up (GET
// /customer/v2/sims/{iccid}/packages).
//
// The provider allows one request per eSIM per HistoryWindow (15 minutes),
// so the client never sends a second one inside the window:
//   - an answer cached in the Store is served (see PackageHistory.Age);
//   - concurrent calls for one ICCID send one request (per process, and per
//     fleet sharing a Store);
//   - with nothing cached and the window already used (the last request
//     failed, or another replica holds it), the call returns an
//     *apierror.Error of Kind ErrRateLimited whose RetryAfter is the time
//     until the window reopens.
//
// Because a second request would break the limit, the request reaches the
// provider at most once per call: it is never retried, and never replayed
// by the HTTP stack on a reused connection. A request that surely did not
// reach the provider (connection refused, token failure) gives the window
// back, so the caller may try again at once. A request the provider may
// have counted keeps the window closed: one it answered, even with an
// error, and one whose answer was lost (the connection dropped after
// sending, a timeout). The call that lost its answer fails with
// ErrUnavailable (Ambiguous, RetryAfter set to the window); later calls
// inside the window get ErrRateLimited with RetryAfter, never a request
// the provider would refuse.
func (c *Client) PackageHistory(ctx context.Context, iccid string, opts ...option.CallOption) (*PackageHistory, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := checkICCID(opPackageHistory, iccid); err != nil {
		return nil, err
	}
	v, _, err := c.flight.LoadNamed(ctx, "package_history", historyKeyPrefix+iccid, func(ctx context.Context) ([]byte, time.Duration, error) {
		return c.fetchHistory(ctx, iccid, opts)
	})
	if err != nil {
		return nil, storeError(opPackageHistory, err)
	}
	h := &PackageHistory{}
	if err := jsonx.Unmarshal(v, h); err != nil {
		return nil, &apierror.Error{Provider: Provider, Op: opPackageHistory, Message: "cannot decode cached package history", Kind: apierror.ErrBadResponse, Err: err}
	}
	return h, nil
}

// fetchHistory sends the one request the window allows and returns the
// answer to cache.
func (c *Client) fetchHistory(ctx context.Context, iccid string, opts []option.CallOption) ([]byte, time.Duration, error) {
	// Have a token before taking the window: a token failure (ambiguous
	// when its endpoint drops the connection or answers 5xx) would
	// otherwise look like a lost history request and keep the window
	// closed for 15 minutes without the provider ever being asked.
	if _, err := c.token(ctx); err != nil {
		return nil, 0, err
	}
	ok, wait, err := c.history.Allow(ctx, iccid)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, &apierror.Error{Provider: Provider, Op: opPackageHistory, RetryAfter: wait, Kind: apierror.ErrRateLimited,
			Message: "package history allows one request per eSIM per 15 minutes and no answer is cached"}
	}
	var out struct {
		Data    []HistoryPackage `json:"data"`
		Pricing Pricing          `json:"pricing"`
	}
	resp, err := c.call(ctx, &transport.Request{
		Method:      http.MethodGet,
		Path:        "/customer/v2/sims/" + url.PathEscape(iccid) + "/packages",
		Idempotency: transport.NotIdempotent,
		Op:          opPackageHistory,
	}, &out, opts)
	if err != nil {
		switch {
		case resp == nil && !transport.Ambiguous(err):
			// Nothing reached the provider: give the window back so the
			// caller can try again.
			_ = c.history.Release(context.WithoutCancel(ctx), iccid)
		case resp == nil:
			// The provider may have counted the request: keep the window
			// closed, and say when it reopens.
			var e *apierror.Error
			if errors.As(err, &e) && e.RetryAfter == 0 {
				e.RetryAfter = HistoryWindow
			}
		}
		return nil, 0, err
	}
	if out.Data == nil {
		// No data at all (an empty body, {}, null) is not "no packages":
		// caching it would serve a wrong answer for the whole window. The
		// provider counted the request, so the window stays closed.
		return nil, 0, c.t.Fail(resp, &apierror.Error{Message: "package history answer has no data", Kind: apierror.ErrBadResponse, RetryAfter: HistoryWindow})
	}
	b, err := jsonx.Marshal(&PackageHistory{ICCID: iccid, Packages: out.Data, Pricing: out.Pricing, FetchedAt: c.t.Now()})
	if err != nil {
		return nil, 0, err
	}
	return b, HistoryWindow, nil
}

// storeError wraps a failure of the Store, or the caller's ctx ending
// while waiting on a shared load, as an *apierror.Error.
func storeError(op string, err error) error {
	var ae *apierror.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &apierror.Error{Provider: Provider, Op: op, Message: "call ended by the caller's context", Err: err}
	}
	return &apierror.Error{Provider: Provider, Op: op, Message: "shared state unavailable", Kind: apierror.ErrUnavailable, Err: err}
}
