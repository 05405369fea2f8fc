package topups

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// HistoryWindow is the provider's limit for package history: one request
// per eSIM per window. Answers are cached for as long.
const HistoryWindow = 15 * time.Minute

const (
	historyOp         = "GET /customer/v2/sims/{iccid}/packages"
	historyKeyPrefix  = "topups:history:"
	historyGatePrefix = "topups:history-gate:"
)

// HistoryPackage is one package an eSIM received: the original package or
// a top-up.
type HistoryPackage struct {
	PackageID string        `json:"package_id"`
	Status    PackageStatus `json:"status"`
	// Remaining data; RemainingVoice minutes and RemainingText messages.
	Remaining      Megabytes `json:"remaining"`
	RemainingVoice int       `json:"remaining_voice"`
	RemainingText  int       `json:"remaining_text"`
	// ActivatedAt, ExpiredAt and FinishedAt are zero until they happen.
	ActivatedAt time.Time `json:"activated_at"`
	ExpiredAt   time.Time `json:"expired_at"`
	FinishedAt  time.Time `json:"finished_at"`
	// Data is the total data amount and Validity the validity period, as
	// the provider words them.
	Data     string `json:"data"`
	Validity string `json:"validity"`
}

// UnmarshalJSON accepts numbers sent as strings and the API's time layouts.
func (p *HistoryPackage) UnmarshalJSON(b []byte) error {
	type plain HistoryPackage
	w := struct {
		*plain
		PackageID      flexString `json:"package_id"`
		RemainingVoice flexInt    `json:"remaining_voice"`
		RemainingText  flexInt    `json:"remaining_text"`
		ActivatedAt    flexTime   `json:"activated_at"`
		ExpiredAt      flexTime   `json:"expired_at"`
		FinishedAt     flexTime   `json:"finished_at"`
		Data           flexString `json:"data"`
		Validity       flexString `json:"validity"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.PackageID, p.RemainingVoice, p.RemainingText = string(w.PackageID), int(w.RemainingVoice), int(w.RemainingText)
	p.ActivatedAt, p.ExpiredAt, p.FinishedAt = time.Time(w.ActivatedAt), time.Time(w.ExpiredAt), time.Time(w.FinishedAt)
	p.Data, p.Validity = string(w.Data), string(w.Validity)
	return nil
}

// PackageHistory is an eSIM's package history as the provider reported it
// at FetchedAt; it may be served from the cache for up to HistoryWindow.
type PackageHistory struct {
	ICCID     string           `json:"iccid"`
	Packages  []HistoryPackage `json:"packages"`
	FetchedAt time.Time        `json:"fetched_at"`
}

// Age is how old the answer is at now (how stale the remaining amounts
// may be).
func (h *PackageHistory) Age(now time.Time) time.Duration { return now.Sub(h.FetchedAt) }

// PackageHistory returns the packages ordered for the eSIM iccid: the
// original package and every top-up.
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
// Because a second request would break the limit, this call is never
// retried automatically. A request that got no answer at all (connection
// refused, timeout, token failure) gives the window back, so the caller
// may try again at once; a request the provider answered, even with an
// error, keeps the window closed. A request that timed out after reaching
// the provider may have been counted there; the provider's 429 is then
// returned as ErrRateLimited.
func (c *Client) PackageHistory(ctx context.Context, iccid string, opts ...option.CallOption) (*PackageHistory, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if !validate.ICCID(iccid) {
		return nil, apierror.Validation(Provider, historyOp, "iccid must be 18 to 22 digits")
	}
	v, _, err := c.flight.Load(ctx, historyKeyPrefix+iccid, func(ctx context.Context) ([]byte, time.Duration, error) {
		return c.fetchHistory(ctx, iccid, opts)
	})
	if err != nil {
		return nil, storeError(historyOp, err)
	}
	h := &PackageHistory{}
	if err := json.Unmarshal(v, h); err != nil {
		return nil, &apierror.Error{Provider: Provider, Op: historyOp, Message: "cannot decode cached package history", Kind: transport.ErrBadResponse, Err: err}
	}
	return h, nil
}

// fetchHistory sends the one request the window allows and returns the
// answer to cache.
func (c *Client) fetchHistory(ctx context.Context, iccid string, opts []option.CallOption) ([]byte, time.Duration, error) {
	ok, wait, err := c.history.Allow(ctx, iccid)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, &apierror.Error{Provider: Provider, Op: historyOp, RetryAfter: wait, Kind: apierror.ErrRateLimited,
			Message: "package history allows one request per eSIM per 15 minutes and no answer is cached"}
	}
	var out struct {
		Data []HistoryPackage `json:"data"`
	}
	resp, err := c.do(ctx, &transport.Request{
		Method:      http.MethodGet,
		Path:        "/customer/v2/sims/" + url.PathEscape(iccid) + "/packages",
		Idempotency: transport.NotIdempotent,
		Op:          historyOp,
	}, &out, opts...)
	if err != nil {
		if resp == nil {
			// Nothing reached the provider (or it never answered): give the
			// window back so the caller can try again.
			_ = c.history.Release(context.WithoutCancel(ctx), iccid)
		}
		return nil, 0, err
	}
	b, err := json.Marshal(&PackageHistory{ICCID: iccid, Packages: out.Data, FetchedAt: c.t.Now()})
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
		return &apierror.Error{Provider: Provider, Op: op, Message: "call ended by context", Err: err}
	}
	return &apierror.Error{Provider: Provider, Op: op, Message: "shared state unavailable", Kind: apierror.ErrUnavailable, Err: err}
}
